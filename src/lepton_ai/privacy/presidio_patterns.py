"""Presidio's pattern recognizers for the identifiers we do not write ourselves.

Presidio (MIT) knows many national formats: US bank, driver-licence, ITIN and
passport numbers, UK NHS numbers, crypto wallets, MAC addresses, medical licences.
They run here without Presidio's analyzer engine: its default configuration
downloads a large spaCy model and its e-mail check fetches a domain list, neither
of which works offline, and its name recognizer is weaker than our tagger. Its
context rule is kept in a simpler form: a context word of the recognizer within
:data:`CONTEXT_CHARS` before a match raises its score by Presidio's 0.35.
"""

from __future__ import annotations

import functools
from typing import Any

from lepton_ai.dependencies import require
from lepton_ai.privacy.spans import PiiSpan

REQUIREMENT = "presidio-analyzer==2.2.366"
#: Presidio recognizer class → the entity type it reports.
RECOGNIZERS = {
    "UsBankRecognizer": "US_BANK_NUMBER", "UsLicenseRecognizer": "US_DRIVER_LICENSE",
    "UsItinRecognizer": "US_ITIN", "UsPassportRecognizer": "US_PASSPORT",
    "NhsRecognizer": "UK_NHS", "CryptoRecognizer": "CRYPTO",
    "MacAddressRecognizer": "MAC_ADDRESS", "MedicalLicenseRecognizer": "MEDICAL_LICENSE",
}
PRESIDIO_TYPES = frozenset(RECOGNIZERS.values())
CONTEXT_CHARS = 40
CONTEXT_BOOST = 0.35
#: The least score of a match with context (Presidio's min_score_with_context_similarity
#: is 0.4; ours sits above the default threshold so context can carry a weak pattern).
SCORE_WITH_CONTEXT = 0.6


@functools.cache
def _recognizers() -> tuple[Any, ...]:
    require("presidio_analyzer", "English identifiers through Presidio", REQUIREMENT)
    from presidio_analyzer import predefined_recognizers

    return tuple(getattr(predefined_recognizers, name)() for name in RECOGNIZERS)


def presidio_spans(text: str, wanted: frozenset[str]) -> list[PiiSpan]:
    """What Presidio's pattern recognizers of the ``wanted`` types find in ``text``."""
    if not wanted & PRESIDIO_TYPES:
        return []
    spans = []
    for recognizer in _recognizers():
        entity = RECOGNIZERS[type(recognizer).__name__]
        if entity not in wanted:
            continue
        for result in recognizer.analyze(text, [entity], None):
            score = float(result.score)
            before = text[max(0, result.start - CONTEXT_CHARS):result.start].lower()
            if any(word.lower() in before for word in recognizer.context or ()):
                score = min(1.0, max(score + CONTEXT_BOOST, SCORE_WITH_CONTEXT))
            spans.append(PiiSpan(entity, result.start, result.end, score, "presidio"))
    return spans
