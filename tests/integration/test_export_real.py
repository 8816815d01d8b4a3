"""``lai export``: a trained classifier as a bundle that runs in a fresh virtual
environment holding only onnxruntime, tokenizers and numpy, with lai's labels."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.errors import LeptonError

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "banking77"
LABELS = ("card_arrival", "lost_or_stolen_card", "exchange_rate", "transfer_timing",
          "pin_blocked")
#: The bundle's three dependencies, at the versions this project pins.
RUNTIME = ("onnxruntime==1.32.0", "tokenizers==0.23.3", "numpy==2.4.6")


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    rows: dict[str, list[str]] = {label: [] for label in LABELS}
    with (DATA / "train.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["category"] in rows and len(rows[row["category"]]) < 30:
                rows[row["category"]].append(row["text"])
    table = folder / "train.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([text, label] for label, texts in rows.items() for text in texts)
    lai.train(table, method="head", out=folder / "model")  # its head weighs n-grams too
    return folder / "model"


def test_the_bundle_predicts_like_lai_in_a_fresh_venv(model: Path, tmp_path: Path) -> None:
    with (DATA / "test.csv").open(encoding="utf-8") as handle:
        texts = [row["text"].replace("\n", " ") for row in csv.DictReader(handle)][:100]
    result = CliRunner().invoke(app, ["export", str(model), "--out", str(tmp_path / "bundle"),
                                      "--precision", "int8"])
    assert result.exit_code == 0, result.output
    bundle = tmp_path / "bundle"
    assert {p.name for p in bundle.iterdir()} == {
        "model.onnx", "tokenizer.json", "head.npz", "ngrams.json", "bundle.json",
        "predict.py", "README.md"}
    assert sum(p.stat().st_size for p in bundle.iterdir()) < 25e6
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", *RUNTIME], check=True,
                   timeout=600)
    ran = subprocess.run([str(venv / "bin" / "python"), str(bundle / "predict.py")],
                         input="\n".join(texts) + "\n", capture_output=True, text=True,
                         check=True, timeout=300)
    predicted = [json.loads(line)["label"] for line in ran.stdout.splitlines()]
    assert predicted == lai.load(model, precision="int8").predict(texts)


def test_what_cannot_be_exported_is_named(model: Path, tmp_path: Path) -> None:
    from lepton_ai.training.export import export

    with pytest.raises(LeptonError, match=r"LAI-E1601.*format 'tflite' is unknown"):
        export(model, tmp_path / "tflite", format="tflite")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    with pytest.raises(LeptonError, match="LAI-E607"):
        export(model, tmp_path / "full")
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine"


def test_the_hf_folder_gives_lai_probabilities_in_transformers(
        model: Path, tmp_path: Path) -> None:
    import numpy as np
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    import lepton_ai.training.hf_classifier_model  # noqa: F401  (registers the model type)

    plain = tmp_path / "plain"
    lai.train(model.parent / "train.csv", method="head", ngrams=False, out=plain)
    result = CliRunner().invoke(app, ["export", str(plain), "--format", "hf", "--out",
                                      str(tmp_path / "hf")])
    assert result.exit_code == 0, result.output
    with (DATA / "test.csv").open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle)
                 if row["category"] in LABELS][:50]
    loaded = AutoModelForSequenceClassification.from_pretrained(str(tmp_path / "hf"))
    tokenizer = AutoTokenizer.from_pretrained(str(tmp_path / "hf"))
    with torch.no_grad():
        logits = loaded(**tokenizer(texts, padding=True, return_tensors="pt")).logits
    classifier = lai.load(plain)
    np.testing.assert_allclose(torch.softmax(logits, -1).numpy(),
                               classifier.predict_proba(texts), atol=1e-4)
