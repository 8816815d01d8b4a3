"""lai.sentiment: decisions, routing by language, trained directories (tiny BERT)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.settings import settings
from lepton_ai.tasks.sentiment import decide, default_model

BINARY = ("negative", "positive")


def test_binary_model_answers_neutral_only_when_undecided():
    assert decide(np.array([0.1, 0.9]), BINARY, "m", 0.05).label == "positive"
    assert decide(np.array([0.9, 0.1]), BINARY, "m", 0.05).label == "negative"
    undecided = decide(np.array([0.49, 0.51]), BINARY, "m", 0.05)
    assert undecided.label == "neutral" and undecided.score == pytest.approx(0.98)
    assert undecided.polarity == pytest.approx(0.02)
    assert decide(np.array([0.49, 0.51]), BINARY, "m", 0.0).label == "positive"


def test_three_class_model_decides_neutral_itself():
    labels = ("negative", "neutral", "positive")
    result = decide(np.array([0.2, 0.5, 0.3]), labels, "m", 0.05)
    assert (result.label, result.score) == ("neutral", 0.5)
    assert result.polarity == pytest.approx(0.1)


def test_defaults_by_language_and_domain():
    assert default_model("en", None) == "goemotions-fin-minilm"
    assert default_model("en", "finance") == "goemotions-fin-minilm"
    assert default_model("en", "social") == "vader"
    assert default_model("zh", "reviews") == "zh-fusion"
    assert default_model("zh", "finance") == "zh-fusion"
    with pytest.raises(LeptonError, match=r"LAI-E710.*legal.*available"):
        default_model("en", "legal")


def test_auto_language_routes_each_text_to_its_languages_model(monkeypatch):
    from lepton_ai.tasks import sentiment as module

    monkeypatch.setitem(module.DEFAULT_MODELS, ("en", "general"), "vader")
    results = lai.sentiment(["What a wonderful, happy day!", "服务很差，房间又脏又吵，太失望了",
                             "This is awful and I hate it."])
    assert [(r.model, r.label) for r in results] == [
        ("vader", "positive"), ("zh-fusion", "negative"), ("vader", "negative")]


def test_vader_and_snownlp_read_clear_cases():
    english = lai.sentiment(["What a wonderful, happy day!", "This is awful and I hate it."],
                            model="vader")
    assert [r.label for r in english] == ["positive", "negative"]
    assert all(r.model == "vader" for r in english)
    chinese = lai.sentiment(["这家酒店非常好，服务周到，下次还来", "服务很差，房间又脏又吵，太失望了"],
                            model="snownlp")
    assert [r.label for r in chinese] == ["positive", "negative"]
    assert lai.sentiment("The meeting is at noon.", model="vader").label == "neutral"


def write_reviews(path: Path) -> Path:
    rows = [("good hotel clean room", "1"), ("good music good play", "1"),
            ("bad hotel dirty room", "0"), ("bad music bad play", "0")] * 6
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows)
    return path


def test_trained_directory_with_label_mapping(tmp_cache, tiny_encoder_dir, tmp_path,
                                              monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "show_progress", False)
    out = tmp_path / "reviews-model"
    model = lai.train(write_reviews(tmp_path / "r.csv"), base=tiny_encoder_dir, out=out,
                      method="head")
    with pytest.raises(LeptonError, match="LAI-E708"):
        lai.sentiment("good hotel", model=out)
    mapping = {"0": "negative", "1": "positive"}
    results = lai.sentiment(["good hotel clean room", "bad hotel dirty room"], model=out,
                            labels=mapping, neutral_band=0.0)
    probabilities = model.predict_proba(["good hotel clean room", "bad hotel dirty room"])
    positive = model.labels.index("1")
    for result, row in zip(results, probabilities, strict=True):
        assert result.polarity == pytest.approx(2 * row[positive] - 1, abs=1e-5)
        assert result.label == ("positive" if row[positive] > 0.5 else "negative")
        assert result.model == "reviews-model"
    # Trained again in place on flipped labels: the folder is read afresh, not from memory.
    rows = (out.parent / "r.csv").read_text(encoding="utf-8").replace(",1\n", ",x\n")
    (out.parent / "r2.csv").write_text(rows.replace(",0\n", ",1\n").replace(",x\n", ",0\n"),
                                       encoding="utf-8")
    lai.train(out.parent / "r2.csv", base=tiny_encoder_dir, out=out, method="head")
    again = lai.sentiment(["good hotel clean room", "bad hotel dirty room"], model=out,
                          labels=mapping, neutral_band=0.0)
    assert [r.label for r in again] == [r.label for r in results][::-1]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"model": "no/such/folder"}, "LAI-E709"),
        ({"lang": "fr"}, "LAI-E711"),
        ({"neutral_band": 1.5}, "LAI-E712"),
        ({"domain": "legal"}, "LAI-E710"),
    ],
)
def test_bad_arguments_get_coded_errors(kwargs, code):
    with pytest.raises(LeptonError, match=code):
        lai.sentiment("fine", **kwargs)


def test_one_text_in_one_result_out_and_empty_list():
    assert isinstance(lai.sentiment("great", model="vader"), lai.Sentiment)
    assert lai.sentiment([], model="vader") == []


def test_cli_writes_one_json_line_per_row(tmp_path):
    import json

    from typer.testing import CliRunner

    from lepton_ai.cli.main import app

    source = tmp_path / "posts.csv"
    source.write_text("id,text\n1,I love this!\n2,This is terrible.\n", encoding="utf-8")
    out = tmp_path / "sentiment.jsonl"
    result = CliRunner().invoke(app, ["sentiment", str(source), "--out", str(out),
                                      "--column", "text", "--model", "vader"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["row"], line["result"]["label"]) for line in lines] == [
        (0, "positive"), (1, "negative")]
