"""What every trained model is, whatever its task: ``lai.train`` and ``lai.load`` return one.

A :class:`TrainedModel` is a model directory opened for use: its manifest, its
labels and training-time metrics, ``predict``, ``evaluate`` on labelled data, and
``save`` to copy the folder elsewhere. Classifiers
(:class:`~lepton_ai.tasks.classify.TextClassifier`) and entity taggers
(:class:`~lepton_ai.tasks.tagger.Tagger`) are the two kinds.
"""

from __future__ import annotations

import shutil
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import Manifest, check_output_folder


class TrainedModel(ABC):
    """A trained model directory opened for use."""

    def __init__(self, manifest: Manifest, folder: Path) -> None:
        self.manifest = manifest
        self.folder = folder

    @property
    def task(self) -> str:
        """``"classify"`` or ``"ner"``."""
        return self.manifest.task

    @property
    def labels(self) -> list[str]:
        """The labels it predicts (a tagger's are BIO tags)."""
        return list(self.manifest.labels)

    @property
    def metrics(self) -> dict[str, Any]:
        """Evaluation figures recorded at training time."""
        return dict(self.manifest.metrics)

    @abstractmethod
    def predict(self, texts: str | Sequence[str]) -> Any:
        """One result for one text, a list for a list."""

    @abstractmethod
    def evaluate(self, data: Any, *, out: str | Path | None = None,
                 **columns: Any) -> dict[str, Any]:
        """Scores on labelled data (a file or the task's data type); ``out`` writes a
        report there."""

    def save(self, folder: str | Path) -> Path:
        """Copy the model directory to ``folder`` (a no-op onto itself); a model already
        there is replaced whole, once the copy is complete."""
        from lepton_ai.artifacts.staging import staged

        target = Path(folder)
        if target.resolve() != self.folder.resolve():
            check_output_folder(target)
            with staged(target) as staging:
                shutil.copytree(self.folder, staging, dirs_exist_ok=True)
            self.folder = target
        return target
