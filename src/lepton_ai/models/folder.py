"""Reading a Hugging Face encoder folder without loading it.

Checks that the folder holds what an encoder needs and reads the few settings the
runtimes use (hidden size, pooling, maximum sequence length), so that a wrong
folder fails at once with a coded error naming what is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError

_SAFE_WEIGHTS = ("model.safetensors",)
_PICKLE_WEIGHTS = ("pytorch_model.bin", "tf_model.h5", "model.ckpt.index")


@dataclass(frozen=True)
class FolderInfo:
    """What an encoder folder holds."""

    path: Path
    hidden_size: int
    tokenizer_file: Path
    weights_file: Path | None
    onnx_file: Path | None
    pooling: str  # "mean" | "cls"
    max_seq_length: int
    onnx_precision: str = "fp32"  # of an ONNX-only folder's model.onnx


#: config.json key naming the precision of an ONNX-only folder's model.onnx.
ONNX_PRECISION = "lepton_onnx_precision"


def inspect_folder(path: Path) -> FolderInfo:
    """Validate ``path`` as an encoder folder and read its settings.

    Raises:
        LeptonError: LAI-E102 naming every missing piece; LAI-E107 when the only
            weights are a pickle file.
    """
    if not path.is_dir():
        raise LeptonError(E.E102, path=path, missing="it is not a folder")
    missing: list[str] = []
    config_file = path / "config.json"
    if not config_file.is_file():
        missing.append("config.json is missing")
    tokenizer_file = path / "tokenizer.json"
    if not tokenizer_file.is_file():
        missing.append("tokenizer.json is missing")
    weights = next((path / n for n in _SAFE_WEIGHTS if (path / n).is_file()), None)
    if weights is not None:
        checked_safetensors(weights)
    onnx_file = path / "model.onnx" if (path / "model.onnx").is_file() else None
    if weights is None and onnx_file is None:
        pickled = next((n for n in _PICKLE_WEIGHTS if (path / n).is_file()), None)
        if pickled is not None:
            raise LeptonError(E.E107, path=path, filename=pickled)
        missing.append("no weights (model.safetensors or model.onnx)")
    if missing:
        raise LeptonError(E.E102, path=path, missing="; ".join(missing))

    config = _read_json(config_file)
    hidden = int(config.get("hidden_size") or config.get("dim") or config.get("d_model") or 0)
    if hidden <= 0:
        raise LeptonError(E.E102, path=path, missing="config.json has no hidden_size")
    st_config = _read_json(path / "sentence_bert_config.json")
    pooling_config = _read_json(path / "1_Pooling" / "config.json")
    pooling = "cls" if pooling_config.get("pooling_mode_cls_token") else "mean"
    positions = int(config.get("max_position_embeddings", 512))
    max_seq = int(st_config.get("max_seq_length", min(positions, 512)))
    return FolderInfo(
        path=path,
        hidden_size=hidden,
        tokenizer_file=tokenizer_file,
        weights_file=weights,
        onnx_file=onnx_file,
        pooling=pooling,
        max_seq_length=min(max_seq, positions),
        onnx_precision=str(config.get(ONNX_PRECISION, "fp32")),
    )


def weights_checksum(file: Path, cache_dir: Path) -> str:
    """SHA-256 of a weights file, memoised by path, size and modification time.

    Hashing 90 MB takes a noticeable fraction of a second; the memo keeps cold
    start fast once a model has been seen.
    """
    stat = file.stat()
    memo_key = hashlib.sha256(
        f"{file.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()
    ).hexdigest()[:24]
    memo = cache_dir / "checksums" / f"{memo_key}.txt"
    if memo.is_file():
        return memo.read_text().strip()
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()
    memo.parent.mkdir(parents=True, exist_ok=True)
    # Write a private file then rename it, so no reader (process or thread) ever sees
    # half a digest and concurrent writers never share a temporary file.
    handle, partial = tempfile.mkstemp(dir=memo.parent, suffix=".partial")
    with os.fdopen(handle, "w") as out:
        out.write(value)
    os.replace(partial, memo)
    return value


def _read_json(file: Path) -> dict | list:
    return read_json_file(file) if file.is_file() else {}


def read_json_file(file: Path) -> Any:
    """A model folder's JSON file; LAI-E606 naming it when it does not parse."""
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise LeptonError(E.E606, path=file, why=f"not valid JSON ({error})") from None


def checked_safetensors(file: Path) -> Path:
    """``file`` when its safetensors header parses and its data fills the file, else
    LAI-E606 naming it: a cheap check before any heavy loading."""
    from safetensors import safe_open

    try:
        with safe_open(str(file), framework="numpy"):
            pass
    except Exception as error:  # SafetensorError, OSError: the file is what is wrong
        raise LeptonError(E.E606, path=file, why=f"{type(error).__name__}: {error}") from None
    return file


#: Files copied from a base folder so a derived encoder is a complete model folder.
SIDE_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
    "sentence_bert_config.json",
    "modules.json",
    "1_Pooling/config.json",
)


def copy_side_files(source: Path, target: Path) -> None:
    """Copy tokenizer and sentence-transformers settings from ``source`` to ``target``."""
    import shutil

    for name in SIDE_FILES:
        if (source / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / name, target / name)
