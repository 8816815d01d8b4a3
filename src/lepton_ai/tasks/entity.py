"""An entity found in a text: what ``lai.ner``, taggers and your knowledge all return."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entity:
    """One entity: ``text == original[start:end]``; ``score`` is None when the
    model gives no confidence; ``id`` is set when your knowledge links it."""

    text: str
    label: str
    start: int
    end: int
    score: float | None = None
    id: str | None = None
