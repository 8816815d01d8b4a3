"""``lai export --format hf``: a trained model as a Hugging Face folder.

- A transformer **tagger** becomes the family's ``…ForTokenClassification`` (BERT's
  for MiniLM): lepton-ai's tagger is exactly that shape (a linear layer on the
  encoder's token states; a word takes the tag of its first sub-word), so
  ``AutoModelForTokenClassification.from_pretrained(DIR)`` loads it with no extra code.
- A **classifier** is the encoder, its pooling (mean or first token), L2
  normalisation and a head, which no transformers class computes; its model type is
  registered with transformers by :mod:`~lepton_ai.training.hf_classifier_model`, so
  after that import ``AutoModelForSequenceClassification.from_pretrained(DIR)`` loads
  it with the installed package's code (the folder holds no code).

Both hold ``model.safetensors``, ``config.json`` (labels in ``id2label``) and the
tokenizer files. Not exported (LAI-E1601): heads that also weigh word n-grams (their
vocabulary is not a transformers thing), pruned encoders, the character CRF tagger
and encoders that are not transformers. Texts longer than the encoder's window are
cut there, where lepton-ai averages windows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import Manifest, require_file
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.folder import checked_safetensors, inspect_folder
from lepton_ai.models.pruned_heads import KEPT_HEADS
from lepton_ai.models.registry import HF_ENCODER, resolve
from lepton_ai.tasks.trained import encoder_source

REGISTERING_MODULE = "lepton_ai.training.hf_classifier_model"
CLASSIFIER_CLASS = "LeptonForSequenceClassification"
EXPORTABLE_HF = ("classifiers and transformer taggers on a transformer encoder (head "
                 "without n-grams, fewshot, full, lora methods)")


def export_hf(folder: Path, staging: Path, manifest: Manifest) -> None:
    """Write the model in ``folder`` as a Hugging Face folder into ``staging``."""
    encoder_folder = _encoder_folder(folder, manifest)
    if manifest.task == "ner":
        _export_tagger(folder, staging, manifest, encoder_folder)
    elif manifest.task == "classify":
        _export_classifier(folder, staging, manifest, encoder_folder)
    else:
        raise LeptonError(E.E1601, model=folder, reason=f"it is a {manifest.task} model",
                          exportable=EXPORTABLE_HF)
    _save_tokenizer(encoder_folder, staging)  # (no sentence-transformers files: not one)


def _save_tokenizer(encoder_folder: Path, staging: Path) -> None:
    """The tokenizer as transformers saves it: ``tokenizer_config.json`` names its class
    and special tokens, so ``AutoTokenizer`` needs neither the model's configuration
    (a classifier's is ours) nor remote code."""
    from transformers import AutoTokenizer

    AutoTokenizer.from_pretrained(str(encoder_folder)).save_pretrained(str(staging))


def _encoder_folder(folder: Path, manifest: Manifest) -> Path:
    if manifest.encoder not in ("base", "encoder", "adapter"):
        raise LeptonError(E.E1601, model=folder, reason=f"its encoder is {manifest.encoder!r}, "
                          "not a transformer", exportable=EXPORTABLE_HF)
    source = encoder_source(folder, manifest)
    if isinstance(source, str):
        spec = resolve(source)
        if spec.kind != HF_ENCODER:
            raise LeptonError(E.E1601, model=folder, reason=f"its encoder {spec.name} is "
                              f"not a transformer ({spec.kind})", exportable=EXPORTABLE_HF)
        source = spec.path()
    if not any(Path(source).glob("*.safetensors")):
        raise LeptonError(E.E1601, model=folder, reason="its encoder is ONNX only (lai "
                          "compress --quantize int8 keeps no float weights)",
                          exportable=f"--format onnx for it; --format hf for the model it "
                          f"was compressed from, or for {EXPORTABLE_HF}")
    config = json.loads((Path(source) / "config.json").read_text(encoding="utf-8"))
    if config.get(KEPT_HEADS):
        raise LeptonError(E.E1601, model=folder, reason="its encoder's attention heads were "
                          "pruned (lai compress --prune-heads)",
                          exportable=f"--format onnx for it; --format hf for {EXPORTABLE_HF}")
    return Path(source)


def _labelled_config(encoder_folder: Path, labels: list[str]) -> Any:
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(str(encoder_folder))
    config.num_labels = len(labels)
    config.id2label = dict(enumerate(labels))
    config.label2id = {label: index for index, label in enumerate(labels)}
    return config


def _export_tagger(folder: Path, staging: Path, manifest: Manifest,
                   encoder_folder: Path) -> None:
    from safetensors.torch import load_file
    from transformers import AutoModelForTokenClassification

    if manifest.method == "charcrf":
        raise LeptonError(E.E1601, model=folder, reason="a character CRF tagger is not a "
                          "transformer", exportable=EXPORTABLE_HF)
    config = _labelled_config(encoder_folder, list(manifest.labels))
    model = AutoModelForTokenClassification.from_pretrained(
        str(encoder_folder), config=config, use_safetensors=True)
    weights = load_file(str(checked_safetensors(require_file(folder, "tagger.safetensors"))))
    model.classifier.weight.data.copy_(weights["out.weight"])
    model.classifier.bias.data.copy_(weights["out.bias"])
    model.save_pretrained(str(staging), safe_serialization=True)


def _export_classifier(folder: Path, staging: Path, manifest: Manifest,
                       encoder_folder: Path) -> None:
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModel

    from lepton_ai.artifacts.head_weights import HEAD_FILE, HeadWeights

    head = HeadWeights.load(require_file(folder, HEAD_FILE), manifest.head, manifest.multi_label)
    if head.ngrams is not None:
        raise LeptonError(E.E1601, model=folder, reason="its head also weighs word n-grams",
                          exportable=f"--format onnx for it; --format hf for {EXPORTABLE_HF} "
                          "(train with --no-ngrams)")
    encoder = AutoModel.from_pretrained(str(encoder_folder), use_safetensors=True)
    state = {f"encoder.{name}": tensor.contiguous()
             for name, tensor in encoder.state_dict().items()}
    state.update({f"head.{name}": torch.from_numpy(value.copy())
                  for name, value in head.tensors.items()})
    save_file(state, str(staging / "model.safetensors"), metadata={"format": "pt"})
    labels = list(manifest.labels)
    config: dict[str, Any] = {
        "model_type": "lepton-classifier", "architectures": [CLASSIFIER_CLASS],
        "encoder": encoder.config.to_dict(), "head_kind": head.kind,
        "pooling": inspect_folder(encoder_folder).pooling,
        "id2label": {str(i): label for i, label in enumerate(labels)},
        "label2id": {label: i for i, label in enumerate(labels)},
        "problem_type": ("multi_label_classification" if manifest.multi_label
                         else "single_label_classification"),
        "out_of_scope_threshold": manifest.config.get("out_of_scope_threshold"),
    }
    (staging / "config.json").write_text(json.dumps(config, indent=2, ensure_ascii=False)
                                         + "\n", encoding="utf-8")


def readme(folder: Path, manifest: Manifest) -> str:
    """The exported folder's README: how transformers loads it."""
    if manifest.task == "ner":
        loading = ("from transformers import AutoModelForTokenClassification, AutoTokenizer\n"
                   "    model = AutoModelForTokenClassification.from_pretrained(DIR)")
        note = ("A word takes the tag of its first sub-word (the pipeline's "
                "aggregation_strategy=\"first\").")
    else:
        loading = (f"import {REGISTERING_MODULE}  # registers the lepton-classifier type\n"
                   "    from transformers import (AutoModelForSequenceClassification,\n"
                   "                              AutoTokenizer)\n"
                   "    model = AutoModelForSequenceClassification.from_pretrained(DIR)")
        note = ("Logits as lepton-ai's head gives them: softmax for one label, a sigmoid per "
                "label when config.problem_type is multi_label_classification.")
    return f"""# {folder.name}: exported by lepton-ai (`lai export --format hf`)

{len(manifest.labels)} labels; method {manifest.method} on {manifest.base_model}.

    {loading}
    tokenizer = AutoTokenizer.from_pretrained(DIR)

{note} Texts longer than the encoder's window are cut there (lepton-ai averages
windows instead).
"""

