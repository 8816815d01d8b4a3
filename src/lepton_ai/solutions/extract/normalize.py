"""Normalized field values: dates as ISO 8601, amounts as a number and a currency code.

Dates are read by dateparser (Chinese and English; absolute dates only: "yesterday"
means nothing without the record's own date), after cn2an turns Chinese numerals into
digits ("二〇二三年九月十八日" → 2023-09-18). A date must name its year (four digits).
The result is as precise as the text: "2023-09-18", "2023-09" or "2023".

Amounts are read by price-parser (thousands separators, decimal commas, symbols),
after cn2an (人民币壹万贰仟元 → 12000), with the scale words price-parser leaves out
(万, 亿, thousand, million, billion) and the currency from its symbol or word.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from lepton_ai.dependencies import require

NORMALIZERS = ("date", "amount")
REQUIREMENTS = {"dateparser": "dateparser==1.5.0", "price_parser": "price-parser==0.5.1",
                "cn2an": "cn2an==0.5.24"}
#: Symbols and words of currencies → ISO 4217 codes (longest match first).
CURRENCIES = {
    "US$": "USD", "HK$": "HKD", "$": "USD", "USD": "USD", "美元": "USD",
    "€": "EUR", "EUR": "EUR", "欧元": "EUR", "£": "GBP", "GBP": "GBP", "英镑": "GBP",
    "¥": "CNY", "￥": "CNY", "RMB": "CNY", "CNY": "CNY", "人民币": "CNY", "元": "CNY",
    "日元": "JPY", "JPY": "JPY", "港元": "HKD", "港币": "HKD", "HKD": "HKD",
}
#: Scale words after a number.
SCALES = {"万": 1e4, "亿": 1e8, "千": 1e3, "thousand": 1e3, "million": 1e6, "mn": 1e6,
          "billion": 1e9, "bn": 1e9}
_SCALE = re.compile(r"\d\s*(" + "|".join(sorted(SCALES, key=len, reverse=True))
                    + r")(?![a-z])", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_CHINESE_NUMERAL = re.compile("[〇零一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")


def normalize(kind: str, value: str) -> Any:
    """``value`` normalized as ``kind`` (one of :data:`NORMALIZERS`); None when it does
    not read as one."""
    return normalized_date(value) if kind == "date" else normalized_amount(value)


def normalized_date(value: str) -> str | None:
    """``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; None for a value with no year or no date."""
    require("dateparser", "date normalization", REQUIREMENTS["dateparser"])
    from dateparser.date import DateDataParser

    text = _arabic(value)
    if not _YEAR.search(text):
        return None
    parser = DateDataParser(languages=["zh", "en"], settings={
        "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
        "PREFER_DAY_OF_MONTH": "first", "REQUIRE_PARTS": ["year"]})
    found = parser.get_date_data(text)
    if found.date_obj is None:
        return None
    layout = {"year": "%Y", "month": "%Y-%m"}.get(found.period or "day", "%Y-%m-%d")
    return found.date_obj.strftime(layout)


def normalized_amount(value: str) -> dict[str, Any] | None:
    """``{"amount": 12000.0, "currency": "CNY"}`` (currency None when the value names
    none); None for a value with no number."""
    require("price_parser", "amount normalization", REQUIREMENTS["price_parser"])
    from price_parser import Price

    text = _arabic(value)
    price = Price.fromstring(text)
    if price.amount is None:
        return None
    scale = _SCALE.search(text)
    amount = float(price.amount) * (SCALES[scale.group(1).lower()] if scale else 1.0)
    symbol = next((key for key in sorted(CURRENCIES, key=len, reverse=True)
                   if key in text or key in (price.currency or "")), None)
    return {"amount": round(amount, 6), "currency": CURRENCIES[symbol] if symbol else None}


def _arabic(value: str) -> str:
    """Chinese numerals as digits (cn2an), other text as it is."""
    if not _CHINESE_NUMERAL.search(value):
        return value
    require("cn2an", "Chinese numerals", REQUIREMENTS["cn2an"])
    import cn2an

    with warnings.catch_warnings():  # cn2an warns on the parts it leaves as they are
        warnings.simplefilter("ignore")
        return str(cn2an.transform(value, "cn2an"))
