"""Quantization on its own: ``lai compress MODEL --out SMALL --quantize int8``.

The student is the teacher itself at int8: its encoder is written as an ONNX-only
folder (``config.json``, the tokenizer, the pooling settings and ``model.onnx``, the
checked dynamic-int8 file lepton-ai runs): MiniLM's encoder takes 22.8 MB instead of
90.9, and the model loads without torch. The rest of the model (head, n-grams,
token layer) is copied as it is. It is measured and gated like any other student.

An ONNX-only encoder cannot be trained further or exported as a Hugging Face folder
(there are no float weights left); ``lai export --format onnx`` takes it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from lepton_ai.errors import E, LeptonError
from lepton_ai.models.folder import ONNX_PRECISION, copy_side_files, inspect_folder


def write_onnx_only_encoder(source: Path, target: Path, precision: str = "int8") -> Path:
    """Write the encoder in ``source`` to ``target`` as an ONNX-only folder holding its
    checked ``precision`` ONNX file (exported and checked now if not cached)."""
    from lepton_ai.models.loader import ensure_prepared, prepare

    info = inspect_folder(source)
    if info.weights_file is None:
        raise LeptonError(E.E1701, model=source, reason="its encoder is already ONNX only",
                          hint="compress the model it was made from instead.")
    ensure_prepared(source)
    checked = prepare(source)[precision]
    if not checked.passed:
        raise LeptonError(E.E1702, option="--quantize", value=precision,
                          problem=f"fails its accuracy check on this encoder (min cosine "
                          f"{checked.min_cosine:.4f} < {checked.threshold})",
                          fix="Keep it at fp32 (leave --quantize out), or distil a student "
                          "and let --quantize auto choose.")
    target.mkdir(parents=True, exist_ok=True)
    copy_side_files(source, target)  # tokenizer and pooling, as a trained encoder's
    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    config[ONNX_PRECISION] = precision  # what the loader calls its backend
    (target / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    shutil.copyfile(checked.file, target / "model.onnx")
    return target


def copy_files(source: Path, target: Path, names: tuple[str, ...]) -> None:
    """Copy those of ``names`` that ``source`` holds into ``target``."""
    for name in names:
        if (source / name).is_file():
            shutil.copyfile(source / name, target / name)
