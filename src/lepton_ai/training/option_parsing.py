"""Training options written as text (``lai train --set``, ``--search``) as typed values."""

from __future__ import annotations

import itertools
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.training.train_config import TrainConfig


def parse_search(spec: str) -> dict[str, list[Any]]:
    """``"lr=1e-5,3e-5 epochs=3,5"`` → ``{"lr": [1e-05, 3e-05], "epochs": [3, 5]}``."""
    known = list(TrainConfig.__dataclass_fields__)
    grid: dict[str, list[Any]] = {}
    for part in spec.split():
        name, _, values = part.partition("=")
        if not values or name not in known:
            raise LeptonError(E.E510, spec=spec, known=", ".join(known))
        grid[name] = [option_value(v) for v in values.split(",") if v]
    if not grid:
        raise LeptonError(E.E510, spec=spec, known=", ".join(known))
    return grid


def parse_options(items: list[str]) -> dict[str, Any]:
    """``["patience=3", "head=mlp"]`` → ``{"patience": 3, "head": "mlp"}`` (``--set``)."""
    options: dict[str, Any] = {}
    for item in items:
        name, sign, value = item.partition("=")
        if not sign or not name.strip():
            raise LeptonError(E.E511, name=item, value="", why="write it as NAME=VALUE")
        options[name.strip()] = option_value(value.strip())
    return options


def option_value(value: str) -> bool | int | float | str:
    """A command-line option value as its type: ``true``/``false``, int, float, else text."""
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            continue
    return value


def grid_points(grid: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Every combination of a grid."""
    names = list(grid)
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*grid.values())]
