"""Sentence boundaries for English and Chinese text, as character spans."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?。！？；;\n]+[\"'”’)）]*\s*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (ends: . ! ? 。！？ ; newline)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
