"""What extraction finds: field values and the relations between them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldValue:
    """One value: ``text[start:end]``, the sentence that holds it, how sure, and for a
    scanned document its page and box."""

    value: str
    start: int
    end: int
    confidence: float
    evidence: str
    page: int | None = None
    box: tuple[float, float, float, float] | None = None
    #: With the field's ``normalize``: an ISO date ("2023-09-18", "2023-09", "2023") or
    #: ``{"amount", "currency"}``; None when the value does not read as one.
    normalized: Any = None


@dataclass(frozen=True)
class RelationValue:
    """A head field's value related to a tail field's value: the relation's name and
    how sure (a classifier's score, or for the nearest-value rule the lower of the two
    values' confidences)."""

    head: FieldValue
    tail: FieldValue
    relation: str
    score: float

