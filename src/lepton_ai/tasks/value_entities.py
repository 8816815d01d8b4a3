"""Dates, times, money, percentages, numbers and phone numbers by rules, English and Chinese.

The shipped taggers learn names (people, organisations, places, products) from data;
values follow fixed written forms that rules find exactly and fast, so the default
entity models add them with these patterns (OntoNotes type names, as spaCy uses):
``DATE``, ``TIME``, ``MONEY``, ``PERCENT``, ``CARDINAL``, and for Chinese text
``PHONE``. A value replaces model entities inside it; otherwise the model's entity wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lepton_ai.tasks.entity import Entity

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"(?:\s?(?:mn|mln|bn|tn|[mbk]|million|billion|trillion|thousand)\b)?"
_CURRENCY = r"(?:US\$|HK\$|A\$|C\$|[$€£¥]|(?:USD|EUR|GBP|JPY|CNY|RMB|HKD|CHF)\s?)"

#: (type, pattern) in priority order: an earlier match wins an overlap. Case is ignored
#: ("eur", "Percent") except for dates, whose month names must be capitalised ("may").
ENGLISH: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.IGNORECASE if label != "DATE" else 0)) for label, pattern in (
        ("MONEY", rf"{_CURRENCY}(?:{_NUMBER}){_SCALE}"
                  rf"|\b(?:{_NUMBER}){_SCALE}\s?(?:dollars?|euros?|pounds?|yuan|yen|cents?)\b"),
        ("PERCENT", rf"(?<![\w.])(?:{_NUMBER})\s?(?:%|percent\b|per cent\b|pct\b)"),
        ("TIME", r"\b\d{1,2}:\d{2}(?:\s?[ap]\.?m\.?)?(?![\w:])|\b\d{1,2}\s?[ap]\.m\.(?!\w)"),
        ("DATE", rf"\b{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
                 rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?(?:,?\s+\d{{4}})?\b"
                 rf"|\b{_MONTH}\.?\s+\d{{4}}\b"
                 r"|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b"
                 rf"|\b{_WEEKDAY}\b"
                 r"|\b(?:Q[1-4]|H[12])\s?\d{4}\b"
                 r"|\b(?:19|20)\d{2}s?\b(?![,.]?\d)"),
        ("CARDINAL", rf"(?<![\w.,])(?:{_NUMBER})(?:\s(?:million|billion|trillion|thousand)\b)?"
                     r"(?![\w.,]?\d)"),
    ))

_ZH_DIGITS = "〇零一二三四五六七八九十百千两"
#: Arabic digits (grouped by commas or not) or Chinese numerals.
_ZH_NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_ZH_DIGITS}]+)"
CHINESE: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern)) for label, pattern in (
        ("PHONE", r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d{9}(?!\d)"
                  r"|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)|(?<!\d)400-?\d{3}-?\d{4}(?!\d)"),
        ("MONEY", rf"(?:人民币|美元|港币)?{_ZH_NUMBER}(?:万亿|亿|万|千)?"
                  r"(?:元|美元|港元|欧元|日元|英镑|块钱|块)"),
        ("PERCENT", rf"{_ZH_NUMBER}\s?%|百分之{_ZH_NUMBER}"),
        ("DATE", rf"(?:{_ZH_NUMBER}年)(?:{_ZH_NUMBER}月)?(?:{_ZH_NUMBER}[日号])?"
                 rf"|{_ZH_NUMBER}月{_ZH_NUMBER}[日号]"
                 r"|(?:今|去|明|前|后)年|(?:上|下)半年|第?[一二三四1-4]季度"
                 r"|(?:今|昨|明|前|后)天|(?:本|上|下)(?:周|月)|周[一二三四五六日末]"),
        ("TIME", rf"{_ZH_NUMBER}[点时](?:{_ZH_NUMBER}分|半)?|\d{{1,2}}:\d{{2}}"),
        ("CARDINAL", r"(?<![\d.])\d+(?:\.\d+)?(?:万亿|亿|万)?(?![\d.])"),
    ))


def value_entities(text: str, chinese: bool) -> list[Entity]:
    """Values in ``text`` by the rules above, without overlaps (earlier rules win)."""
    taken: list[tuple[int, int]] = []
    found: list[Entity] = []
    for label, pattern in CHINESE if chinese else ENGLISH:
        for match in pattern.finditer(text):
            start, end = match.span()
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start and not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                found.append(Entity(text[start:end], label, start, end))
    return sorted(found, key=lambda e: e.start)


def with_values(text: str, entities: Sequence[Entity], chinese: bool) -> list[Entity]:
    """``entities`` and the values, in text order. A value replaces model entities that
    lie inside it ("EUR" tagged LOC inside "EUR 8.7 mn"); any other overlap keeps the
    model's entity ("Apple 2019" as a product keeps its year)."""
    kept = list(entities)
    values = []
    for value in value_entities(text, chinese):
        overlapping = [e for e in kept if e.start < value.end and value.start < e.end]
        if all(value.start <= e.start and e.end <= value.end for e in overlapping):
            kept = [e for e in kept if e not in overlapping]
            values.append(value)
    return sorted([*kept, *values], key=lambda e: e.start)
