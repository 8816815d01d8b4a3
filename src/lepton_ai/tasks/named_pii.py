"""Names, places and organisations, found by the named-entity taggers of ``lai.ner``.

The shipped English tagger finds 88% of the names in Presidio's synthetic PII set
where spaCy's small model finds 64% (docs/benchmarks.md), so it, not Presidio's
spaCy recognizer, finds them here. In Chinese the character tagger misses names
that jieba's dictionary of surnames and name characters finds (75% and 92% on the
project's generated set), so names are the union of both, the tagger's preferred;
both also tag some common nouns as names (银行卡), so a Chinese name must start with a
common surname (:mod:`lepton_ai.text.zh_names`). English names inside Chinese text
("客户Ann Lee来电") go to the English tagger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lepton_ai.privacy.finder import NAMED_TYPES, NER_TYPES
from lepton_ai.privacy.spans import PiiSpan
from lepton_ai.tasks.ner import ner
from lepton_ai.text.zh_names import plausible_chinese_name

#: The score of a tagged name when the tagger gives none (the Chinese CRF).
UNSCORED = 0.8
#: Tagged names never outrank a checksum-validated number they overlap.
MOST = 0.85
#: The score of a Chinese name found by jieba alone.
JIEBA_NAME = 0.6
#: Runs of two or more capitalised Latin words in a Chinese text ("客户Ann Lee来电"):
#: the English tagger reads them, as the Chinese taggers do not.
LATIN_NAMES = re.compile(r"[A-Z][a-z]+\.?(?:[ '-][A-Z][a-z]*\.?)+")


def named_spans(texts: Sequence[str], lang: str, wanted: frozenset[str]) -> list[list[PiiSpan]]:
    """Tagged names, places and organisations of each text, limited to ``wanted`` types."""
    if not wanted & NAMED_TYPES:
        return [[] for _ in texts]
    found = [[PiiSpan(NER_TYPES[entity.label], entity.start, entity.end,
                      min(MOST, entity.score if entity.score is not None else UNSCORED), "ner")
              for entity in entities
              if NER_TYPES.get(entity.label) in wanted and entity.text.strip()
              and (lang != "zh" or entity.label != "PERSON"
                   or plausible_chinese_name(entity.text))]
             for entities in ner(list(texts), lang=lang)]
    if lang == "zh" and "PERSON" in wanted:
        for spans, entities in zip(found, ner(list(texts), lang="zh", model="jieba"), strict=True):
            spans += [PiiSpan("PERSON", entity.start, entity.end, JIEBA_NAME, "jieba")
                      for entity in entities
                      if entity.label == "PERSON" and plausible_chinese_name(entity.text)]
    if lang == "zh":
        _add_latin_names(texts, found, wanted)
    return found


def _add_latin_names(texts: Sequence[str], found: list[list[PiiSpan]],
                     wanted: frozenset[str]) -> None:
    """English names written inside Chinese texts, tagged by the English tagger."""
    runs = [(row, match.start(), match.group()) for row, text in enumerate(texts)
            for match in LATIN_NAMES.finditer(text)]
    if not runs:
        return
    for (row, start, _), entities in zip(runs, ner([run for _, _, run in runs], lang="en"),
                                         strict=True):
        found[row] += [PiiSpan(NER_TYPES[entity.label], start + entity.start,
                               start + entity.end,
                               min(MOST, entity.score if entity.score is not None else UNSCORED),
                               "ner")
                       for entity in entities if NER_TYPES.get(entity.label) in wanted]
