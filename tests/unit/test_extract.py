"""Schema-driven extraction by rules (patterns, dictionaries, key–value), and the schema's
coded refusals; entity fields run the real taggers in tests/integration/test_extract_real.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from lepton_ai.documents import Document
from lepton_ai.documents.document import PageLines
from lepton_ai.errors import LeptonError
from lepton_ai.solutions.extract import extract, load_schema
from lepton_ai.solutions.extract.extractor import record_files

RECORD = ("北京市朝阳区人民法院\n（2023）京0105民初12345号\n原告：张伟，男。\n"
          "诊断：高血压、2型糖尿病。处方：二甲双胍 0.5g，每日两次。")
SCHEMA = {"name": "mixed", "fields": {
    "court": {"type": "pattern", "pattern": r"[\u4e00-\u9fa5]{2,20}人民法院"},
    "case_number": {"type": "pattern", "pattern": r"[（(](\d{4})[）)]"},
    "plaintiff": {"type": "key_value", "keys": ["原告"], "until": "，,。"},
    "diagnosis": {"type": "dictionary", "terms": ["高血压", "2型糖尿病", "糖尿病"], "many": True},
    "dose": {"type": "pattern", "pattern": r"\d+(?:\.\d+)?\s?(?:mg|g|ml)", "many": True},
    "drug": {"type": "dictionary", "terms_file": "drugs.txt"},
    "judge": {"type": "key_value", "keys": ["审判长"]},
}}


def test_rules_find_values_with_evidence(tmp_path: Path) -> None:
    (tmp_path / "drugs.txt").write_text("二甲双胍\n阿司匹林\n", encoding="utf-8")
    schema = load_schema({**SCHEMA})
    schema = schema.model_copy(update={"base_dir": tmp_path})
    result = extract(RECORD, schema)
    fields = result.fields
    assert fields["court"].value == "北京市朝阳区人民法院"
    assert fields["case_number"].value == "2023"  # the pattern's first group
    assert fields["plaintiff"].value == "张伟" and fields["plaintiff"].confidence == 0.9
    assert [v.value for v in fields["diagnosis"]] == ["高血压", "2型糖尿病"]  # longest term wins
    assert [v.value for v in fields["dose"]] == ["0.5g"]
    assert fields["drug"].value == "二甲双胍" and fields["drug"].evidence.startswith("处方")
    assert fields["judge"] is None
    assert RECORD[fields["court"].start:fields["court"].end] == "北京市朝阳区人民法院"


def test_values_of_a_scanned_document_carry_page_and_box() -> None:
    document = Document([PageLines(1, [("封面", (0, 0, 10, 10), 0.99)], "ocr"),
                         PageLines(2, [("原告：张伟", (5, 50, 90, 70), 0.97)], "ocr")])
    value = extract(document, {"fields": {"plaintiff": {"type": "key_value",
                                                          "keys": ["原告"]}}}).fields["plaintiff"]
    assert (value.value, value.page, value.box) == ("张伟", 2, (5, 50, 90, 70))


def test_a_folder_of_records(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("原告：张伟", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("原告：李娜", encoding="utf-8")
    (tmp_path / "notes.docx").write_bytes(b"PK")
    files = record_files(tmp_path)
    assert [f.name for f in files] == ["a.txt", "b.md"]
    results = extract(files, {"fields": {"p": {"type": "key_value", "keys": ["原告"]}}})
    assert [r.fields["p"].value for r in results] == ["张伟", "李娜"]
    assert results[0].document.endswith("a.txt")
    with pytest.raises(LeptonError, match="LAI-E1403"):
        record_files(empty_folder(tmp_path))


def empty_folder(tmp_path: Path) -> Path:
    empty = tmp_path / "empty"
    empty.mkdir()
    return empty


CONTRACT = {"fields": {
    "party": {"type": "dictionary", "terms": ["Acme Corp", "Beta LLC", "Gamma Inc"],
              "many": True},
    "amount": {"type": "pattern", "pattern": r"\$[\d,]+", "many": True},
    "drug": {"type": "dictionary", "terms": ["metformin"]},
    "dose": {"type": "pattern", "pattern": r"\d+(?:\.\d+)? ?(?:mg|g)\b"},
}, "relations": {
    "owes": {"head": "party", "tail": "amount"},
    "dose_of": {"head": "drug", "tail": "dose", "label": "dose"},
}}


def test_relations_pair_each_head_with_its_value_in_the_sentence() -> None:
    text = ("Acme Corp shall pay $5,000 and Beta LLC shall pay $7,000. Gamma Inc owes "
            "nothing.\nTake 0.5 g of metformin daily.")
    result = extract(text, CONTRACT)
    owes = [(r.head.value, r.tail.value, r.relation) for r in result.relations["owes"]]
    # the first amount after each party, never one from another sentence
    assert owes == [("Acme Corp", "$5,000", "party→amount"),
                    ("Beta LLC", "$7,000", "party→amount")]
    dose = result.relations["dose_of"]
    assert [(r.head.value, r.tail.value, r.relation) for r in dose] == [
        ("metformin", "0.5 g", "dose")]  # no dose after the drug: the closest before it
    assert all(r.score == 1.0 for r in result.relations["owes"])  # rules are certain
    assert extract("Gamma Inc owes nothing.", CONTRACT).relations["owes"] == []


@pytest.mark.parametrize(("value", "expected"), [
    ("2023年9月18日", "2023-09-18"), ("二〇二三年九月十八日", "2023-09-18"),
    ("September 18, 2023", "2023-09-18"), ("2023年9月", "2023-09"), ("2023年", "2023"),
    ("yesterday", None),  # relative to a date the record does not give
    ("18 September", None),  # no year
])
def test_dates_are_normalized_to_iso(value: str, expected: str | None) -> None:
    from lepton_ai.solutions.extract.normalize import normalized_date

    assert normalized_date(value) == expected


@pytest.mark.parametrize(("value", "amount", "currency"), [
    ("人民币12,000元", 12000, "CNY"), ("1.2万元", 12000, "CNY"), ("人民币壹万贰仟元整", 12000, "CNY"),
    ("3亿美元", 3e8, "USD"), ("$3.5 million", 3.5e6, "USD"), ("€1.234,56", 1234.56, "EUR"),
    ("HK$ 1,000", 1000, "HKD"), ("1,000", 1000, None),
])
def test_amounts_are_normalized_with_their_currency(value: str, amount: float,
                                                    currency: str | None) -> None:
    from lepton_ai.solutions.extract.normalize import normalized_amount

    assert normalized_amount(value) == {"amount": pytest.approx(amount), "currency": currency}
    assert normalized_amount("five dollars") is None


def test_a_field_with_normalize_carries_both_forms() -> None:
    text = "本院于二〇二三年九月十八日判决被告支付货款人民币壹万贰仟元。"
    result = extract(text, {"fields": {
        "date": {"type": "pattern", "pattern": r"[〇零一二三四五六七八九\d]{4}年[^日]{1,3}月[^日]{1,3}日",
                 "normalize": "date"},
        "amount": {"type": "pattern", "pattern": r"人民币[\d,.壹贰叁肆伍陆柒捌玖拾佰仟万]+元",
                   "normalize": "amount"},
        "court": {"type": "pattern", "pattern": "本院"}}})
    assert result.fields["date"].normalized == "2023-09-18"
    assert result.fields["amount"].value == "人民币壹万贰仟元"
    assert result.fields["amount"].normalized == {"amount": 12000.0, "currency": "CNY"}
    assert result.fields["court"].normalized is None


@pytest.mark.parametrize(("schema", "message"), [
    ({"fields": {"x": {"type": "entiy", "label": "DATE"}}}, "Did you mean 'entity'"),
    ({"fields": {"x": {"type": "pattern", "patern": "a"}}}, "Did you mean 'pattern'"),
    ({"fields": {"x": {"type": "pattern", "pattern": "(unclosed"}}}, "does not compile"),
    ({"fields": {"x": {"type": "dictionary"}}}, "needs terms or terms_file"),
    ({"fields": {}}, "fields"),
    (["not", "a", "mapping"], "not a mapping"),
    ({"fields": {"party": {"type": "pattern", "pattern": "x"}},
      "relations": {"r": {"head": "partyy", "tail": "party"}}}, "Did you mean 'party'"),
    ({"fields": {"a": {"type": "pattern", "pattern": "x"}},
      "relations": {"r": {"head": "a", "tail": "a", "treshold": 0.2}}}, "Did you mean 'threshold'"),
    ({"fields": {"a": {"type": "pattern", "pattern": "x", "normalize": "dates"}}}, "'date'"),
])
def test_schema_mistakes_are_named(schema: object, message: str) -> None:
    with pytest.raises(LeptonError, match="LAI-E1501") as raised:
        load_schema(schema)  # type: ignore[arg-type]
    assert message in str(raised.value)


def test_a_schema_file(tmp_path: Path) -> None:
    path = tmp_path / "schema.yaml"
    path.write_text("name: legal\nfields:\n  court:\n    type: pattern\n"
                    "    pattern: '[\\u4e00-\\u9fa5]{2,20}人民法院'\n", encoding="utf-8")
    assert load_schema(path).name == "legal"
    path.write_text("fields: [unclosed", encoding="utf-8")
    with pytest.raises(LeptonError, match=r"LAI-E1501.*not YAML"):
        load_schema(path)
