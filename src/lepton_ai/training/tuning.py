"""Small hyper-parameter search: every grid point trained, the best on validation kept."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lepton_ai.tasks.classify import TextClassifier
from lepton_ai.training.option_parsing import grid_points
from lepton_ai.training.run_log import say
from lepton_ai.training.train_config import TrainConfig

TRIALS_FILE = "trials.json"
#: Trains one trial: its options and its folder in, the trained model out.
TrialRunner = Callable[[TrainConfig, Path], TextClassifier]


def grid_search(
    grid: dict[str, list[Any]], config: TrainConfig, out: Path, run_trial: TrialRunner,
) -> TextClassifier:
    """Train one model per grid point (``run_trial``, all on the same split); keep the
    best in ``out``.

    The choice is made on the validation split (never on a test file), and every
    trial's options and score are recorded in ``out/trials.json``.
    """
    trials: list[dict[str, Any]] = []
    best: tuple[float, Path] | None = None
    for number, point in enumerate(grid_points(grid), start=1):
        trial_config = TrainConfig.from_options(**{**config.to_dict(), **point})
        folder = out / "trials" / f"trial-{number:02d}"
        model = run_trial(trial_config, folder)
        value = float(model.metrics["accuracy"])
        shown = ", ".join(f"{name}={setting}" for name, setting in point.items())
        say(f"trial {number} ({shown}): validation accuracy {value:.4f}")
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
