"""BIO tag sequences and the word/character tokenization entity tagging uses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lepton_ai.text.lang import has_cjk

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans ``(first token, last token + 1, label)`` of a BIO sequence."""
    found: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for index, tag in enumerate([*tags, "O"]):
        continues = tag.startswith("I-") and tag[2:] == label and start >= 0
        if not continues and start >= 0:
            found.append((start, index, label))
            start, label = -1, ""
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, label = index, tag[2:]
    return found


def tokenize(text: str) -> tuple[list[str], list[int]]:
    """Characters for Chinese text, words and punctuation otherwise; with offsets."""
    if has_cjk(text):
        pairs = [(ch, i) for i, ch in enumerate(text) if not ch.isspace()]
    else:
        pairs = [(m.group(), m.start()) for m in _WORD.finditer(text)]
    return [p[0] for p in pairs], [p[1] for p in pairs]
