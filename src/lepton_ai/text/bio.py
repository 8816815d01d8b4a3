"""BIO tag sequences and the word/character tokenization entity tagging uses."""

from __future__ import annotations

import re
from collections.abc import Sequence

from lepton_ai.text.lang import has_cjk

#: Abbreviations kept with their period (titles, company forms, "St." in place names).
_ABBREVIATIONS = ("Mr", "Mrs", "Ms", "Dr", "Prof", "St", "Mt", "Ft", "Jr", "Sr", "Gen", "Gov",
                  "Sen", "Rep", "Lt", "Col", "Capt", "Sgt", "Rev", "Inc", "Corp", "Co", "Ltd",
                  "Bros", "Ave", "No", "vs")
_CLITIC = r"(?:[sSdDmM]|re|RE|ve|VE|ll|LL)\b"
#: Words the way news treebanks (CoNLL-2003, PTB) cut them, which is how tagged
#: training data comes: abbreviations and initials keep their period, hyphenated
#: compounds and numbers with separators stay whole, clitics ('s, n't) stand apart,
#: names such as O'Neill stay one word. Anything else: words and single symbols.
_WORD = re.compile(rf"""
    (?:[^\W\d_]\.){{2,}}                          # U.S.  U.N.  F.A.
  | (?:{"|".join(_ABBREVIATIONS)})\.(?!\w)        # Mr.  St.  Corp.
  | [^\W\d_a-z]\.(?=\s+[^\W\d_a-z])             # an initial before a name: M. Smith
  | \d+(?:[.,/:-]\d+)+                            # 3,000  5.25  1/2  1996-12-06  2-0
  | n't\b | N'T\b                                 # don't -> do + n't
  | '{_CLITIC}                                    # Germany's -> Germany + 's
  | \w+(?=n't\b|N'T\b)
  | \w+(?:'(?!{_CLITIC})\w+)*(?:-\w+(?:'(?!{_CLITIC})\w+)*)*   # Bre-X  O'Neill  Jean-Luc
  | [^\w\s]
""", re.UNICODE | re.VERBOSE)


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
