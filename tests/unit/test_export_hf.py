"""``lai export --format hf``: transformers loads the folder and predicts as lepton-ai does."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.training.export import export
from lepton_ai.training.ner.tagger_training import train_tagger
from lepton_ai.training.pipeline import train

from .test_ner_tiny import _english
from .test_train_tiny import PROBES, write_topics

TEXTS = [*PROBES, "the dog sat on the bank card", "money fell", "a cat"]


def _hf_classify(folder: Path, texts: list[str]) -> np.ndarray:
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    import lepton_ai.training.hf_classifier_model  # noqa: F401  (registers the model type)

    model = AutoModelForSequenceClassification.from_pretrained(str(folder))
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    with torch.no_grad():
        logits = model(**tokenizer(texts, padding=True, return_tensors="pt")).logits
    return torch.softmax(logits, -1).numpy()


@pytest.mark.parametrize("options", [{"method": "head", "ngrams": False},
                                     {"method": "head", "head": "mlp"},
                                     {"method": "full", "lr": 1e-3, "epochs": 1}])
def test_a_classifier_loads_in_transformers_and_predicts_as_lai(
        quiet: Path, tiny_encoder_dir: Path, tmp_path: Path, options: dict) -> None:
    model = train(write_topics(tmp_path / "topics.csv", per_label=12), base=tiny_encoder_dir,
                  out=tmp_path / "m", **options)
    out = export(tmp_path / "m", tmp_path / "hf", format="hf")
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    assert config["architectures"] == ["LeptonForSequenceClassification"]
    assert list(config["id2label"].values()) == model.labels
    probabilities = _hf_classify(out, TEXTS)
    np.testing.assert_allclose(probabilities, model.predict_proba(TEXTS), atol=1e-4)
    assert [model.labels[i] for i in probabilities.argmax(1)] == model.predict(TEXTS)
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "import lepton_ai.training.hf_classifier_model" in readme
    # Weights and JSON only: nothing in the folder is code that loading would execute.
    assert "auto_map" not in config and not list(out.rglob("*.py"))
    assert "trust_remote_code" not in readme


def test_a_tagger_loads_as_token_classification(
        quiet: Path, tiny_encoder_dir: Path, tmp_path: Path) -> None:
    import torch
    from transformers import AutoModelForTokenClassification, AutoTokenizer

    tagger = train_tagger(_english(tmp_path / "en.conll"), out=tmp_path / "t",
                          base=tiny_encoder_dir, method="full", epochs=2, lr=2e-3)
    out = export(tmp_path / "t", tmp_path / "hf", format="hf")
    model = AutoModelForTokenClassification.from_pretrained(str(out))  # no remote code
    tokenizer = AutoTokenizer.from_pretrained(str(out))
    sentences = [["mary", "sat", "on", "the", "bank"], ["john", "sat", "on", "the", "market"]]
    encoded = tokenizer(sentences, is_split_into_words=True, padding=True, return_tensors="pt")
    with torch.no_grad():
        best = model(**encoded).logits.argmax(-1)
    for row, words in enumerate(sentences):
        first: dict[int, str] = {}
        for position, word in enumerate(encoded.word_ids(row)):
            if word is not None and word not in first:
                first[word] = model.config.id2label[int(best[row, position])]
        raw = [first[i] for i in range(len(words))]
        assert raw == tagger.tag_tokens([words])[0]  # the tiny tagger's tags are valid BIO


def test_what_hf_cannot_hold_is_named(quiet: Path, tiny_encoder_dir: Path,
                                       tmp_path: Path) -> None:
    train(write_topics(tmp_path / "topics.csv", per_label=25), base=tiny_encoder_dir,
          out=tmp_path / "ngrams", method="head", ngrams=True)
    with pytest.raises(LeptonError, match=r"LAI-E1601.*n-grams.*--format onnx"):
        export(tmp_path / "ngrams", tmp_path / "hf", format="hf")
    assert not (tmp_path / "hf").exists()
    with pytest.raises(LeptonError, match=r"LAI-E1601.*format 'tflite' is unknown"):
        export(tmp_path / "ngrams", tmp_path / "hf", format="tflite")
    assert lai.load(tmp_path / "ngrams").labels  # the model itself is untouched
