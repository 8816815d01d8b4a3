"""Pseudonyms numbered per type: the same value of the same type gets the same one."""

from __future__ import annotations

from collections.abc import Mapping


class PseudonymTable:
    """``[PERSON_1]``, ``[PERSON_2]``, … and the originals they stand for.

    Held in memory for one call, or inside a :class:`~lepton_ai.privacy.vault.PseudonymVault`
    that keeps it across calls.
    """

    def __init__(self, originals: Mapping[str, str] | None = None) -> None:
        self.originals: dict[str, str] = {}
        self._pseudonyms: dict[tuple[str, str], str] = {}
        self._last: dict[str, int] = {}
        for pseudonym, original in (originals or {}).items():
            kind, _, number = pseudonym[1:-1].rpartition("_")
            self._remember(kind, original, pseudonym)
            self._last[kind] = max(self._last.get(kind, 0), int(number))

    def pseudonym(self, entity_type: str, original: str) -> str:
        """The pseudonym of ``original``: the one it already has, or the next number."""
        found = self._pseudonyms.get((entity_type, original))
        if found is None:
            self._last[entity_type] = self._last.get(entity_type, 0) + 1
            found = f"[{entity_type}_{self._last[entity_type]}]"
            self._remember(entity_type, original, found)
        return found

    def _remember(self, entity_type: str, original: str, pseudonym: str) -> None:
        self._pseudonyms[(entity_type, original)] = pseudonym
        self.originals[pseudonym] = original
