"""What one training method produced, whatever the task."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(kw_only=True)
class Outcome:
    """A method's result: its size, its history and what it settled on itself.

    The weights are in the run folder (taggers) or in a subclass (a classifier's
    head: :class:`~lepton_ai.training.methods.Result`). ``chosen`` (epochs run,
    learning rate, best epoch, L2, ...) goes into the manifest beside the options
    given; ``history`` is one record per epoch or validation.
    """

    trainable_parameters: int
    history: list[dict[str, Any]] = field(default_factory=list)
    chosen: dict[str, Any] = field(default_factory=dict)
