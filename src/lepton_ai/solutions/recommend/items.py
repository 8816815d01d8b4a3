"""Items and what users did with them, read from tables.

Items: an id column and one or more text columns (joined with ". "), CSV, TSV,
JSONL, JSON or Parquet. Interactions: user, item and (optional) time columns; rows
naming items the catalogue lacks are left out and reported (LAI-W1202).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError, W, warn


@dataclass(frozen=True)
class Catalog:
    """Item ids, their texts and attributes (for business filters: category,
    availability...), in a fixed order (an item's row in every array)."""

    ids: list[str]
    texts: list[str]
    attributes: list[dict[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids)


def read_catalog(path: str | Path, text_columns: Sequence[str], id_column: str = "id",
                 attribute_columns: Sequence[str] = ()) -> Catalog:
    """The items of a table; duplicate ids are LAI-E1201, items without text LAI-W1201.
    ``attribute_columns`` are kept per item as text (see :func:`attribute_value`)."""
    from lepton_ai.data.tables import read_rows, require_column

    path = Path(path)
    rows = read_rows(path)
    for column in (id_column, *text_columns, *attribute_columns) if rows else ():
        require_column(column, list(rows[0]), path)
    ids = [str(row[id_column]).strip() for row in rows]
    repeated = [item for item, count in Counter(ids).items() if count > 1]
    if repeated:
        raise LeptonError(E.E1201, path=path, count=len(repeated), example=repeated[0])
    texts = [". ".join(str(row[c]).strip() for c in text_columns
                       if row.get(c) not in (None, "") and str(row[c]).strip())
             for row in rows]
    empty = [item for item, text in zip(ids, texts, strict=True) if not text]
    if empty:
        warn(W.W1201, count=len(empty), path=path, example=empty[0])
    attributes = [{c: attribute_value(row.get(c)) for c in attribute_columns} for row in rows]
    return Catalog(ids, texts, attributes)


def attribute_value(value: Any) -> str:
    """How attribute values compare: trimmed, lower-case text; booleans and their
    spellings ("yes", "True") as "true"/"false"; missing as ""."""
    if value is None:
        return ""
    text = str(value).strip().lower()
    if text in ("true", "yes"):
        return "true"
    if text in ("false", "no"):
        return "false"
    return text


@dataclass(frozen=True)
class Event:
    """One thing a user did with an item (time in any sortable form; "" when unknown)."""

    user: str
    item: str
    time: str = ""


def read_events(path: str | Path, catalog: Catalog, *, user: str = "user",
                item: str = "item", time: str | None = "time") -> list[Event]:
    """Interactions of a table, oldest first per user (by ``time`` when given)."""
    from lepton_ai.data.tables import read_rows, require_column

    path = Path(path)
    rows = read_rows(path)
    for column in (user, item) if rows else ():
        require_column(column, list(rows[0]), path)
    known = set(catalog.ids)
    events, unknown = [], []
    for row in rows:
        event = Event(str(row[user]), str(row[item]),
                      str(row.get(time) or "") if time else "")
        if event.item in known:
            events.append(event)
        else:
            unknown.append(event.item)
    if unknown:
        warn(W.W1202, count=len(unknown), example=unknown[0])
    return sorted(events, key=lambda e: (e.user, e.time)) if time else events
