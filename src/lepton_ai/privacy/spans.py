"""What a recognizer finds: a typed span of the original text, and how overlaps resolve."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PiiSpan:
    """Personal data at ``text[start:end]`` of the text the caller gave.

    ``score`` is how sure the recognizer is (1.0: a checksum passed); ``source``
    names the recognizer, so a report can say which rule or model found it.
    """

    type: str
    start: int
    end: int
    score: float
    source: str


def without_overlaps(spans: Iterable[PiiSpan]) -> list[PiiSpan]:
    """The surest spans that do not overlap, in text order.

    Higher score wins, then the longer span: a validated card number beats the
    phone pattern that also matches its first digits, and a name found by the
    tagger never cuts an e-mail address in two.
    """
    kept: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (-s.score, -(s.end - s.start), s.start)):
        if all(span.end <= other.start or span.start >= other.end for other in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s.start)


def matching_form(text: str) -> str:
    """``text`` with full-width digits, letters and punctuation folded to ASCII, one
    character for one, so offsets found in it are offsets of ``text``.

    "１１０１０１…" is an ID number like "110101…"; NFKC would fold it, but also
    expands a few characters into several, which would shift every offset after.
    """
    return "".join(_fold(char) for char in text)


def _fold(char: str) -> str:
    if char.isascii():
        return char
    if char == "\u3000":
        return " "
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 and folded.isascii() else char
