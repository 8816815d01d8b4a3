"""Masking personal data before text is stored: e-mails, phone numbers, ID and card numbers.

Rules, not a model: they run on every logged turn, so they must be fast and must
not miss the formats customers actually type. Payment cards pass the Luhn check
(so an order number of 16 digits is not masked as a card); Chinese resident ID
numbers (18 characters, the last may be X) pass their checksum; phone numbers are
international (+CC ...) or national forms of 7–15 digits with separators.
Each match becomes ``[EMAIL]``, ``[PHONE]``, ``[ID]`` or ``[CARD]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
#: 13–19 digits, optionally in groups separated by spaces or dashes.
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_CN_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
#: +CC and 7–14 more digits, or a national number of 7–12 digits (groups allowed).
_PHONE = re.compile(
    r"(?<![0-9A-Za-z+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?"
    r"\d{2,4}(?:[ .-]?\d{2,4}){1,3}(?![0-9A-Za-z])"
)
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn checksum of payment cards."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def chinese_id_valid(number: str) -> bool:
    """Whether an 18-character Chinese resident ID passes its ISO 7064 check character."""
    total = sum(int(char) * weight for char, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _replace(pattern: re.Pattern[str], token: str,
             accept: Callable[[str], bool]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        return pattern.sub(lambda m: token if accept(m.group()) else m.group(), text)
    return apply


_STEPS = (
    _replace(_EMAIL, "[EMAIL]", lambda _: True),
    _replace(_CN_ID, "[ID]", chinese_id_valid),
    _replace(_CARD, "[CARD]", lambda match: luhn_valid(_digits(match))),
    _replace(_PHONE, "[PHONE]", lambda match: _looks_like_phone(match)),
)


def _looks_like_phone(match: str) -> bool:
    digits = len(_digits(match))
    if not 7 <= digits <= 15 or _DATE.fullmatch(match):
        return False
    return match.startswith("+") or digits >= 8 or bool(re.search(r"[ .()-]", match))



def mask_personal_data(text: str) -> str:
    """``text`` with e-mails, phone numbers, ID and card numbers replaced by placeholders.

    >>> mask_personal_data("Call +44 20 7946 0958 or write to ann@example.com")
    'Call [PHONE] or write to [EMAIL]'
    >>> mask_personal_data("Card 4111 1111 1111 1111, order 1234567890123456")
    'Card [CARD], order 1234567890123456'
    """
    for step in _STEPS:
        text = step(text)
    return text
