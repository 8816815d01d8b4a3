"""Your own knowledge on top of a model: entity dictionaries, aliases → ids, regex rules,
and a small knowledge graph (relation facts, and which entity types a relation joins).

    kb = lai.Knowledge.from_file("bank_terms.jsonl")
    lai.ner(texts, knowledge=kb)

A dictionary entry names an entity, its type, an optional id and aliases
(synonyms that link to the same id). A pattern entry is a regular expression
with a type. In ``lai.ner`` what the knowledge finds wins over an overlapping
model entity (the user knows their domain), and model entities whose text is a
known name or alias are linked to its id.

File format (JSON lines, or CSV with the same columns; aliases separated by ``|``)::

    {"name": "China Merchants Bank", "label": "ORG", "id": "cmb", "aliases": ["CMB", "招商银行"]}
    {"pattern": "\\\\b\\\\d{16}\\\\b", "label": "CARD_NUMBER"}
    {"head": "Steve Jobs", "relation": "founded", "tail": "Apple"}
    {"relation": "founded", "head_label": "PERSON", "tail_label": "ORG"}

In ``lai.relations(..., knowledge=kb)`` facts whose two entities (dictionary names,
aliases or ids) occur in a text are reported with score 1.0, and a relation that has
type rules is kept only between entities of those types.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.tasks.entity import Entity


@dataclass(frozen=True)
class Term:
    """One surface form of a known entity."""

    text: str
    label: str
    id: str | None


class Knowledge:
    """Entity dictionaries (with aliases and ids) and regex rules, matched in text."""

    def __init__(
        self, entries: Iterable[Mapping[str, Any]] = (), *, case_sensitive: bool = False
    ) -> None:
        self.case_sensitive = case_sensitive
        self.terms: dict[str, Term] = {}
        self.patterns: list[tuple[re.Pattern[str], str]] = []
        self.facts: set[tuple[str, str, str]] = set()
        self.signatures: dict[str, set[tuple[str, str]]] = {}
        self._matcher: re.Pattern[str] | None = None
        self._resolved: set[tuple[str, str, str]] | None = None
        for number, entry in enumerate(entries, start=1):
            self.add(entry, where=f"entry {number}")

    @classmethod
    def from_file(cls, path: str | Path, *, case_sensitive: bool = False) -> Knowledge:
        """Read a JSONL / JSON / CSV / Parquet file of entries (see the module docstring)."""
        from lepton_ai.data.tables import read_rows

        return cls(read_rows(path), case_sensitive=case_sensitive)

    def add(self, entry: Mapping[str, Any], where: str = "entry") -> None:
        """Add one dictionary entry (``name``), rule (``pattern``) or relation fact/rule."""
        if str(entry.get("relation") or "").strip():
            self._add_relation(entry, where)
            return
        label = str(entry.get("label") or "").strip()
        if not label:
            raise LeptonError(E.E718, where=where, why="it has no 'label'")
        if entry.get("pattern"):
            try:
                flags = 0 if self.case_sensitive else re.IGNORECASE
                self.patterns.append((re.compile(str(entry["pattern"]), flags), label))
            except re.error as error:
                raise LeptonError(E.E718, where=where,
                                  why=f"its pattern does not compile ({error})") from error
            return
        name = str(entry.get("name") or "").strip()
        if not name:
            raise LeptonError(E.E718, where=where, why="it has neither 'name' nor 'pattern'")
        identifier = str(entry["id"]) if entry.get("id") not in (None, "") else name
        aliases = entry.get("aliases") or []
        if isinstance(aliases, str):
            aliases = aliases.split("|")
        for surface in [name, *aliases]:
            surface = str(surface).strip()
            if surface:
                self.terms[self._key(surface)] = Term(surface, label, identifier)
        self._matcher = self._resolved = None

    def _add_relation(self, entry: Mapping[str, Any], where: str) -> None:
        relation = str(entry["relation"]).strip()
        head, tail = (str(entry.get(k) or "").strip() for k in ("head", "tail"))
        head_label, tail_label = (str(entry.get(k) or "").strip()
                                  for k in ("head_label", "tail_label"))
        if head and tail:
            self.facts.add((head, relation, tail))
            self._resolved = None
        elif head_label and tail_label:
            self.signatures.setdefault(relation, set()).add((head_label, tail_label))
        else:
            raise LeptonError(E.E718, where=where, why=f"relation {relation!r} needs head and "
                              "tail (a fact) or head_label and tail_label (a type rule)")

    def _id_of(self, name: str) -> str:
        """The id of a dictionary name or alias; anything else is taken as an id."""
        term = self.terms.get(self._key(name))
        return term.id if term is not None and term.id is not None else name

    def allows(self, relation: str, head_label: str | None, tail_label: str | None) -> bool:
        """Whether type rules let ``relation`` hold between these entity types.

        Relations without rules are always allowed; with rules, both types must be
        known and match one of them.
        """
        allowed = self.signatures.get(relation)
        return allowed is None or (head_label, tail_label) in allowed

    def facts_in(self, text: str) -> list[tuple[Entity, str, Entity]]:
        """Known facts (head, relation, tail) whose two entities are both in ``text``."""
        if self._resolved is None:  # names resolve to ids once, not per text
            self._resolved = {(self._id_of(h), r, self._id_of(t)) for h, r, t in self.facts}
        facts = self._resolved
        found = [e for e in self.find(text) if e.id is not None]
        return [(head, relation, tail) for head in found for tail in found if head is not tail
                for relation in sorted({r for h, r, t in facts
                                        if h == head.id and t == tail.id})]

    def __len__(self) -> int:
        return len(self.terms) + len(self.patterns) + len(self.facts) + sum(
            len(s) for s in self.signatures.values())

    def _key(self, text: str) -> str:
        return text if self.case_sensitive else text.casefold()

    def link(self, entity: Entity) -> Entity:
        """``entity`` with the id of the known name or alias it spells, if any."""
        term = self.terms.get(self._key(entity.text))
        return replace(entity, id=term.id) if term is not None else entity

    def find(self, text: str) -> list[Entity]:
        """Every dictionary term and pattern match in ``text``, longest first on overlap."""
        found = []
        matcher = self._compiled()
        if matcher is not None:
            for match in matcher.finditer(text):
                term = self.terms[self._key(match.group())]
                found.append(Entity(match.group(), term.label, match.start(), match.end(),
                                    id=term.id))
        for pattern, label in self.patterns:
            found.extend(Entity(m.group(), label, m.start(), m.end())
                         for m in pattern.finditer(text) if m.end() > m.start())
        return _without_overlaps(found)

    def apply(self, text: str, entities: Sequence[Entity]) -> list[Entity]:
        """Model ``entities`` merged with the knowledge's matches; the knowledge wins."""
        known = self.find(text)
        kept = [self.link(e) for e in entities
                if not any(e.start < k.end and k.start < e.end for k in known)]
        return sorted([*known, *kept], key=lambda e: (e.start, e.end))

    def _compiled(self) -> re.Pattern[str] | None:
        if self._matcher is None and self.terms:
            # Longest alternatives first, so "Bank of China Ltd" beats "Bank of China".
            surfaces = sorted((t.text for t in self.terms.values()), key=len, reverse=True)
            self._matcher = re.compile(
                _word_bounded(surfaces), 0 if self.case_sensitive else re.IGNORECASE)
        return self._matcher


def _word_bounded(surfaces: list[str]) -> str:
    """Alternation of ``surfaces``; those ending/starting in a Latin letter or digit get
    word boundaries there, Chinese ones match anywhere."""
    parts = []
    for surface in surfaces:
        piece = re.escape(surface)
        if surface[0].isascii() and surface[0].isalnum():
            piece = r"(?<![A-Za-z0-9])" + piece
        if surface[-1].isascii() and surface[-1].isalnum():
            piece = piece + r"(?![A-Za-z0-9])"
        parts.append(piece)
    return "|".join(parts)


def _without_overlaps(entities: list[Entity]) -> list[Entity]:
    chosen: list[Entity] = []
    for entity in sorted(entities, key=lambda e: (-(e.end - e.start), e.start)):
        if not any(entity.start < c.end and c.start < entity.end for c in chosen):
            chosen.append(entity)
    return sorted(chosen, key=lambda e: e.start)
