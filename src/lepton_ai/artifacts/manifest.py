"""The saved model directory's manifest (``lepton.json``) and the rules for its folder.

Layout (``docs/training.md``)::

    lepton.json          manifest: task, labels, base model + checksum, method,
                         metrics, data statistics, created, library version
    head.safetensors     classifier head (classification models)
    encoder/             fine-tuned encoder folder (methods fewshot, full)
    adapter/             LoRA/AdaLoRA adapter (methods lora, adalora), always
                         saved together with the head
    tagger.safetensors   token tagger weights (NER)
    report.json, report.md, confusion_matrix.png   evaluation
    README.md            model card

Everything is JSON or safetensors: loading never unpickles. ``lai.load(dir)``
(:mod:`lepton_ai.tasks.loading`) opens any such folder as a classifier or a tagger.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from lepton_ai._version import __version__
from lepton_ai.errors import E, LeptonError
from lepton_ai.model_memory import LOADED, files_mb
from lepton_ai.models.folder import read_json_file

T = TypeVar("T")

FORMAT_VERSION = 1
MANIFEST = "lepton.json"


@dataclass
class Manifest:
    """What ``lepton.json`` records about a trained model."""

    task: str  # "classify" | "ner"
    labels: list[str]
    method: str
    base_model: str
    base_checksum: str | None
    encoder: str  # "base" | "encoder" | "adapter" | "none"
    head: str = "linear"
    multi_label: bool = False
    metrics: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    library_version: str = __version__
    format_version: int = FORMAT_VERSION

    def write(self, folder: Path) -> None:
        """Write ``lepton.json`` into ``folder``."""
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(asdict(self), indent=2, ensure_ascii=False, default=str)
        (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> Manifest:
        """Read and validate ``lepton.json`` (LAI-E601/E602)."""
        file = Path(folder) / MANIFEST
        if not file.is_file():
            raise LeptonError(E.E601, path=folder)
        raw = read_json_file(file)
        if not isinstance(raw, dict):
            raise LeptonError(E.E606, path=file, why="not a JSON object")
        found = int(raw.get("format_version", 0))
        if found > FORMAT_VERSION:
            raise LeptonError(E.E602, path=folder, found=found, supported=FORMAT_VERSION)
        known = set(cls.__dataclass_fields__)
        try:
            return cls(**{k: v for k, v in raw.items() if k in known})
        except TypeError as error:  # a required field is missing
            raise LeptonError(E.E606, path=file, why=str(error)) from None


def manifest_stamp(folder: str | Path) -> int | None:
    """When ``folder``'s manifest was last written (ns); None for names and other folders."""
    try:
        return (Path(folder) / MANIFEST).stat().st_mtime_ns
    except OSError:
        return None


def model_cache(kind: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Hold what a loader returns in the process's model store
    (:data:`~lepton_ai.model_memory.LOADED`); its first argument is a name or a model
    folder.

    The folder's manifest write time is the entry's stamp, so a directory trained
    again in place is loaded afresh instead of served from memory.
    """

    def decorate(load: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(load)
        def loader(name: str, *args: Any) -> T:
            return LOADED.load((kind, name, *args), lambda: load(name, *args),
                               stamp=manifest_stamp(name), size_mb=lambda: files_mb(name))

        return loader

    return decorate


def check_output_folder(out: Path, ours: tuple[str, ...] = (MANIFEST,)) -> None:
    """LAI-E607 unless ``out`` is new, empty, or already a model we wrote.

    A folder holding one of ``ours`` (a previous model) is replaced as asked; one that
    holds only an interrupted run's ``checkpoints`` is resumed or restarted. Anything
    else there is the user's, and training would overwrite it (a model card is a
    README.md) or leave the two mixed.
    """
    if not out.exists():
        return
    if not out.is_dir():
        raise LeptonError(E.E607, path=out, problem="is a file, not a directory")
    entries = sorted(item.name for item in out.iterdir() if item.name != "checkpoints")
    if not entries or any((out / name).exists() for name in ours):
        return
    shown = ", ".join(entries[:5]) + (f" and {len(entries) - 5} more" if len(entries) > 5 else "")
    raise LeptonError(E.E607, path=out,
                      problem=f"already holds files lepton-ai did not write ({shown})")


def require_file(folder: Path, name: str) -> Path:
    """``folder / name``, or LAI-E603 naming what is missing."""
    path = folder / name
    if not path.exists():
        raise LeptonError(E.E603, path=folder, missing=name)
    return path
