"""What replaces the personal data found: masks, placeholders, keyed hashes or pseudonyms.

Each mode is an :class:`Operator` with one method. Pseudonyms are consistent: the
same person is "[PERSON_1]" in every text of a call, and in every call that uses
the same vault (:class:`~lepton_ai.privacy.vault.PseudonymVault`), which is also
what makes them reversible (:func:`restore_text`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from lepton_ai.privacy.pseudonyms import PseudonymTable
from lepton_ai.privacy.spans import PiiSpan
from lepton_ai.privacy.vault import PseudonymVault

Mode = Literal["replace", "mask", "hash", "pseudonymize"]
PSEUDONYM = re.compile(r"\[[A-Z][A-Z_]*_\d+\]")
#: Hex characters of the keyed hash kept in a hashed placeholder (48 bits).
HASH_CHARS = 12


@dataclass(frozen=True)
class PiiEntity:
    """Personal data found in one text: ``original_text[start:end]`` (offsets in the
    text you gave), its type, how sure, which recognizer, and what replaced it."""

    type: str
    start: int
    end: int
    score: float
    source: str
    replacement: str


@dataclass(frozen=True)
class Redaction:
    """One text with its personal data replaced, and what was replaced."""

    text: str
    entities: list[PiiEntity]


class Operator(Protocol):
    """Gives the replacement of one found span."""

    def replacement(self, entity_type: str, original: str) -> str: ...


class Placeholder:
    """``[PERSON]``, ``[PHONE_NUMBER]``: the type only."""

    def replacement(self, entity_type: str, original: str) -> str:
        return f"[{entity_type}]"


class Mask:
    """Every letter and digit becomes ``*``; spaces and punctuation stay, so the
    layout (and a card's grouping) is kept."""

    def replacement(self, entity_type: str, original: str) -> str:
        return "".join("*" if char.isalnum() else char for char in original)


class KeyedHash:
    """``[PHONE_NUMBER:3f2a9c1e07b4]``: HMAC-SHA256 under a key, so equal values link
    across texts while a phone number cannot be recovered by hashing every number.
    Without a key, a random one per call: links within the call only."""

    def __init__(self, key: str | None) -> None:
        self._key = key.encode("utf-8") if key else os.urandom(32)

    def replacement(self, entity_type: str, original: str) -> str:
        digest = hmac.new(self._key, f"{entity_type}\0{original}".encode(), hashlib.sha256)
        return f"[{entity_type}:{digest.hexdigest()[:HASH_CHARS]}]"


class Pseudonyms:
    """``[PERSON_1]``, numbered per type: from the vault's table when there is a vault,
    else from a table of this call."""

    def __init__(self, vault: PseudonymVault | None) -> None:
        self.table = vault.table if vault is not None else PseudonymTable()

    def replacement(self, entity_type: str, original: str) -> str:
        return self.table.pseudonym(entity_type, original)


def operator_for(mode: Mode, key: str | None, vault: PseudonymVault | None) -> Operator:
    """The operator of a redaction mode."""
    if mode == "mask":
        return Mask()
    if mode == "hash":
        return KeyedHash(key)
    if mode == "pseudonymize":
        return Pseudonyms(vault)
    return Placeholder()


def apply_redaction(text: str, spans: Sequence[PiiSpan], operator: Operator) -> Redaction:
    """``text`` with each span replaced by the operator's replacement."""
    pieces, entities, cursor = [], [], 0
    for span in spans:
        replacement = operator.replacement(span.type, text[span.start:span.end])
        pieces += [text[cursor:span.start], replacement]
        entities.append(PiiEntity(span.type, span.start, span.end, round(span.score, 4),
                                  span.source, replacement))
        cursor = span.end
    pieces.append(text[cursor:])
    return Redaction("".join(pieces), entities)


def restore_text(text: str, vault: PseudonymVault) -> str:
    """``text`` with every pseudonym the vault knows put back to its original."""
    return PSEUDONYM.sub(lambda m: vault.originals.get(m.group(), m.group()), text)
