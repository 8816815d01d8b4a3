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
#: A speaker tag inside one line ("A: Hi. B: Hello."): at the start of the text or after
#: a sentence end; #Tag#, one capitalised word or letter, or up to 4 CJK characters.
_INLINE_TAG = re.compile(
    r"(?:^|(?<=[.!?。！？]))[ \t]*(?P<speaker>#[^#\n]{1,40}#|[A-Z][a-z]{0,15}|"
    r"[\u3400-\u9fff]{1,4})[ \t]*[:：][ \t]*")
#: Tags (and distinct speakers) a single line needs to be read as a dialogue.
INLINE_TAGS, INLINE_SPEAKERS = 3, 2


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
    than two lines, or fewer than ``TAGGED_SHARE`` of its lines tagged). A single
    line is a dialogue when it opens with a tag and holds ``INLINE_TAGS`` tags of
    ``INLINE_SPEAKERS`` speakers or more, one of them speaking twice, each tag after a
    sentence end ("A: Hi. B: Hello. A: Bye.")."""
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]
    if len(lines) == 1:
        return _inline_turns(text)
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


def _inline_turns(text: str) -> list[Turn] | None:
    tags = list(_INLINE_TAG.finditer(text))
    speakers = {tag.group("speaker") for tag in tags}
    # Someone must speak twice: "Revenue: up. Profit: down. Costs: flat." is a list.
    if (len(tags) < INLINE_TAGS or not INLINE_SPEAKERS <= len(speakers) < len(tags)
            or text[: tags[0].start()].strip()):
        return None
    turns = []
    for tag, following in zip(tags, [*tags[1:], None], strict=True):
        end = following.start() if following else len(text)
        said = text[tag.end():end]
        begin = tag.end()
        stripped = said.strip()
        if not stripped:
            return None  # "A: B:": tags without words are not a dialogue
        begin += len(said) - len(said.lstrip())
        turns.append(Turn(tag.group("speaker"), stripped, begin, begin + len(stripped)))
    return turns
