"""What every trained model is, whatever its task: ``lai.train`` and ``lai.load`` return one.

A :class:`TrainedModel` is a model directory opened for use: its manifest, its
labels and training-time metrics, ``predict``, ``evaluate`` on labelled data, and
``save`` to copy the folder elsewhere. Classifiers
(:class:`~lepton_ai.tasks.classify.TextClassifier`) and entity taggers
(:class:`~lepton_ai.tasks.tagger.Tagger`) are the two kinds.
"""

from __future__ import annotations

import hashlib
import shutil
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import Manifest, check_output_folder, require_file
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.folder import checked_safetensors, read_json_file
from lepton_ai.settings import settings


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


def encoder_source(folder: Path, manifest: Manifest) -> str | Path:
    """Where the classifier's encoder lives: the base model, a saved folder, or base+adapter."""
    if manifest.encoder in ("encoder", "static"):  # a saved transformer or static model
        return require_file(folder, manifest.encoder)
    if manifest.encoder == "adapter":
        return merged_adapter(folder, manifest)
    check_base(folder, manifest)
    return manifest.base_model


def check_base(folder: Path, manifest: Manifest) -> None:
    """LAI-E604 when the base model's weights changed since training."""
    if manifest.base_checksum is None:
        return
    from lepton_ai.models.folder import inspect_folder, weights_checksum
    from lepton_ai.models.registry import resolve

    info = inspect_folder(resolve(manifest.base_model).path())
    if info.weights_file is None:
        return
    found = weights_checksum(info.weights_file, settings.cache_dir)
    if found != manifest.base_checksum:
        raise LeptonError(
            E.E604, path=folder, base=manifest.base_model, found=found[:16],
            expected=manifest.base_checksum[:16],
        )


def prepare_encoder(folder: Path) -> None:
    """Make a trained model's encoder ready to load fast, without loading it: merge its
    adapter and export it to ONNX now (in a child where this process leaves that work to
    one), so that a first request does not wait for it."""
    from lepton_ai.models.loader import ensure_prepared

    manifest = Manifest.read(folder)
    if manifest.encoder in ("base", "encoder", "adapter"):  # not static, none (char CRF)
        ensure_prepared(encoder_source(folder, manifest))


def merged_adapter(folder: Path, manifest: Manifest) -> Path:
    """The base model with the LoRA/AdaLoRA adapter merged in, cached as a plain folder.

    Merging once lets the adapted encoder run on the same ONNX fast path as any
    other; the cache key is the adapter's content. A process that leaves exports to a
    child (``lai serve``) merges and exports there too, so torch and the merged
    weights never stay resident in it.
    """
    adapter = require_file(folder, "adapter")
    weights = checked_safetensors(require_file(adapter, "adapter_model.safetensors"))
    read_json_file(require_file(adapter, "adapter_config.json"))
    key = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    merged = settings.cache_dir / "merged" / key
    if (merged / "model.safetensors").is_file():
        return merged
    check_base(folder, manifest)
    from lepton_ai.models.loader import exports_in_child, merge_in_child

    in_child = exports_in_child() and merge_in_child(manifest.base_model, adapter, merged)
    if in_child and (merged / "model.safetensors").is_file():
        return merged
    from lepton_ai.models.adapters import merge_adapter

    merge_adapter(manifest.base_model, adapter, merged)
    return merged
