"""Personal data: finding it (EN + ZH) and replacing it before anything is stored.

- :mod:`~lepton_ai.privacy.patterns` — numbers and addresses by pattern and checksum.
- :mod:`~lepton_ai.privacy.presidio_patterns` — Presidio's recognizers for other
  national identifiers (English).
- :mod:`~lepton_ai.privacy.finder` — all of them, merged without overlaps.
- :mod:`~lepton_ai.privacy.redactor` — masks, placeholders, keyed hashes, pseudonyms.
- :mod:`~lepton_ai.privacy.vault` — the encrypted table that makes pseudonyms reversible.

``lai.redact`` (:mod:`lepton_ai.tasks.redact`) is the public entry point; it adds
names and places found by the taggers (:mod:`lepton_ai.tasks.named_pii`).
:func:`mask_personal_data` is the fast one, patterns only, that logs and stores call
on every line.
"""

from __future__ import annotations

from lepton_ai.privacy.finder import find_pii
from lepton_ai.privacy.redactor import Placeholder, apply_redaction


def mask_personal_data(text: str) -> str:
    """``text`` with e-mails, phone, ID, card and account numbers and street addresses
    replaced by their type (``[PHONE_NUMBER]``). No model runs: names stay
    (``lai.redact`` finds them).

    >>> mask_personal_data("Call +44 20 7946 0958 or write to ann@example.com")
    'Call [PHONE_NUMBER] or write to [EMAIL_ADDRESS]'
    >>> mask_personal_data("Card 4111 1111 1111 1111, order 1234567890123456")
    'Card [CREDIT_CARD], order 1234567890123456'
    """
    if not text:
        return text
    spans = find_pii([text])[0]
    return apply_redaction(text, spans, Placeholder()).text if spans else text
