"""Training real packaged encoders on slices of the shared datasets (each well under a minute)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.data.labelled import LabelledSet, sample_per_label
from lepton_ai.errors import LeptonError

from .conftest import SHARED_DATA

INTENTS = ("card_arrival", "lost_or_stolen_card", "exchange_rate", "top_up_failed",
           "pin_blocked", "cash_withdrawal_charge")


def banking(split: str) -> LabelledSet:
    path = SHARED_DATA / "banking77" / f"{split}.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found: ../shared/data must sit beside the repository")
    with path.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["category"] in INTENTS]
    return LabelledSet.from_lists([r["text"] for r in rows], [r["category"] for r in rows])


def test_fewshot_on_eight_examples_per_intent(quiet: Path, tmp_path: Path) -> None:
    train_set = sample_per_label(banking("train"), 8, seed=0)
    test = banking("test")
    model = lai.train(train_set, method="fewshot", out=tmp_path / "fewshot", fewshot_visits=256)
    assert model.manifest.base_model == "all-MiniLM-L6-v2"
    report = model.evaluate(test)
    assert report["accuracy"] >= 0.85, report["accuracy"]  # 6 intents, 240 test questions
    again = lai.load(tmp_path / "fewshot")
    assert again.predict(test.texts[:20]) == model.predict(test.texts[:20])


def test_cli_train_eval_predict_compare(
    quiet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "intents.csv"
    train_set = sample_per_label(banking("train"), 20, seed=1)
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "category"])
        writer.writerows(zip(train_set.texts, [lab[0] for lab in train_set.labels], strict=True))
    runner = CliRunner()
    env = {"LEPTON_PROGRESS": "0", "COLUMNS": "200"}
    result = runner.invoke(app, ["train", str(data), "--text", "question", "--label",
                                 "category", "--method", "head", "--out", str(tmp_path / "m")],
                           env=env)
    assert result.exit_code == 0, result.output
    assert "accuracy" in result.output
    before = sorted(p.name for p in (tmp_path / "m").iterdir())
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["eval", str(tmp_path / "m"), str(data), "--text", "question",
                                 "--label", "category"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "eval-m-intents" / "confusion_matrix.png").is_file()
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == before  # model untouched
    result = runner.invoke(app, ["predict", str(tmp_path / "m"), "I lost my card"], env=env)
    predicted = json.loads(result.stdout)
    assert predicted["prediction"] == "lost_or_stolen_card" and 0.5 < predicted["score"] <= 1
    result = runner.invoke(app, ["compare", str(tmp_path / "m"), str(tmp_path / "m")], env=env)
    assert result.exit_code == 0 and "head" in result.output
    assert "held-out split" in result.output and "lai eval" in result.output
    result = runner.invoke(app, ["train", str(data), "--label", "intent", "--out",
                                 str(tmp_path / "x")], env=env)
    assert result.exit_code == 2 and "LAI-E502" in result.output


def test_chinese_sentiment_head_on_the_multilingual_encoder(quiet: Path, tmp_path: Path) -> None:
    path = SHARED_DATA / "chnsenticorp" / "train.tsv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))[:400]
    data = LabelledSet.from_lists([r["text_a"] for r in rows], [r["label"] for r in rows])
    model = lai.train(data, out=tmp_path / "zh")  # base and method chosen from the data
    assert model.manifest.base_model == "use-multilingual-v3"
    assert model.manifest.method == "head"
    assert model.metrics["accuracy"] >= 0.75
    with pytest.raises(LeptonError, match="LAI-E509"):
        lai.train(data, method="full", base="use", out=tmp_path / "bad")
