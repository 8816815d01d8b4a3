"""Every training method, declared once: what it does, what the model directory holds,
which tasks it trains, and its default epochs and learning rate per task.

The option checks, ``auto``'s choice, ``lai train --help``, the defaults a run fills
in and the model card all read this table; the implementations live in
:mod:`lepton_ai.training.methods` (classifiers) and :mod:`lepton_ai.training.ner`
(taggers), and a test keeps both in step with it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from lepton_ai.errors import E, LeptonError

#: The tasks ``lai.train(task=...)`` trains.
TASKS = ("classify", "ner", "pair")
AUTO = "auto"


@dataclass(frozen=True)
class Defaults:
    """A method's default epochs and learning rate for one task."""

    epochs: int
    lr: float


@dataclass(frozen=True)
class TrainingMethod:
    """One training method.

    Attributes:
        name: what ``--method`` / ``method=`` takes.
        summary: one line on what it does and when to use it.
        saves: what the model directory holds besides ``lepton.json`` and the reports.
        defaults: task → default epochs and learning rate (the tasks it trains).
        changes_encoder: it updates a Hugging Face transformer's weights (so the base
            must be one).
        adapter: what it trains is an adapter (LoRA/AdaLoRA) inside the encoder.
    """

    name: str
    summary: str
    saves: str
    defaults: dict[str, Defaults]
    changes_encoder: bool
    adapter: bool = False

    @property
    def tasks(self) -> tuple[str, ...]:
        """The tasks this method trains."""
        return tuple(self.defaults)


METHODS: tuple[TrainingMethod, ...] = (
    TrainingMethod(
        "head", "Frozen encoder, a logistic-regression (or MLP) head on its vectors: "
        "seconds to minutes, any encoder.",
        "head.safetensors (the base encoder is named, with its checksum)",
        {"classify": Defaults(0, 0.0)}, changes_encoder=False),
    TrainingMethod(
        "fewshot", "SetFit-style contrastive fine-tuning of the encoder on pairs, then the "
        "head: a handful of examples per label.",
        "encoder/ (fine-tuned) + head.safetensors",
        {"classify": Defaults(1, 2e-5)}, changes_encoder=True),
    TrainingMethod(
        "full", "Every encoder weight fine-tuned with the head (or the token layer): "
        "hundreds of examples per label and more.",
        "encoder/ + head.safetensors; taggers: tagger.safetensors; pair: the encoder itself",
        {"classify": Defaults(4, 8e-5), "ner": Defaults(3, 1e-4), "pair": Defaults(1, 2e-5)},
        changes_encoder=True),
    TrainingMethod(
        "lora", "Low-rank adapters in the encoder's attention and feed-forward layers, "
        "with the head: most of full's accuracy, a small file.",
        "adapter/ (LoRA) + head.safetensors, saved together; taggers: tagger.safetensors",
        {"classify": Defaults(6, 1e-3), "ner": Defaults(3, 1e-3)}, changes_encoder=True,
        adapter=True),
    TrainingMethod(
        "adalora", "LoRA whose ranks are reallocated during training to the layers that "
        "need them.",
        "adapter/ (AdaLoRA) + head.safetensors, saved together",
        {"classify": Defaults(6, 1e-3)}, changes_encoder=True, adapter=True),
    TrainingMethod(
        "charcrf", "A BiLSTM-CRF trained from scratch, over characters (Chinese) or "
        "words: entity tagging without a transformer, many times faster, less accurate.",
        "tagger.safetensors + vocab.json",
        {"ner": Defaults(30, 2e-3)}, changes_encoder=False),
)


def method_names(task: str | None = None) -> tuple[str, ...]:
    """The methods (of ``task``, when given), ``auto`` first."""
    return (AUTO, *(m.name for m in METHODS if task is None or task in m.defaults))


def training_method(name: str, task: str) -> TrainingMethod:
    """The method called ``name`` for ``task`` (LAI-E508 names those that train it)."""
    for method in METHODS:
        if method.name == name and task in method.defaults:
            return method
    known = method_names(task)[1:]
    close = difflib.get_close_matches(name, known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    raise LeptonError(E.E508, method=f"{name!r} for task {task!r}{hint}",
                      known=f"auto, {', '.join(known)}")


def check_task(task: str) -> None:
    """LAI-E518 unless ``lai.train`` trains ``task``."""
    if task not in TASKS:
        raise LeptonError(E.E518, task=task, known=", ".join(TASKS))


def encoder_methods() -> tuple[str, ...]:
    """Methods that change the encoder's weights (a Hugging Face transformer base)."""
    return tuple(m.name for m in METHODS if m.changes_encoder)


def method_help() -> str:
    """The ``--method`` help line: each task's methods."""
    return "; ".join(f"{task}: {' | '.join(method_names(task))}" for task in TASKS)
