"""Sentence boundaries for English and Chinese text, as character spans.

Full-width ends (。！？, and an ellipsis ……) and line breaks end a sentence, except
inside a quotation that closes within 50 characters ("“千真万确！我亲耳听见的。”") and
before the quote's attribution ("“没办法。”他低声说。" is one sentence). ASCII ends (. ! ?) end
one only before white space or the end of the text (after any closing quotes and
brackets), so decimals, versions, URLs and e-mail addresses stay whole: "3.5%",
"EUR 12.4 mn", "64.18%", "v1.2.3", "example.com/a.html". A period does not end a
sentence after a list number ("1. Jesper Ronnback 2. Andrei Ivanov"; one that opens
the sentence or follows another), after a single
capital (an initial: "J. Smith") or after a common abbreviation ("Mr.", "Inc.",
"Jan.", "e.g."). Semicolons join clauses of one sentence, in both scripts.
"""

from __future__ import annotations

import re

_CLOSERS = "\"'”’)）」』"
_SENTENCE_END = re.compile(
    rf"(?:…{{2,}}[。！？]*|[。！？]+|[.!?]+(?=[{_CLOSERS}]*(?:\s|$))|\n+)[{_CLOSERS}]*\s*")
_OPEN_QUOTES, _CLOSE_QUOTES = "“「『", "”」』"
#: A quote is one sentence with what it ends in when it closes within this many characters.
QUOTE_REACH = 50
#: Verbs of saying: a short clause with one after a closing quote attributes the quote
#: ("“没办法。”他低声说。") and belongs to its sentence.
_SPEECH = re.compile("说|道|问|告诉|表示|指出|喊|回答|强调|认为")
_CLAUSE_END = re.compile("[，,：:；;。！？!?\n“「『]")
ATTRIBUTION_REACH = 12
#: Words that end with a period without ending a sentence (lower case, no period).
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "inc", "corp", "ltd",
    "co", "plc", "bros", "vs", "etc", "al", "e.g", "i.e", "approx", "dept", "est",
    "fig", "gen", "gov", "lt", "col", "sgt", "capt", "rep", "sen", "rev", "jan", "feb",
    "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "vol", "pp", "ca", "cf", "u.s", "u.k", "u.n"
})
#: Abbreviations of "number" that end no sentence before a number.
_NUMBER_SIGNS = frozenset({"no", "nos", "nr"})
_MONTHS = frozenset({
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
    "dec", "january", "february", "march", "april", "june", "july", "august",
    "september", "october", "november", "december"
})
#: The word before a period: a list number, a single capital, or a word with dots.
_BEFORE_PERIOD = re.compile(r"(?:^|(?<=\s)|(?<=[(（]))([\w.]+)\.$")


_LIST_NUMBER = re.compile(r"(?:^|\s)\d{1,2}\.\s")


def _keeps_going(text: str, end_of_mark: int, sentence_start: int) -> bool:
    """Whether the period that ends at ``end_of_mark`` belongs to a list number, an
    initial or an abbreviation instead of ending the sentence.

    A number of one or two digits is a list number when it opens the sentence or
    follows a colon, or the sentence holds one already ("1. Jesper Ronnback 2. Andrei");
    elsewhere ("he scored 12.") it ends the sentence."""
    found = _BEFORE_PERIOD.search(text, max(0, end_of_mark - 12), end_of_mark)
    if found is None:
        return False
    word = found.group(1)
    if word.isdigit():  # "1." "12." as list numbers; "1996." and "Jan. 5." end one
        before = text[max(0, found.start(1) - 12):found.start(1)].split()
        month = bool(before) and before[-1].rstrip(".").lower() in _MONTHS
        before_number = text[sentence_start:found.start(1)].rstrip()
        opens = not before_number or before_number.endswith((":", "："))
        listed = _LIST_NUMBER.search(text, sentence_start, found.start(1)) is not None
        return len(word) <= 2 and not month and (opens or listed)
    if len(word) == 1 and word.isupper():
        return True
    if word.lower() in _NUMBER_SIGNS:  # "No. 52172045"; "I said no." still ends one
        return text[end_of_mark:end_of_mark + 3].lstrip()[:1].isdigit()
    return word.lower() in ABBREVIATIONS


def _inside_quote(text: str, match: re.Match[str], sentence_start: int) -> bool:
    """Whether a full-width end sits inside a quotation that closes soon after it
    ("“千真万确！我亲耳听见的。”" is one sentence)."""
    before = text[sentence_start:match.start()]
    depth = sum(before.count(q) for q in _OPEN_QUOTES) - sum(
        before.count(q) for q in _CLOSE_QUOTES)
    if depth <= 0 or any(q in match.group() for q in _CLOSE_QUOTES):
        return False
    ahead = text[match.end():match.end() + QUOTE_REACH]
    return any(q in ahead for q in _CLOSE_QUOTES) and "\n" not in match.group()


def _attributed(text: str, match: re.Match[str], sentence_start: int) -> bool:
    """Whether a quote that closes here is followed by its attribution ("…”他低声说。")."""
    if not any(q in match.group() for q in _CLOSE_QUOTES) or "\n" in match.group():
        return False
    rest = text[match.end():match.end() + ATTRIBUTION_REACH + 2]
    found = _CLAUSE_END.search(rest)
    if found is None or not _SPEECH.search(rest[:found.start()]):
        return False
    # The attribution ends the sentence ("他低声说。") or introduces the next part of the
    # quote ("小王神秘地说，“…"); "他认为，AI…" starts a sentence of its own.
    after = rest[found.start():found.start() + 2]
    if after[0] in "。！？!?":
        return True
    # A quote its sentence already introduced ("朋友问我：“有那么好听吗？”") is answered,
    # not attributed, by a next speaker's "我笑着说：“…”".
    return after[-1:] in _OPEN_QUOTES and not _introduced(text, sentence_start, match.start())


def _introduced(text: str, sentence_start: int, quote_end: int) -> bool:
    """Whether the quote that closes at ``quote_end`` opened after a colon."""
    opened = max(text.rfind(q, sentence_start, quote_end) for q in _OPEN_QUOTES)
    return opened > sentence_start and text[opened - 1] in "：:"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each sentence of ``text`` (see the module's rules)."""
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        mark = match.group()
        if mark.startswith(".") and not mark.startswith("..") and "\n" not in mark \
                and _keeps_going(text, match.start() + 1, start):
            continue
        if mark[0] in "。！？…" and (_inside_quote(text, match, start)
                                    or _attributed(text, match, start)):
            continue
        spans.append((start, match.end()))
        start = match.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
