"""``lai export``: a trained classifier as a bundle that runs without lepton-ai.

(``format="hf"``, a Hugging Face folder for classifiers and taggers, is
:mod:`~lepton_ai.training.export_hf`.)

``format="onnx"`` writes, into a new folder:

- ``model.onnx``: the encoder, the same checked file lepton-ai runs (fp32, or int8
  with ``precision="int8"``);
- ``tokenizer.json``, ``head.npz`` (the head's arrays: NumPy reads them without
  pickle), ``ngrams.json`` for a head that also weighs word n-grams;
- ``bundle.json``: labels, windows, special tokens, pooling, head kind, thresholds;
- ``predict.py``: a few dozen lines that need only onnxruntime, tokenizers and numpy;
- ``README.md``.

``tests/integration/test_export_real.py`` installs those three packages in a fresh
virtual environment and checks that ``predict.py`` gives ``lai.load(MODEL).predict``'s
labels. Encoders that are not transformers (the Chinese USE) and taggers are refused
with LAI-E1601, which names what can be exported.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.artifacts.head_weights import NGRAM_WEIGHT
from lepton_ai.artifacts.manifest import Manifest
from lepton_ai.artifacts.staging import staged
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.encoders import CHUNK_OVERLAP, TransformerEncoder
from lepton_ai.models.runtimes import OnnxRuntime
from lepton_ai.training.export_hf import EXPORTABLE_HF, export_hf
from lepton_ai.training.export_hf import readme as hf_readme

PREDICT_SCRIPT = Path(__file__).with_name("bundle_predict.py")
EXPORTABLE = "classifiers on a transformer encoder (head, fewshot, full, lora methods)"


def export(model: str | Path, out: str | Path, *, format: str = "onnx",
           precision: str = "fp32") -> Path:
    """Write ``model`` (a classifier folder) as a standalone bundle in ``out``."""
    from lepton_ai.tasks.classify import TextClassifier

    folder, target = Path(model), Path(out)
    if format == "hf":
        return _export_hf(folder, target)
    if format != "onnx":
        raise LeptonError(E.E1601, model=folder, reason=f"format {format!r} is unknown",
                          exportable=f"--format onnx for {EXPORTABLE}; --format hf for "
                          f"{EXPORTABLE_HF}")
    if precision not in ("fp32", "int8"):
        raise LeptonError(E.E1601, model=folder, reason=f"precision {precision!r} is unknown",
                          exportable="--precision fp32 or int8")
    manifest = Manifest.read(folder)
    if manifest.task != "classify":
        raise LeptonError(E.E1601, model=folder, reason=f"it is a {manifest.task} model",
                          exportable=EXPORTABLE)
    _check_empty(target)
    classifier = TextClassifier.load(folder, precision=precision)
    encoder, head = classifier.encoder, classifier.head
    if not isinstance(encoder, TransformerEncoder) or not isinstance(encoder.runtime, OnnxRuntime):
        raise LeptonError(E.E1601, model=folder, reason=f"its encoder runs on "
                          f"{encoder.backend}, not a checked ONNX file", exportable=EXPORTABLE)
    prefix, suffix = encoder.special_tokens
    config: dict[str, Any] = {
        "format": "lepton-ai.onnx-bundle", "version": 1, "task": "classify",
        "labels": list(classifier.labels), "multi_label": classifier.multi_label,
        "out_of_scope_threshold": classifier.out_of_scope_threshold,
        "head": head.kind, "pooling": encoder.info.pooling, "window": encoder.window,
        "overlap": min(CHUNK_OVERLAP, encoder.window // 4), "prefix": prefix, "suffix": suffix,
        "token_type_ids": "token_type_ids" in encoder.runtime.input_names,
        "precision": encoder.backend, "base_model": manifest.base_model,
        "method": manifest.method,
        "ngram_weight": NGRAM_WEIGHT if head.ngrams is not None else None}
    with staged(target) as staging:
        shutil.copyfile(encoder.runtime.model_file, staging / "model.onnx")
        shutil.copyfile(encoder.info.tokenizer_file, staging / "tokenizer.json")
        np.savez(staging / "head.npz", **{key: np.asarray(value, dtype=np.float32)
                                          for key, value in head.tensors.items()})
        (staging / "bundle.json").write_text(json.dumps(config, indent=1) + "\n",
                                             encoding="utf-8")
        if head.ngrams is not None:
            head.ngrams.save(staging / "ngrams.json")
        shutil.copyfile(PREDICT_SCRIPT, staging / "predict.py")
        (staging / "README.md").write_text(_readme(folder, config), encoding="utf-8")
    return target


def _export_hf(folder: Path, target: Path) -> Path:
    """``format="hf"``: a Hugging Face folder (:mod:`~lepton_ai.training.export_hf`)."""
    manifest = Manifest.read(folder)
    _check_empty(target)
    with staged(target) as staging:
        export_hf(folder, staging, manifest)
        (staging / "README.md").write_text(hf_readme(folder, manifest), encoding="utf-8")
    return target


def _check_empty(target: Path) -> None:
    if target.exists() and any(target.iterdir()):
        raise LeptonError(E.E607, path=target, problem="is not empty")


def _readme(folder: Path, config: dict[str, Any]) -> str:
    labels = ", ".join(config["labels"][:12]) + (" …" if len(config["labels"]) > 12 else "")
    return f"""# {folder.name}: a text classifier, exported by lepton-ai

{len(config['labels'])} labels ({labels}); method {config['method']} on
{config['base_model']}; encoder {config['precision']}.

    pip install onnxruntime tokenizers numpy
    python predict.py < texts.txt

One text per line in; one JSON line per text out: {{"label", "score"}} (and "labels"
for a multi-label model; "out_of_scope" below the model's rejection threshold).
Files: model.onnx (the encoder), tokenizer.json, head.npz (the head's arrays),
ngrams.json (when the head weighs word n-grams), bundle.json (labels and settings),
predict.py.
"""
