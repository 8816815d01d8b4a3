"""Extraction with the shipped taggers: entity fields, a scanned record, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app

CJK_FONT = Path(__import__("notojp_matplotlib").__file__).parent / "fonts" / \
    "NotoSansCJKjp-Regular.otf"
JUDGMENT = ("北京市朝阳区人民法院\n（2023）京0105民初12345号\n原告：张伟，男。被告：李娜。\n"
            "本院于2023年9月18日判决被告支付货款人民币12,000元及利息500元。")
SCHEMA = """name: judgment
fields:
  court: {type: pattern, pattern: '[\\u4e00-\\u9fa5]{2,20}人民法院'}
  case_number: {type: pattern, pattern: '[（(]\\d{4}[）)][\\u4e00-\\u9fa5]{1,4}\\d{1,4}[\\u4e00-\\u9fa5]{1,3}\\d+号'}
  plaintiff: {type: key_value, keys: [原告], until: '，,。'}
  defendant: {type: key_value, keys: [被告], until: '，,。'}
  judgment_date: {type: pattern, pattern: '(\\d{4}年\\d{1,2}月\\d{1,2}日)判决'}
  parties: {type: entity, label: PERSON, many: true}
  amounts: {type: entity, label: MONEY, many: true}
"""


def test_entity_fields_from_the_default_taggers() -> None:
    result = lai.extract(JUDGMENT, {"fields": {
        "parties": {"type": "entity", "label": "PERSON", "many": True},
        "amounts": {"type": "entity", "label": "money", "many": True}}})
    assert [v.value for v in result.fields["parties"]] == ["张伟", "李娜"]
    assert [v.value for v in result.fields["amounts"]] == ["人民币12,000元", "500元"]
    assert result.fields["amounts"][0].evidence.startswith("本院于2023年9月18日")


def test_the_command_reads_a_folder_with_a_scan(tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    (records / "case1.txt").write_text(JUDGMENT, encoding="utf-8")
    image = Image.new("RGB", (900, 200), "white")
    ImageDraw.Draw(image).text((20, 60), "上海市浦东新区人民法院 原告：王芳",
                               font=ImageFont.truetype(str(CJK_FONT), 30), fill="black")
    image.save(records / "case2.png")
    schema = tmp_path / "judgment.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    out = tmp_path / "results.jsonl"
    result = CliRunner().invoke(app, ["extract", str(records), "--schema", str(schema),
                                      "--out", str(out)], env={"LEPTON_PROGRESS": "0"})
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())
    values = {name: value["value"] for name, value in first["fields"].items()
              if isinstance(value, dict)}
    assert values == {"court": "北京市朝阳区人民法院", "case_number": "（2023）京0105民初12345号",
                      "plaintiff": "张伟", "defendant": "李娜", "judgment_date": "2023年9月18日"}
    assert [v["value"] for v in first["fields"]["amounts"]] == ["人民币12,000元", "500元"]
    assert [v["value"] for v in first["fields"]["parties"]] == ["张伟", "李娜"]
    assert second["fields"]["court"]["value"] == "上海市浦东新区人民法院"
    assert second["fields"]["court"]["page"] == 1 and second["fields"]["court"]["box"]


def test_a_relation_between_fields_is_classified_by_examples() -> None:
    schema = {"fields": {
        "person": {"type": "dictionary", "terms": ["马云", "马化腾"], "many": True},
        "company": {"type": "dictionary", "terms": ["阿里巴巴", "腾讯"], "many": True},
        "city": {"type": "dictionary", "terms": ["杭州", "深圳"], "many": True},
    }, "relations": {
        "founded": {"head": "person", "tail": "company", "label": "founded", "threshold": 0,
                    "examples": {
                        "founded": ["<e1>雷军</e1>创办了<e2>小米</e2>",
                                    "<e1>李彦宏</e1>创立了<e2>百度</e2>"],
                        "located": ["<e1>小米</e1>位于<e2>北京</e2>",
                                    "<e1>百度</e1>总部在<e2>北京</e2>"]}},
        "based_in": {"head": "company", "tail": "city", "label": "located", "threshold": 0,
                     "examples": {
                         "founded": ["<e1>雷军</e1>创办了<e2>小米</e2>"],
                         "located": ["<e1>小米</e1>位于<e2>北京</e2>",
                                     "<e1>百度</e1>总部在<e2>北京</e2>"]}},
    }}
    result = lai.extract("马云创办了阿里巴巴。阿里巴巴位于杭州。", schema)
    founded = [(r.head.value, r.tail.value) for r in result.relations["founded"]]
    assert founded == [("马云", "阿里巴巴")]
    based = [(r.head.value, r.tail.value, r.relation) for r in result.relations["based_in"]]
    assert based == [("阿里巴巴", "杭州", "located")]
    assert 0 < result.relations["founded"][0].score <= 1


def test_a_word_crf_tagger_trained_on_anem_reads_anatomy_fields(tmp_path: Path) -> None:
    """`lai train --task ner --method charcrf` on English (AnEM, a slice to keep it
    short): the word BiLSTM-CRF learns real entity types and serves a schema's fields."""
    import pytest

    from lepton_ai.data.tagged import read_tagged

    from .conftest import SHARED_DATA

    folder = SHARED_DATA / "anem" / "CONLL-format" / "data"
    if not (folder / "AnEM.train").is_file():
        pytest.skip(f"{folder} not found: ../shared/data must sit beside the repository")
    train, test = read_tagged(folder / "AnEM.train"), read_tagged(folder / "AnEM.test")
    tagger = lai.train(train[:1200], task="ner", method="charcrf", epochs=10,
                       out=tmp_path / "anem-crf")
    assert tagger.manifest.method == "charcrf"
    scores = tagger.evaluate(test[:600])
    # 0.23 here (no training: 0); the whole set with 30 epochs: 0.570 (docs/benchmarks.md)
    assert scores["f1"] >= 0.15, scores
    record = lai.extract("Biopsy of the left lung showed tumour cells in the alveolar "
                         "epithelium.", {"fields": {
                             kind: {"type": "entity", "label": label, "model":
                                    str(tmp_path / "anem-crf"), "many": True}
                             for kind, label in [("organ", "Organ"), ("cells", "Cell"),
                                                 ("tissue", "Tissue")]}})
    found = {value.value for values in record.fields.values() for value in values or []}
    assert found & {"lung", "left lung", "tumour cells", "cells", "alveolar epithelium",
                    "epithelium"}, record.fields
