"""A collection of documents for a report: read from a monitor's database (analysis
already stored) or from a file (analysed here, in batches, with a progress bar).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from lepton_ai.errors import E, LeptonError

#: Documents analysed together when a report reads a plain file.
ANALYSIS_BATCH = 256
#: Entity types a leaderboard ranks: names, not dates, amounts or percentages.
NAMED_TYPES = frozenset({"PERSON", "PER", "ORG", "GPE", "LOC", "PRODUCT", "NORP", "FAC",
                         "EVENT", "WORK_OF_ART"})


@dataclass(frozen=True)
class CollectedDocument:
    """One document as a report sees it."""

    time: datetime
    text: str
    source: str
    sentiment: str
    polarity: float
    keys: tuple[str, ...] = ()
    topic: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass
class Collection:
    """The documents of a report, and what they are grouped by."""

    documents: list[CollectedDocument]
    by: str
    origin: str
    notes: list[str] = field(default_factory=list)


def from_monitor(config_path: Path, by: str = "entity") -> Collection:
    """The stored documents of the monitor a config describes (reposts left out)."""
    from lepton_ai.solutions.monitor.configuration import load_config
    from lepton_ai.solutions.monitor.store import MonitorStore

    config = load_config(config_path)
    store = MonitorStore(config.database_url(config_path.resolve().parent), config.name)
    try:
        keys = store.keys_by_document(by)
        documents = [CollectedDocument(
            time=row["time"], text=row["text"], source=row["source"] or "",
            sentiment=row["sentiment"] or "neutral", polarity=float(row["polarity"]),
            keys=tuple(keys.get(row["id"], ())), topic=row["topic"],
            keywords=tuple(json.loads(row["keywords"] or "[]")))
            for row in store.originals()]
    finally:
        store.close()
    return Collection(documents, by, f"monitor {config.name} ({store.url.split('://')[0]})")


def from_file(path: Path, by: str = "entity", *, text_column: str = "text",
              time_column: str = "time", source_column: str = "source",
              time_format: str = "iso",
              progress: Callable[[int, int], None] | None = None) -> Collection:
    """A CSV/JSONL/Parquet file's documents, analysed here: sentiment, and entities
    when grouping by entity. Rows without text or a readable time are left out and
    counted in the collection's notes."""
    from lepton_ai.data.tables import read_rows
    from lepton_ai.solutions.monitor.documents import TimeParser

    rows = read_rows(path)
    if rows and text_column not in rows[0]:
        raise LeptonError(E.E1104, source=path, column=text_column,
                          found=", ".join(rows[0]) or "none", role="text")
    parse = TimeParser(time_format, "UTC")
    kept: list[tuple[datetime, str, str]] = []
    skipped = 0
    for row in rows:
        text = str(row.get(text_column) or "").strip()
        try:
            when = parse(row.get(time_column))
        except (ValueError, TypeError, OverflowError, OSError):
            when = None
        if not text or when is None:
            skipped += 1
            continue
        kept.append((when, text, str(row.get(source_column) or "")))
    kept.sort(key=lambda item: item[0])
    documents = _analysed(kept, by, progress)
    notes = [f"{skipped:,} row(s) without text or a readable time ({time_column!r}, "
             f"{parse.expected}) were left out."] if skipped else []
    return Collection(documents, by, str(path), notes)


def _analysed(kept: Sequence[tuple[datetime, str, str]], by: str,
              progress: Callable[[int, int], None] | None) -> list[CollectedDocument]:
    from lepton_ai.tasks.analyze import analyze

    tasks = ["sentiment", "ner"] if by == "entity" else ["sentiment"]
    documents = []
    for start in range(0, len(kept), ANALYSIS_BATCH):
        part = kept[start:start + ANALYSIS_BATCH]
        for (when, text, source), found in zip(part, analyze([t for _, t, _ in part], tasks),
                                               strict=True):
            sentiment = found.sentiment
            entities = tuple(dict.fromkeys(e.text for e in found.entities or []
                                           if e.label in NAMED_TYPES))
            keys = {"entity": entities, "source": (source or "-",)}.get(by, ())
            documents.append(CollectedDocument(
                when, text, source, sentiment.label if sentiment else "neutral",
                float(sentiment.polarity) if sentiment else 0.0, keys))
        if progress is not None:
            progress(min(start + ANALYSIS_BATCH, len(kept)), len(kept))
    return documents
