"""``lai.load(dir)``: any trained model directory, as a classifier or a tagger (both
:class:`~lepton_ai.tasks.trained.TrainedModel`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import Manifest
from lepton_ai.errors import E, LeptonError


def load(folder: str | Path, **options: Any) -> Any:
    """Load any trained model directory: a classifier or a tagger.

    ``options`` go to the task's loader (e.g. ``precision="int8"``).
    """
    folder = Path(folder)
    manifest = Manifest.read(folder)
    if manifest.task == "classify":
        from lepton_ai.tasks.classify import TextClassifier

        return TextClassifier.load(folder, **options)
    if manifest.task == "ner":
        from lepton_ai.tasks.tagger import load_tagger

        return load_tagger(folder, **options)
    raise LeptonError(E.E605, path=folder, found=manifest.task, expected="classify or ner")
