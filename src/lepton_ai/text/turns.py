"""Dialogue turns: who said what, in order, from a transcript.

A text is a dialogue when most of its non-empty lines start with a speaker tag and a
colon: ``#Person1#: ...`` (DialogSum), ``Alice: ...``, ``A: ...``, ``客服：...``
(full-width colon), optionally after a time stamp (``[10:31] Bob: ...``). A line
without a tag continues the turn before it. Each turn keeps its speaker, its words
and its place in the original text, so a summary can pick whole turns and say who
spoke.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A speaker tag at the start of a line: #Tag#, a name of up to four words, or up to
#: 12 CJK characters; then ":" or "：". An optional [time] or (time) stamp before it.
_TAGGED = re.compile(
    r"^[ \t]*(?:[\[(][\d:. apmAPM/-]{3,22}[\])][ \t]*)?"
    r"(?P<speaker>#[^#\n]{1,40}#|[A-Za-z][\w.'-]*(?: [A-Za-z][\w.'-]*){0,3}|"
    r"[\u3400-\u9fff\w]{1,12})[ \t]*[:：][ \t]*(?P<said>\S.*)$")
#: Share of non-empty lines that must be tagged for a text to count as a dialogue.
TAGGED_SHARE = 0.6


@dataclass(frozen=True)
class Turn:
    """One turn: the speaker, what they said, and where it is in the text."""

    speaker: str
    text: str
    start: int
    end: int

    @property
    def tagged(self) -> str:
        """The turn as ``speaker: text`` (``speaker：text`` for a Chinese speaker), as a
        summary quotes it."""
        if re.search(r"[\u3400-\u9fff]", self.speaker):
            return f"{self.speaker}：{self.text}"
        return f"{self.speaker}: {self.text}"


def dialogue_turns(text: str) -> list[Turn] | None:
    """The turns of ``text``, or None when it is not a speaker-tagged dialogue (fewer
    than two lines, or fewer than ``TAGGED_SHARE`` of its lines tagged)."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    if len(lines) < 2:
        return None
    matches = [(start, _TAGGED.match(line), line) for start, line in lines]
    if sum(1 for _, m, _ in matches if m) < TAGGED_SHARE * len(lines):
        return None
    turns: list[Turn] = []
    for start, match, line in matches:
        if match:
            said = match.group("said").strip()
            begin = start + match.start("said")
            turns.append(Turn(match.group("speaker"), said, begin, begin + len(said)))
        elif turns:  # a continuation line belongs to the turn before it
            last = turns[-1]
            end = start + len(line.rstrip())
            turns[-1] = Turn(last.speaker, text[last.start:end].strip(), last.start, end)
    return turns or None
