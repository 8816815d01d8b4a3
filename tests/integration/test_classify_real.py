"""lai.classify zero-shot on the packaged encoders."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app

NEWS = {
    "The striker scored twice in the final minutes of the cup final.": "sports",
    "Shares fell sharply after the bank's quarterly earnings report.": "business",
    "The new chip doubles the battery life of smartphones.": "science and technology",
    "Rebels attacked the capital overnight as peace talks collapsed.": "world politics",
}


def test_english_news_goes_to_the_right_topic():
    labels = ["sports", "business", "science and technology", "world politics"]
    results = lai.classify(list(NEWS), labels=labels)
    assert [r.label for r in results] == list(NEWS.values())


def test_chinese_text_with_chinese_descriptions_uses_the_multilingual_encoder():
    labels = {"lost_card": "银行卡丢失或被盗", "transfer": "转账和汇款"}
    assert lai.classify("我的银行卡昨天丢了", labels=labels).label == "lost_card"
    assert lai.classify("怎么给国外的朋友汇款", labels=labels).label == "transfer"


def test_cli_classifies_a_file_zero_shot(tmp_path):
    source = tmp_path / "news.txt"
    source.write_text("\n".join(NEWS), encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    result = CliRunner().invoke(app, ["classify", str(source), "--out", str(out), "--labels",
                                      "sports, business, science and technology, world politics"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["result"]["label"] for r in rows] == list(NEWS.values())
