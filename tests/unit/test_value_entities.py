"""Values by rules: dates, times, money, percentages, numbers, Chinese phone numbers."""

from __future__ import annotations

import pytest

from lepton_ai.tasks.entity import Entity
from lepton_ai.tasks.value_entities import value_entities, with_values


def found(text: str, chinese: bool = False) -> list[tuple[str, str]]:
    return [(e.text, e.label) for e in value_entities(text, chinese)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Operating profit rose to EUR 13.1 mn from EUR 8.7 mn.",
     [("EUR 13.1 mn", "MONEY"), ("EUR 8.7 mn", "MONEY")]),
    ("Shares fell 5.2% to $12.50 on Monday, Jan. 5, 2021 at 10:30 a.m.",
     [("5.2%", "PERCENT"), ("$12.50", "MONEY"), ("Monday", "DATE"), ("Jan. 5, 2021", "DATE"),
      ("10:30 a.m.", "TIME")]),
    ("3,000 jobs were cut in 2019; 1996-12-06 is a date.",
     [("3,000", "CARDINAL"), ("2019", "DATE"), ("1996-12-06", "DATE")]),
    ("Version 2.0.1 of the app", []),
])
def test_english_values(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_chinese_values() -> None:
    assert found("2026年11月5日，股价下跌3.5%，成交额120亿元。", chinese=True) == [
        ("2026年11月5日", "DATE"), ("3.5%", "PERCENT"), ("120亿元", "MONEY")]
    assert found("请拨打13812345678或010-12345678，上午9点半开会", chinese=True) == [
        ("13812345678", "PHONE"), ("010-12345678", "PHONE"), ("9点半", "TIME")]


def test_model_entities_win_over_overlapping_values_unless_inside_one() -> None:
    text = "Apple 2019 results"
    model = [Entity("Apple 2019", "PRODUCT", 0, 10)]
    assert with_values(text, model, chinese=False) == model
    text = "from EUR 8.7 mn"
    fragment = [Entity("EUR", "LOC", 5, 8)]
    assert [(e.text, e.label) for e in with_values(text, fragment, chinese=False)] == [
        ("EUR 8.7 mn", "MONEY")]
    assert [e.label for e in with_values("Apple sold 5 phones", [
        Entity("Apple", "ORG", 0, 5)], chinese=False)] == ["ORG", "CARDINAL"]
