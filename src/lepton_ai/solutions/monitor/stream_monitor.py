"""A running monitor: documents in → near-duplicates set aside → analysis → stored →
counted per key → rules → alerts out.

    monitor = Monitor.from_file("monitor.yaml")
    monitor.run()                      # reads the configured input to its end (or follows it)
    monitor.ingest(documents)          # or hand batches in (the HTTP route does)

Every step works on batches; :meth:`Monitor.ingest` is the one place a batch goes
through, whatever its source.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from lepton_ai.settings import settings
from lepton_ai.solutions.monitor.alerts import Alert, AlertEngine, Mention, add_summaries
from lepton_ai.solutions.monitor.analysis import DocumentAnalysis, DocumentAnalyzer, WatchList
from lepton_ai.solutions.monitor.channels import Dispatcher
from lepton_ai.solutions.monitor.configuration import MonitorConfig, load_config
from lepton_ai.solutions.monitor.dedup import NearDuplicates
from lepton_ai.solutions.monitor.documents import Document, DocumentReader, RowReader
from lepton_ai.solutions.monitor.store import MonitorStore
from lepton_ai.tasks.redact import redact_for_storage

log = logging.getLogger("lepton_ai.monitor")
#: How often the retention is applied (wall-clock seconds).
PRUNE_EVERY_SECONDS = 3600.0


@dataclass
class IngestStats:
    """What a monitor has done since it started."""

    documents: int = 0
    reposts: int = 0
    alerts: int = 0
    skipped_rows: int = 0
    pruned: int = 0
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        """Plain numbers for the CLI and the HTTP route."""
        rate = self.documents / self.seconds if self.seconds else 0.0
        return {"documents": self.documents, "reposts": self.reposts, "alerts": self.alerts,
                "skipped_rows": self.skipped_rows, "pruned": self.pruned,
                "seconds": round(self.seconds, 3), "documents_per_second": round(rate, 1)}


class Monitor:
    """One configured monitor.

    Args:
        config: the checked configuration.
        folder: where relative paths (input, the default SQLite file) are resolved.
        analyzer: what analyses a batch of texts (default: the configured analysis).
        on_alert: also called with each alert (after it is stored and queued for the
            channels); benchmarks and tests listen here.
    """

    def __init__(self, config: MonitorConfig, folder: Path = Path("."), *,
                 analyzer: Callable[[Sequence[str]], list[DocumentAnalysis]] | None = None,
                 on_alert: Callable[[Alert], None] | None = None,
                 summarize_alerts: bool = True) -> None:
        self.config = config
        self.folder = folder
        watch = WatchList(config.watch, cashtags=config.cashtags)
        self.analyzer = analyzer or DocumentAnalyzer(config.analysis, watch, folder)
        self.store = MonitorStore(config.database_url(folder), config.name,
                                  buffer_limit=config.buffer_limit)
        self.engine = AlertEngine(config.name, config.rules)
        self.reposts = NearDuplicates(config.dedup.threshold,
                                      timedelta(hours=config.dedup.horizon_hours)
                                      ) if config.dedup.enabled else None
        self.dispatcher = Dispatcher(list(config.channels))
        self.on_alert = on_alert
        self.summarize_alerts = summarize_alerts
        self.stats = IngestStats()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._refilled = False
        self._pruned_at = -PRUNE_EVERY_SECONDS
        self._counters = _prometheus_counters()

    @classmethod
    def from_file(cls, path: str | Path, **options: Any) -> Monitor:
        """A monitor from its YAML config; relative paths are read from its folder."""
        path = Path(path)
        return cls(load_config(path), path.resolve().parent, **options)

    def ingest(self, documents: Sequence[Document],
               checkpoint: tuple[str, int] | None = None) -> list[Alert]:
        """Analyse, store and count one batch; returns the alerts it raised."""
        with self._lock:
            started = time.perf_counter()
            self._refill_counts()
            fresh, reposts = self._split_reposts(documents)
            analyses = self.analyzer([d.text for d in fresh])
            rows, mentions = self._rows(fresh, analyses, reposts)
            self.store.write(rows, [_mention_row(m) for m in mentions], checkpoint)
            alerts = self.engine.observe(mentions)
            for alert in alerts:
                self._raise(alert)
            self._count(len(fresh), len(reposts), len(alerts), time.perf_counter() - started)
            self._apply_retention()
            return alerts

    def _apply_retention(self) -> None:
        """At most once an hour (wall time): delete what is older than the retention."""
        if self.config.retention_days is None:
            return
        if time.monotonic() - self._pruned_at < PRUNE_EVERY_SECONDS:
            return
        try:
            self.stats.pruned += self.store.prune(self.config.retention_days)
            self._pruned_at = time.monotonic()
        except SQLAlchemyError:
            return  # the database is away: the next batch tries again

    def ingest_rows(self, rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
        """Rows as read from JSON (the config's columns) through :meth:`ingest`: what was
        taken, set aside as reposts, skipped (and why) and which alerts it raised."""
        reader = RowReader(self.config.input)
        documents = [d for number, row in enumerate(rows, start=1)
                     if (d := reader.document(row if isinstance(row, dict) else {}, number))]
        reposts_before = self.stats.reposts
        alerts = self.ingest(documents) if documents else []
        return {"accepted": len(documents), "reposts": self.stats.reposts - reposts_before,
                "skipped": reader.skipped.total, "skipped_reasons": dict(reader.skipped.reasons),
                "skipped_examples": reader.skipped.examples,
                "alerts": [alert.payload() for alert in alerts]}

    def _refill_counts(self) -> None:
        """Once, before the first batch: count the stored history of the rules' horizon,
        so a restarted monitor compares with the same baseline as before."""
        if self._refilled or not self.config.rules:
            return
        try:
            newest = self.store.newest()
            if newest is not None:
                self.engine.count(
                    Mention(row["kind"], row["key"], row["time"], row["negative"],
                            row["polarity"], row["document"], row["text"])
                    for row in self.store.recent_mentions(newest - self.engine.horizon))
        except SQLAlchemyError:
            return  # the database is away: the next batch tries again
        self._refilled = True

    def _split_reposts(self, documents: Sequence[Document]
                       ) -> tuple[list[Document], list[tuple[Document, str]]]:
        if self.reposts is None:
            return list(documents), []
        fresh, reposts = [], []
        for document in documents:
            original = self.reposts.original_of(document.id, document.text, document.time)
            if original is None:
                fresh.append(document)
            else:
                reposts.append((document, original))
        return fresh, reposts

    def _rows(self, fresh: list[Document], analyses: list[DocumentAnalysis],
              reposts: list[tuple[Document, str]]
              ) -> tuple[list[dict[str, Any]], list[Mention]]:
        rows, mentions = [], []
        for document, analysis in zip(fresh, analyses, strict=True):
            text = self._kept_text(document.text)
            rows.append(_document_row(document, text, analysis, None))
            keys = [("entity", name) for name in analysis.watched]
            if analysis.topic:
                keys.append(("topic", analysis.topic))
            keys.append(("source", document.source or "-"))
            keys.append(("all", "*"))
            mentions.extend(Mention(kind, key, document.time, analysis.negative,
                                    analysis.polarity, document.id, text)
                            for kind, key in keys)
        for document, original in reposts:  # stored for the record, counted once
            rows.append(_document_row(document, self._kept_text(document.text),
                                      DocumentAnalysis(lang=""), original))
        return rows, mentions

    def _kept_text(self, text: str) -> str:
        if self.config.mask_personal_data or settings.privacy_mode:
            return redact_for_storage(text)
        return text

    def _raise(self, alert: Alert) -> None:
        if self.summarize_alerts:
            add_summaries(alert, self.config.lang)
        self.store.write_alert({"id": alert.id, "rule": alert.rule, "kind": alert.kind,
                                "key": alert.key, "window_start": alert.figures.window_start,
                                "fired_at": alert.fired_at, "evidence": alert.evidence()})
        self.dispatcher.send(alert)
        if self.on_alert is not None:
            self.on_alert(alert)

    def _count(self, fresh: int, reposts: int, alerts: int, seconds: float) -> None:
        self.stats.documents += fresh + reposts
        self.stats.reposts += reposts
        self.stats.alerts += alerts
        self.stats.seconds += seconds
        if self._counters is not None:
            documents, waiting = self._counters
            documents.labels(self.config.name, "no").inc(fresh)
            documents.labels(self.config.name, "yes").inc(reposts)
            waiting.labels(self.config.name).set(self.store.waiting)

    def run(self, reader: DocumentReader | None = None,
            progress: Callable[[IngestStats], None] | None = None) -> IngestStats:
        """Read the configured input (from its stored checkpoint) until it ends, or
        while following it, until :meth:`stop`."""
        if reader is None:
            reader = self.reader()
        for batch in reader.batches(self._stop.is_set):
            checkpoint = (reader.source_name, batch.offset) if batch.offset is not None else None
            self.ingest(batch.documents, checkpoint)
            self.stats.skipped_rows = reader.skipped.total
            if progress is not None:
                progress(self.stats)
        self.stats.skipped_rows = reader.skipped.total  # rows skipped after the last batch
        return self.stats

    def reader(self) -> DocumentReader:
        """The configured input, continuing from its stored checkpoint."""
        reader = DocumentReader(self.config.input, self.folder,
                                batch_rows=self.config.analysis.batch_size)
        if reader.path is not None:  # standard input has no offsets
            reader.start_offset = self.store.checkpoint(reader.source_name)
        return reader

    def stop(self) -> None:
        """Ask :meth:`run` to finish after the current batch."""
        self._stop.set()

    def close(self) -> None:
        """Send queued alerts, write what waits and close the database."""
        self.dispatcher.close()
        self.store.close()


def _prometheus_counters() -> tuple[Any, Any] | None:
    """The documents counter and waiting gauge, or None without prometheus-client (part
    of the serve extra)."""
    try:
        from lepton_ai.solutions.monitor.counters import DOCUMENTS_TOTAL, WAITING
    except ImportError:
        return None
    return DOCUMENTS_TOTAL, WAITING


def _document_row(document: Document, text: str, analysis: DocumentAnalysis,
                  duplicate_of: str | None) -> dict[str, Any]:
    return {"id": document.id, "time": document.time, "source": document.source,
            "lang": analysis.lang or None, "text": text, "sentiment": analysis.sentiment,
            "polarity": analysis.polarity, "topic": analysis.topic,
            "duplicate_of": duplicate_of,
            "entities": json.dumps(analysis.entities, ensure_ascii=False),
            "keywords": json.dumps(analysis.keywords, ensure_ascii=False),
            "fields": json.dumps(document.fields, ensure_ascii=False, default=str)}


def _mention_row(mention: Mention) -> dict[str, Any]:
    return {"document": mention.document, "kind": mention.kind, "key": mention.key,
            "time": mention.time, "negative": mention.negative, "polarity": mention.polarity}
