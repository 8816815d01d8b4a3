"""Sentence boundaries for English and Chinese text, as character spans.

Full-width ends (。！？；) and line breaks always end a sentence. ASCII ends (. ! ? ;)
end one only before white space or the end of the text (after any closing quotes and
brackets), so decimals, versions, URLs and e-mail addresses stay whole: "3.5%",
"EUR 12.4 mn", "64.18%", "v1.2.3", "example.com/a.html".
"""

from __future__ import annotations

import re

_CLOSERS = "\"'”’)）」』"
_SENTENCE_END = re.compile(
    rf"(?:[。！？；]+|[.!?;]+(?=[{_CLOSERS}]*(?:\s|$))|\n+)[{_CLOSERS}]*\s*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (see the module's rules)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
