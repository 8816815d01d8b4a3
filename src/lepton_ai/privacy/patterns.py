"""Recognizers written as patterns with validity checks, English and Chinese.

Each :class:`PatternRecognizer` pairs a regular expression with a check (Luhn for
cards, ISO 7064 for Chinese resident IDs, mod 97 for IBANs) and with context
words: a match that is only plausible on its own (a passport-like code) gets its
full score when a word such as "passport" or "护照" stands just before it. Matching
runs on :func:`~lepton_ai.privacy.spans.matching_form`, so full-width digits and
numbers written in groups ("6222 0212 …") are found at their original offsets.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lepton_ai.privacy.checksums import chinese_id_valid, iban_valid, luhn_valid, us_ssn_valid
from lepton_ai.privacy.spans import PiiSpan

#: How far before a match (characters) a context word counts.
CONTEXT_WINDOW = 40


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _always(_: str) -> bool:
    return True


@dataclass(frozen=True)
class PatternRecognizer:
    """One type of personal data found by a pattern and confirmed by ``accept``.

    Attributes:
        type: the entity type it reports (``"CREDIT_CARD"``).
        pattern: what a candidate looks like.
        score: the score of an accepted match.
        accept: the validity check of the matched text (checksums, dates).
        context: lowercase words that make a match likelier when they stand within
            :data:`CONTEXT_WINDOW` characters before it.
        score_in_context: the score of an accepted match with a context word.
        trim: how many leading characters of a match are not part of it.
        not_after: words that say a match is something else (an order number is not
            a card) when one of them stands closer before it than any context word.
    """

    type: str
    pattern: re.Pattern[str]
    score: float
    accept: Callable[[str], bool] = _always
    context: tuple[str, ...] = ()
    score_in_context: float = 0.0
    name: str = field(default="", compare=False)
    trim: Callable[[str], int] | None = None
    not_after: tuple[str, ...] = ()

    def find(self, text: str) -> list[PiiSpan]:
        """Accepted matches in ``text`` (already in matching form)."""
        found = []
        for match in self.pattern.finditer(text):
            if not self.accept(match.group()):
                continue
            start = match.start() + (self.trim(match.group()) if self.trim else 0)
            score = self.score
            label = self._nearest(text, start, self.context)
            other = self._nearest(text, start, self.not_after)
            if other >= 0 and other >= label:  # the closest word names another kind of
                continue                       # number ("license number" over "number")
            if label >= 0:
                score = max(score, self.score_in_context)
            found.append(PiiSpan(self.type, start, match.end(), score,
                                 self.name or self.type.lower()))
        return found

    @staticmethod
    def _nearest(text: str, start: int, words: tuple[str, ...]) -> int:
        """Where the last of ``words`` ends within the window before ``start`` (-1: none)."""
        before = text[max(0, start - CONTEXT_WINDOW):start].lower()
        return max((before.rfind(word) + len(word) for word in words if word in before),
                   default=-1)


def _ip_valid(candidate: str) -> bool:
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


_CARD_WORDS = ("card", "visa", "mastercard", "amex", "maestro", "cc ", "卡号", "银行卡", "信用卡",
               "储蓄卡", "借记卡")
#: A number standing alone: no digit, dash or ID check letter touching it, and not
#: the first groups of a longer grouped number ("6202 5846 3483 2449").
_NUMBER_ALONE = r"(?<![\d-])(?<!\d )(?:{})(?![\dXx-])(?! \d)"
_NOT_CARD_WORDS = ("order", "tracking", "invoice", "订单", "单号", "编号", "工单", "快递", "运单")
#: Issuer prefixes (IIN) of payment cards and the lengths each issues.
_CARD_ISSUERS = (("4", (13, 16, 19)), ("34", (15,)), ("37", (15,)), ("62", (16, 17, 18, 19)),
                 ("35", (16, 17, 18, 19)), ("36", (14, 15, 16, 17, 18, 19)),
                 ("30", (14, 15, 16)), ("38", (14, 15, 16)), ("6011", (16, 17, 18, 19)),
                 ("65", (16, 17, 18, 19)), ("51", (16,)), ("52", (16,)), ("53", (16,)),
                 ("54", (16,)), ("55", (16,)), ("2", (16,)), ("1800", (15,)), ("2131", (15,)),
                 ("50", range(12, 20)), ("5", range(12, 20)), ("6", range(12, 20)))


def _card_valid(digits: str) -> bool:
    """Luhn-valid, from a card issuer at a length it issues, and not a mistyped ID."""
    issued = any(digits.startswith(prefix) and len(digits) in lengths
                 for prefix, lengths in _CARD_ISSUERS)
    return issued and luhn_valid(digits) and not _like_resident_id(digits)


def _like_resident_id(digits: str) -> bool:
    """18 digits laid out as a Chinese resident ID (a birth date at digits 7–14): one
    with a wrong check character or region is a mistyped ID, not a card that happens
    to pass Luhn."""
    if len(digits) != 18:
        return False
    return (1900 <= int(digits[6:10]) <= 2100 and 1 <= int(digits[10:12]) <= 12
            and 1 <= int(digits[12:14]) <= 31)


_DATE = re.compile(r"(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?: \d{1,2})?"
                   r"|(\d{1,2})[-./](\d{1,2})[-./](\d{2}|\d{4})")


def _is_date(match: str) -> bool:
    found = _DATE.fullmatch(match)
    if found is None:
        return False
    if found.group(1):
        return 1 <= int(found.group(2)) <= 12 and 1 <= int(found.group(3)) <= 31
    first, second = int(found.group(4)), int(found.group(5))
    return 1 <= min(first, second) <= 12 and max(first, second) <= 31


def _looks_like_phone(match: str) -> bool:
    digits = len(_digits(re.sub(r"(?:x|ext\.?) ?\d+$", "", match)))
    return 7 <= digits <= 15 and not _is_date(match)


EMAIL = PatternRecognizer(
    "EMAIL_ADDRESS",
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b"), 1.0,
    name="email")
IP_ADDRESS = PatternRecognizer(
    "IP_ADDRESS",
    re.compile(r"(?<![\w.:])(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})"
               r"(?![\w:]|\.\w)"),
    0.9, accept=lambda m: _ip_valid(m) and ("." in m or sum(1 for g in m.split(":") if g) >= 3),
    name="ip")
#: 13–19 digits, optionally in groups separated by spaces or dashes; Luhn-valid.
CREDIT_CARD = PatternRecognizer(
    "CREDIT_CARD", re.compile(_NUMBER_ALONE.format(r"(?:\d[ -]?){12,18}\d")), 0.9,
    accept=lambda m: _card_valid(_digits(m)), context=_CARD_WORDS, score_in_context=1.0,
    not_after=_NOT_CARD_WORDS, name="card")
#: 12 digits (Maestro) are as often other numbers: a card only after a card word.
SHORT_CARD = PatternRecognizer(
    "CREDIT_CARD", re.compile(_NUMBER_ALONE.format(r"(?:\d[ -]?){11}\d")), 0.3,
    accept=lambda m: _card_valid(_digits(m)), context=_CARD_WORDS,
    score_in_context=1.0, not_after=_NOT_CARD_WORDS, name="card")
IBAN = PatternRecognizer(
    "IBAN_CODE", re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
                            re.IGNORECASE), 1.0,
    accept=lambda m: iban_valid(m.replace(" ", "")), name="iban")
US_SSN = PatternRecognizer(
    "US_SSN", re.compile(r"(?<![\d-])\d{3}([- ]?)\d{2}\1\d{4}(?![\d-])"), 0.6,
    accept=lambda m: us_ssn_valid(_digits(m)),
    context=("ssn", "social security", "social sec", "security number"), score_in_context=0.95,
    name="ssn")
#: International (+CC …) or national numbers of 7–15 digits with separators.
_PHONE_PATTERN = (r"(?<![0-9A-Za-z+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?"
                  r"\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?: ?(?:x|ext\.?) ?\d{1,5})?(?![0-9A-Za-z:])")
_PHONE_WORDS = ("phone", "call", "tel", "mobile", "cell", "fax", "number", "contact", "desk",
                "answering", "reach")
#: Words naming another kind of number: after one (and no phone word), digits are not
#: taken for a phone number ("driver's license number 2270-66-1551").
_NOT_PHONE_WORDS = ("ssn", *(f"{kind}{suffix}" for kind in (
    "license", "licence", "passport", "account", "order", "invoice", "social security",
    "routing", "policy", "tracking") for suffix in (" number", " no.", " #")))
PHONE = PatternRecognizer(
    "PHONE_NUMBER", re.compile(_PHONE_PATTERN), 0.7,
    accept=lambda m: _looks_like_phone(m) and (m.startswith("+") or len(_digits(m)) >= 8),
    context=_PHONE_WORDS, score_in_context=0.85, not_after=_NOT_PHONE_WORDS, name="phone")
#: Seven-digit local numbers ("467 3395") are as often other numbers: a phone only
#: after a phone word.
LOCAL_PHONE = PatternRecognizer(
    "PHONE_NUMBER", re.compile(_PHONE_PATTERN), 0.3,
    accept=lambda m: _looks_like_phone(m) and len(_digits(m)) == 7,
    context=_PHONE_WORDS, score_in_context=0.8, name="phone")
#: Numbers written with their country code (+44 20 …), in texts of any language.
INTERNATIONAL_PHONE = PatternRecognizer(
    "PHONE_NUMBER",
    re.compile(r"(?<![0-9A-Za-z+])\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?"
               r"\d{2,4}(?:[ .-]?\d{2,4}){1,3}(?![0-9A-Za-z])"),
    0.8, accept=_looks_like_phone, name="phone")
_STREET_WORDS = (
    r"Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Boulevard|Blvd\.?|Drive|Dr\.?|Way|"
    r"Court|Ct\.?|Place|Pl\.?|Square|Sq\.?|Terrace|Parkway|Highway|Hwy\.?|Circle|Trail")
STREET_ADDRESS = PatternRecognizer(
    "STREET_ADDRESS",
    re.compile(
        r"\b\d{1,6}[A-Za-z]?,? (?:[A-Z][\w'.-]*\.? ){1,4}(?:" + _STREET_WORDS + r")\b"
        r"|\b\d{1,6} [A-Z]\w*(?:katu|straße|strasse|gade|vej|laan|weg|gatan|gata|veien|vegur"
        r"|utca|ulica|tie|vägen)\b(?: \d{1,5}\w?)?"
        r"|\b(?:Rua|Avenida|Calle|Via|Rue|Av\.) (?:[A-ZÀ-Ý][\w'.-]* ?){1,4}\d{1,5}"
        r"|\b(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor) #?\d{1,5}[A-Z]?\b"),
    0.75, name="street")

# --- Chinese
CN_RESIDENT_ID = PatternRecognizer(
    "CN_RESIDENT_ID", re.compile(r"(?<![\dA-Za-z])(?:\d[ -]?){17}[\dXx](?![\dA-Za-z])"), 1.0,
    accept=lambda m: chinese_id_valid(re.sub(r"[ -]", "", m)), name="cn_id")
CN_MOBILE = PatternRecognizer(
    "PHONE_NUMBER",
    re.compile(r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)"), 0.95,
    name="cn_mobile")
CN_LANDLINE = PatternRecognizer(
    "PHONE_NUMBER",
    re.compile(r"(?<![\d+])(?:(?:\+|00)86[ -]?)?(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[ -]?"
               r"[2-9]\d{2,3}[ -]?\d{4}(?:[-转]\d{1,5})?(?!\d)"),
    0.85, name="cn_landline")
CN_PASSPORT = PatternRecognizer(
    "CN_PASSPORT",
    re.compile(r"(?<![A-Za-z0-9])(?:E[A-HJ-NP-Z0-9]\d{7}|[EGDSP]\d{8})(?![A-Za-z0-9])"),
    0.4, context=("护照", "passport", "证件"), score_in_context=0.9, name="cn_passport")
_PROVINCE_SHORT = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
CN_LICENSE_PLATE = PatternRecognizer(
    "CN_LICENSE_PLATE",
    re.compile(rf"[{_PROVINCE_SHORT}][A-HJ-NP-Z][·•.\s]?[A-HJ-NP-Z0-9]{{4,5}}[A-HJ-NP-Z0-9挂学警]"
               r"(?![A-Za-z0-9])"),
    0.85, accept=lambda m: any(char.isdigit() for char in m), name="cn_plate")
_HAN = r"[\u4e00-\u9fff]"
#: Words that end what precedes an address ("我住在", "寄到", "地址是"): the pattern's
#: leading characters up to the last of these are not part of the address.
_ADDRESS_LEAD = re.compile(r".*[在于到是址住寄往为]")


def _address_lead(found: str) -> int:
    head = re.match(r"[^省市州盟区县旗镇乡路街道巷弄]*", found)
    lead = _ADDRESS_LEAD.match(head.group()) if head else None
    return lead.end() if lead else 0


CN_ADDRESS = PatternRecognizer(
    "STREET_ADDRESS",
    re.compile(
        rf"(?:{_HAN}{{2,8}}?(?:省|自治区|特别行政区))?(?:{_HAN}{{1,8}}?(?:市|州|盟))?"
        rf"(?:{_HAN}{{1,8}}?(?:区|县|旗))?(?:{_HAN}{{1,8}}?(?:镇|乡|街道))?"
        rf"{_HAN}{{1,10}}?(?:路|街|大道|大街|巷|弄|胡同|道)(?:[东西南北中]段)?"
        r"\d{1,5}(?:-\d{1,4})?(?:号院|号|弄)"
        r"(?:\d{1,4}(?:号楼|栋|幢|座|单元|楼|层|室|号)){0,4}"),
    0.9, name="cn_address", trim=_address_lead)

#: Recognizers for every text, whatever its language.
COMMON = (EMAIL, IP_ADDRESS, CREDIT_CARD, SHORT_CARD, IBAN)
#: Recognizers by language, besides :data:`COMMON`.
BY_LANGUAGE: dict[str, tuple[PatternRecognizer, ...]] = {
    "en": (US_SSN, PHONE, LOCAL_PHONE, STREET_ADDRESS),
    "zh": (INTERNATIONAL_PHONE, CN_RESIDENT_ID, CN_MOBILE, CN_LANDLINE, CN_PASSPORT,
           CN_LICENSE_PLATE, CN_ADDRESS),
}
