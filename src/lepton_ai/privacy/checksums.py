"""Check digits and validity rules that tell a real identifier from a look-alike number.

A pattern alone flags every 16-digit order number as a card; these checks are why
the recognizers in :mod:`lepton_ai.privacy.patterns` do not.
"""

from __future__ import annotations

from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
#: First two digits of a Chinese resident ID: the province-level region (GB/T 2260).
CN_PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36",
    "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62",
    "63", "64", "65", "71", "81", "82", "83"})


def luhn_valid(digits: str) -> bool:
    """Whether a digit string passes the Luhn checksum of payment cards."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def chinese_id_checksum_valid(number: str) -> bool:
    """Whether an 18-character Chinese resident ID passes its ISO 7064 check character."""
    total = sum(int(char) * weight for char, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def chinese_id_valid(number: str, *, today: date | None = None) -> bool:
    """A real-looking resident ID: a known province, a birth date that exists and is not
    in the future (from 1900), and the right check character."""
    if len(number) != 18 or not number[:17].isdigit() or number[:2] not in CN_PROVINCE_CODES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not date(1900, 1, 1) <= born <= (today or date.today()):
        return False
    return chinese_id_checksum_valid(number)


def iban_valid(iban: str) -> bool:
    """Whether an IBAN (spaces removed) passes ISO 13616's mod-97 check."""
    if not 15 <= len(iban) <= 34 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in moved.upper())) % 97 == 1


def us_ssn_valid(digits: str) -> bool:
    """Whether nine digits can be a US Social Security number (SSA's never-issued
    areas 000, 666 and 900–999, group 00 and serial 0000 are not)."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (len(digits) == 9 and area not in ("000", "666") and area[0] != "9"
            and group != "00" and serial != "0000" and len(set(digits)) > 1)
