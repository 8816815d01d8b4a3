"""lai.ner with the shipped defaults: en-ner-minilm (English) and zh-ner-charcrf (Chinese),
values by rules."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app

ENGLISH = "Angela Merkel met Emmanuel Macron in Paris on Monday to discuss Airbus."


def test_english_people_places_and_organisations_with_offsets():
    entities = lai.ner(ENGLISH)
    found = {(e.text, e.label, e.start, e.end) for e in entities}
    assert ("Angela Merkel", "PERSON", 0, 13) in found
    assert ("Emmanuel Macron", "PERSON", 18, 33) in found
    assert ("Paris", "LOC", 37, 42) in found
    assert ("Monday", "DATE", 46, 52) in found  # by rule
    for entity in entities:
        assert ENGLISH[entity.start : entity.end] == entity.text
        assert entity.score is None if entity.label == "DATE" else 0 < entity.score <= 1


def test_financial_values_and_names_in_both_languages():
    found = {(e.text, e.label) for e in lai.ner(
        "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn, Nokia said on Jan. 5, 2021.")}
    assert {("EUR 13.1 mn", "MONEY"), ("EUR 8.7 mn", "MONEY"), ("Nokia", "ORG"),
            ("Jan. 5, 2021", "DATE")} <= found
    chinese = "2026年11月5日，招商银行在深圳发布公告，营收增长12%，客服电话13812345678。"
    found = {(e.text, e.label) for e in lai.ner(chinese)}
    assert {("2026年11月5日", "DATE"), ("深圳", "LOC"), ("12%", "PERCENT"),
            ("13812345678", "PHONE")} <= found


def test_chinese_names_and_places_with_offsets_and_mixed_input():
    chinese = "马云在杭州创办了公司，后来去北京大学演讲。"
    english, found = lai.ner([ENGLISH, chinese])
    assert any(e.text == "Angela Merkel" for e in english)
    assert ("马云", "PERSON", 0, 2) in {(e.text, e.label, e.start, e.end) for e in found}
    assert ("杭州", "LOC", 3, 5) in {(e.text, e.label, e.start, e.end) for e in found}
    for entity in found:
        assert chinese[entity.start : entity.end] == entity.text


def test_cli_writes_entities_per_row(tmp_path):
    source = tmp_path / "news.txt"
    source.write_text(ENGLISH + "\n", encoding="utf-8")
    out = tmp_path / "entities.jsonl"
    result = CliRunner().invoke(app, ["ner", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["row"] == 0
    assert {(e["text"], e["label"], e["start"], e["end"]) for e in rows[0]["result"]} >= {
        ("Angela Merkel", "PERSON", 0, 13)}
    terms = tmp_path / "terms.csv"
    terms.write_text("name,label,id\nAirbus,COMPANY,airbus-se\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ner", str(source), "--out", str(out), "--knowledge",
                                      str(terms)])
    assert result.exit_code == 0, result.output
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])["result"]
    assert {"text": "Airbus", "label": "COMPANY", "start": 64, "end": 70, "score": None,
            "id": "airbus-se"} in first


def test_knowledge_adds_types_and_ids_the_model_does_not_know():
    kb = lai.Knowledge([{"name": "Airbus", "label": "COMPANY", "id": "airbus-se"},
                        {"name": "Emmanuel Macron", "label": "PERSON", "id": "Q3052772"}])
    found = {(e.text, e.label, e.id) for e in lai.ner(ENGLISH, knowledge=kb)}
    assert ("Airbus", "COMPANY", "airbus-se") in found
    assert ("Emmanuel Macron", "PERSON", "Q3052772") in found
    assert ("Angela Merkel", "PERSON", None) in found
