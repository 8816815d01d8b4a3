"""Finding personal data in texts: patterns, Presidio's recognizers and name finders, merged.

:func:`find_pii` decides each text's language (``lang="auto"``: Chinese characters
→ Chinese rules), runs the recognizers of the wanted types and keeps the surest
non-overlapping spans above ``min_score``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence

from lepton_ai.errors import E, LeptonError
from lepton_ai.privacy.patterns import BY_LANGUAGE, COMMON, PatternRecognizer
from lepton_ai.privacy.presidio_patterns import PRESIDIO_TYPES, presidio_spans
from lepton_ai.privacy.spans import PiiSpan, matching_form, without_overlaps
from lepton_ai.text.lang import group_by_language

#: Tagger labels → the entity types redaction reports.
NER_TYPES = {"PERSON": "PERSON", "PER": "PERSON", "LOC": "LOCATION", "GPE": "LOCATION",
             "FAC": "LOCATION", "ORG": "ORGANIZATION"}
#: Types that a named-entity tagger finds (see :mod:`lepton_ai.tasks.named_pii`).
NAMED_TYPES = frozenset(NER_TYPES.values())
#: Finds names in texts of one language: (texts, lang, wanted types) → spans per text.
NameFinder = Callable[[Sequence[str], str, frozenset[str]], list[list[PiiSpan]]]
#: Every type redaction knows.
KNOWN_TYPES = frozenset(
    {recognizer.type for recognizer in COMMON}
    | {recognizer.type for group in BY_LANGUAGE.values() for recognizer in group}
    | NAMED_TYPES | PRESIDIO_TYPES)
#: Types found unless ``types`` says otherwise: organisations are left out (a company
#: name is rarely personal, and taggers over-find them), as Presidio does.
DEFAULT_TYPES = KNOWN_TYPES - {"ORGANIZATION"}
#: Types that need no model: fast enough for every logged line.
PATTERN_TYPES = KNOWN_TYPES - NAMED_TYPES - PRESIDIO_TYPES


def wanted_types(types: Iterable[str] | None) -> frozenset[str]:
    """The types to find: ``types`` checked against :data:`KNOWN_TYPES` (LAI-E1301
    names the closest known type), or :data:`DEFAULT_TYPES`."""
    if types is None:
        return DEFAULT_TYPES
    chosen = frozenset(name.strip().upper() for name in types if name.strip())
    unknown = sorted(chosen - KNOWN_TYPES)
    if unknown or not chosen:
        name = unknown[0] if unknown else ""
        close = difflib.get_close_matches(name, sorted(KNOWN_TYPES), n=1)
        raise LeptonError(E.E1301, name=name or "(none)",
                          hint=f" Did you mean {close[0]}?" if close else "",
                          known=", ".join(sorted(KNOWN_TYPES)))
    return chosen


def find_pii(texts: Sequence[str], *, lang: str = "auto", types: frozenset[str] = PATTERN_TYPES,
             min_score: float = 0.5, names: NameFinder | None = None) -> list[list[PiiSpan]]:
    """The personal data of each text, in text order, without overlaps.

    ``names`` finds the :data:`NAMED_TYPES` (``lai.redact`` passes the taggers);
    without it, only patterns and Presidio's recognizers run.
    """
    found: list[list[PiiSpan]] = [[] for _ in texts]
    for language, positions in group_by_language(texts, lang).items():
        recognizers = [r for r in (*COMMON, *BY_LANGUAGE[language]) if r.type in types]
        chosen = [texts[i] for i in positions]
        tagged_names = (names(chosen, language, types) if names is not None
                        else [[] for _ in chosen])
        for position, tagged in zip(positions, tagged_names, strict=True):
            found[position] = tagged + _pattern_spans(texts[position], recognizers)
            if language == "en":
                found[position] += presidio_spans(texts[position], types)
    return [without_overlaps(span for span in spans if span.score >= min_score)
            for spans in found]


def _pattern_spans(text: str, recognizers: Sequence[PatternRecognizer]) -> list[PiiSpan]:
    folded = matching_form(text)
    return [span for recognizer in recognizers for span in recognizer.find(folded)]
