"""Small hyper-parameter search: every grid point trained, the best on validation kept."""

from __future__ import annotations

import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lepton_ai.tasks.classify import TextClassifier
from lepton_ai.training.config import TrainConfig
from lepton_ai.training.data import LabelledSet

if TYPE_CHECKING:
    from lepton_ai.training.api import StartingPoint

TRIALS_FILE = "trials.json"


def grid_search(
    grid: dict[str, list[Any]],
    train_set: LabelledSet,
    evaluation: LabelledSet | None,
    config: TrainConfig,
    *,
    base: str | Path | None,
    out: Path,
    keep_data: bool = True,
    previous: StartingPoint | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> TextClassifier:
    """Train one model per grid point on the same split; keep the best in ``out``.

    With ``previous`` every trial is a continual update of that model.

    The choice is made on the validation split (never on a test file), and every
    trial's options and score are recorded in ``out/trials.json``.
    """
    from lepton_ai.training.api import _say, _train_one, grid_points, held_out

    train_set, evaluation, evaluated_on = held_out(train_set, evaluation, config)
    trials: list[dict[str, Any]] = []
    best: tuple[float, Path] | None = None
    for number, point in enumerate(grid_points(grid), start=1):
        trial_config = TrainConfig.from_options(**{**config.to_dict(), **point})
        folder = out / "trials" / f"trial-{number:02d}"
        model = _train_one(
            train_set, evaluation, trial_config, base=base, out=folder, keep_data=keep_data,
            evaluated_on=evaluated_on, previous=previous, descriptions=descriptions,
        )
        value = float(model.metrics["accuracy"])
        shown = ", ".join(f"{name}={setting}" for name, setting in point.items())
        _say(f"trial {number} ({shown}): validation accuracy {value:.4f}")
        trials.append({"trial": number, **point, "method": model.manifest.method,
                       "validation_accuracy": value,
                       "train_seconds": model.manifest.data.get("train_seconds")})
        if best is None or value > best[0]:
            best = (value, folder)
    assert best is not None
    for item in best[1].iterdir():
        target = out / item.name
        if target.is_dir():
            shutil.rmtree(target)
        if item.is_dir():
            shutil.copytree(item, target)
        else:
            shutil.copy2(item, target)
    (out / TRIALS_FILE).write_text(json.dumps(trials, indent=2) + "\n", encoding="utf-8")
    model = TextClassifier.load(out)
    model.manifest.data["search"] = trials
    model.manifest.write(out)
    return model
