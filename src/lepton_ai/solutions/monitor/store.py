"""The monitor's database: documents with their analysis, one row per mention of a key
(watched entity, topic, source) for fast dashboard queries, alerts and input
checkpoints.

SQLAlchemy Core over any URL (a SQLite file by default, PostgreSQL by
``postgresql+psycopg://...``); the schema comes from Alembic migrations
(``migrations/``, version table ``lepton_monitor_version``). Writes are idempotent
(a document id seen before is skipped), so reading an input again after a crash
stores nothing twice. When the database is away, batches wait in memory and are
retried; once ``buffer_limit`` documents wait, :meth:`MonitorStore.write` blocks
(retrying with back-off) so reading pauses instead of losing documents.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    cast,
    delete,
    func,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from lepton_ai.errors import W, warn
from lepton_ai.solutions.database import insert_new, open_engine, upgrade_schema

VERSION_TABLE = "lepton_monitor_version"
#: Time buckets of timelines, by name.
BUCKETS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}
#: Longest wait between two tries while the database is away.
MAX_BACKOFF_SECONDS = 30.0

metadata = MetaData()
DOCUMENTS = Table(
    "monitor_documents", metadata,
    Column("monitor", String(200), primary_key=True),
    Column("id", String(200), primary_key=True),
    Column("time", DateTime(timezone=True), nullable=False),
    Column("source", String(200), nullable=False),
    Column("lang", String(8)),
    Column("text", Text, nullable=False),
    Column("sentiment", String(16)),
    Column("polarity", Float, nullable=False),
    Column("topic", String(200)),
    Column("duplicate_of", String(200)),
    Column("entities", Text),
    Column("keywords", Text),
    Column("fields", Text),
    Column("stored_at", DateTime(timezone=True), nullable=False),
    Index("ix_monitor_documents_time", "monitor", "time"),
)
MENTIONS = Table(
    "monitor_mentions", metadata,
    Column("monitor", String(200), primary_key=True),
    Column("document", String(200), primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("time", DateTime(timezone=True), nullable=False),
    Column("negative", Boolean, nullable=False),
    Column("polarity", Float, nullable=False),
    # Both cover their queries (index-only reads): one name over time (timelines,
    # the rules' history) and every name of a kind over a time range (leaderboards).
    Index("ix_monitor_mentions_key_time", "monitor", "kind", "key", "time", "negative",
          "polarity"),
    Index("ix_monitor_mentions_kind_time", "monitor", "kind", "time", "key", "negative"),
)
ALERTS = Table(
    "monitor_alerts", metadata,
    Column("id", String(32), primary_key=True),
    Column("monitor", String(200), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("key", String(200), nullable=False),
    Column("window_start", DateTime(timezone=True), nullable=False),
    Column("fired_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("evidence", Text, nullable=False),
    Index("ix_monitor_alerts_fired", "monitor", "fired_at"),
)
CHECKPOINTS = Table(
    "monitor_checkpoints", metadata,
    Column("monitor", String(200), primary_key=True),
    Column("input", String(500), primary_key=True),
    Column("offset", BigInteger, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Bucket:
    """Mentions of one key in one time bucket."""

    start: datetime
    volume: int
    negative: int
    mean_polarity: float

    @property
    def negative_share(self) -> float:
        """Negative mentions over all mentions (0 when there are none)."""
        return self.negative / self.volume if self.volume else 0.0


@dataclass
class _Pending:
    documents: list[dict[str, Any]]
    mentions: list[dict[str, Any]]
    checkpoint: dict[str, Any] | None


class MonitorStore:
    """Writes a monitor's documents, mentions, alerts and checkpoints; reads them back.

    Args:
        url: a SQLAlchemy database URL.
        monitor: the monitor's name (several monitors can share one database).
        buffer_limit: documents held in memory while the database is away.
    """

    def __init__(self, url: str, monitor: str, buffer_limit: int = 10_000) -> None:
        self.url = url
        self.monitor = monitor
        self.buffer_limit = buffer_limit
        self._engine: Engine = open_engine(url)
        self._pending: deque[_Pending] = deque()
        self._lock = threading.Lock()
        self._schema_ready = False
        self._warned = False

    @property
    def waiting(self) -> int:
        """Documents waiting for the database to come back."""
        return sum(len(p.documents) for p in self._pending)

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            upgrade_schema(self._engine, Path(__file__).parent / "migrations")
            self._schema_ready = True

    def write(self, documents: list[dict[str, Any]], mentions: list[dict[str, Any]],
              checkpoint: tuple[str, int] | None = None) -> bool:
        """Store a batch (and the input offset after it) in one transaction.

        Returns True when everything queued is written. While the database is away
        the batch waits; when ``buffer_limit`` documents wait this blocks, retrying
        with back-off, until the database takes them.
        """
        now = datetime.now(UTC)
        rows = [{**row, "monitor": self.monitor, "stored_at": now} for row in documents]
        marks = [{**row, "monitor": self.monitor} for row in mentions]
        mark = None if checkpoint is None else {
            "monitor": self.monitor, "input": checkpoint[0][:500], "offset": checkpoint[1],
            "updated_at": now}
        with self._lock:
            self._pending.append(_Pending(rows, marks, mark))
            written = self._flush()
            delay = 0.5
            while not written and self.waiting >= self.buffer_limit:
                time.sleep(delay)
                delay = min(delay * 2, MAX_BACKOFF_SECONDS)
                written = self._flush()
            return written

    def _flush(self) -> bool:
        try:
            self._ensure_schema()
            with self._engine.begin() as connection:
                for batch in self._pending:
                    insert_new(connection, DOCUMENTS, batch.documents)
                    insert_new(connection, MENTIONS, batch.mentions)
                    if batch.checkpoint is not None:
                        self._save_checkpoint(connection, batch.checkpoint)
            self._pending.clear()
            self._warned = False
            return True
        except SQLAlchemyError as error:
            if not self._warned:
                warn(W.W1103, url=self._engine.url.render_as_string(hide_password=True),
                     problem=type(getattr(error, "orig", None) or error).__name__,
                     pending=self.waiting, limit=self.buffer_limit)
                self._warned = True
            return False

    @staticmethod
    def _save_checkpoint(connection: Any, mark: dict[str, Any]) -> None:
        keys = (CHECKPOINTS.c.monitor == mark["monitor"]) & (CHECKPOINTS.c.input == mark["input"])
        updated = connection.execute(CHECKPOINTS.update().where(keys).values(
            offset=mark["offset"], updated_at=mark["updated_at"]))
        if not updated.rowcount:
            connection.execute(CHECKPOINTS.insert().values(**mark))

    def flush(self) -> bool:
        """Try to write what waits; True when nothing is left waiting."""
        with self._lock:
            return self._flush() if self._pending else True

    def checkpoint(self, input_name: str) -> int:
        """The stored offset of ``input_name`` (0 when it was never read)."""
        self._ensure_schema()
        query = select(CHECKPOINTS.c.offset).where(
            (CHECKPOINTS.c.monitor == self.monitor) & (CHECKPOINTS.c.input == input_name[:500]))
        with self._engine.connect() as connection:
            found = connection.execute(query).scalar()
        return int(found or 0)

    def write_alert(self, row: dict[str, Any]) -> None:
        """Store one alert (its evidence as JSON)."""
        self._ensure_schema()
        values = {**row, "monitor": self.monitor, "created_at": datetime.now(UTC),
                  "evidence": json.dumps(row["evidence"], ensure_ascii=False, default=str)}
        with self._engine.begin() as connection:
            insert_new(connection, ALERTS, [values])

    def alerts(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Stored alerts, oldest first, their evidence decoded."""
        self._ensure_schema()
        query = select(ALERTS).where(ALERTS.c.monitor == self.monitor).order_by(
            ALERTS.c.fired_at)
        if since is not None:
            query = query.where(ALERTS.c.fired_at >= since)
        with self._engine.connect() as connection:
            return [{**row._mapping, "evidence": json.loads(row.evidence),
                     "fired_at": _utc(row.fired_at), "window_start": _utc(row.window_start)}
                    for row in connection.execute(query)]

    def count(self, duplicates: bool = True) -> int:
        """Stored documents (without reposts when ``duplicates`` is False)."""
        self._ensure_schema()
        query = select(func.count()).select_from(DOCUMENTS).where(
            DOCUMENTS.c.monitor == self.monitor)
        if not duplicates:
            query = query.where(DOCUMENTS.c.duplicate_of.is_(None))
        with self._engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def newest(self) -> datetime | None:
        """The time of the newest stored document (None when there is none)."""
        self._ensure_schema()
        query = select(func.max(DOCUMENTS.c.time)).where(DOCUMENTS.c.monitor == self.monitor)
        with self._engine.connect() as connection:
            found = connection.execute(query).scalar()
        return None if found is None else _utc(found)

    def mentions(self, kind: str, key: str, since: datetime,
                 until: datetime) -> Iterator[tuple[datetime, bool, float]]:
        """(time, negative, polarity) of each mention of one key in [since, until)."""
        self._ensure_schema()
        columns = (MENTIONS.c.time, MENTIONS.c.negative, MENTIONS.c.polarity)
        query = select(*columns).where(
            (MENTIONS.c.monitor == self.monitor) & (MENTIONS.c.kind == kind)
            & (MENTIONS.c.key == key) & (MENTIONS.c.time >= since) & (MENTIONS.c.time < until)
        ).order_by(MENTIONS.c.time)
        with self._engine.connect() as connection:
            for when, negative, polarity in connection.execute(query):
                yield _utc(when), bool(negative), float(polarity)

    def span(self, days: float) -> tuple[datetime, datetime]:
        """``days`` up to the newest stored document (now when there is none), starting
        at a midnight (UTC): a replayed stream is shown in its own time."""
        newest = self.newest() or datetime.now(UTC)
        until = newest + timedelta(seconds=1)
        start = until - timedelta(days=days)
        return start.replace(hour=0, minute=0, second=0, microsecond=0), until

    def documents_mentioning(self, kind: str, key: str, since: datetime, until: datetime,
                             limit: int = 50) -> list[dict[str, Any]]:
        """The documents behind one key's figures in [since, until), newest first (the
        drill-down from a leaderboard, a timeline or an alert)."""
        self._ensure_schema()
        joined = MENTIONS.join(DOCUMENTS, (DOCUMENTS.c.monitor == MENTIONS.c.monitor)
                               & (DOCUMENTS.c.id == MENTIONS.c.document))
        query = select(DOCUMENTS.c.id, DOCUMENTS.c.time, DOCUMENTS.c.source, DOCUMENTS.c.text,
                       DOCUMENTS.c.sentiment, DOCUMENTS.c.polarity, DOCUMENTS.c.topic,
                       DOCUMENTS.c.duplicate_of).select_from(joined).where(
            (MENTIONS.c.monitor == self.monitor) & (MENTIONS.c.kind == kind)
            & (MENTIONS.c.key == key) & (MENTIONS.c.time >= since) & (MENTIONS.c.time < until)
        ).order_by(MENTIONS.c.time.desc()).limit(limit)
        with self._engine.connect() as connection:
            return [{**row._mapping, "time": _utc(row.time)}
                    for row in connection.execute(query)]

    def originals(self) -> Iterator[dict[str, Any]]:
        """Every stored document that is not a repost, oldest first (for reports)."""
        self._ensure_schema()
        query = select(DOCUMENTS).where((DOCUMENTS.c.monitor == self.monitor)
                                        & DOCUMENTS.c.duplicate_of.is_(None)
                                        ).order_by(DOCUMENTS.c.time)
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                yield {**row._mapping, "time": _utc(row.time)}

    def keys_by_document(self, kind: str) -> dict[str, list[str]]:
        """Each document's keys of one kind (watched names, topics or sources)."""
        self._ensure_schema()
        query = select(MENTIONS.c.document, MENTIONS.c.key).where(
            (MENTIONS.c.monitor == self.monitor) & (MENTIONS.c.kind == kind))
        keys: dict[str, list[str]] = {}
        with self._engine.connect() as connection:
            for document, key in connection.execute(query):
                keys.setdefault(document, []).append(key)
        return keys

    def recent_mentions(self, since: datetime) -> Iterator[dict[str, Any]]:
        """Every mention from ``since`` on with its document's text, oldest first (to
        refill the rolling counts after a restart)."""
        self._ensure_schema()
        joined = MENTIONS.join(DOCUMENTS, (DOCUMENTS.c.monitor == MENTIONS.c.monitor)
                               & (DOCUMENTS.c.id == MENTIONS.c.document))
        query = select(MENTIONS.c.kind, MENTIONS.c.key, MENTIONS.c.time, MENTIONS.c.negative,
                       MENTIONS.c.polarity, MENTIONS.c.document, DOCUMENTS.c.text).select_from(
            joined).where((MENTIONS.c.monitor == self.monitor) & (MENTIONS.c.time >= since)
                          ).order_by(MENTIONS.c.time)
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                yield {**row._mapping, "time": _utc(row.time), "negative": bool(row.negative)}

    def timeline(self, kind: str, key: str, since: datetime, until: datetime,
                 bucket: timedelta) -> list[Bucket]:
        """Volume, negative count and mean polarity of one key per time bucket (buckets
        aligned to the Unix epoch: whole minutes, hours, UTC days), summed in the
        database."""
        self._ensure_schema()
        seconds = int(bucket.total_seconds())
        slot = self._epoch_slot(MENTIONS.c.time, seconds)
        if slot is None:  # a database without an epoch function: sum here
            return _buckets(self.mentions(kind, key, since, until), seconds)
        query = select(slot.label("slot"), func.count(),
                       func.sum(case((MENTIONS.c.negative, 1), else_=0)),
                       func.sum(MENTIONS.c.polarity)).where(
            (MENTIONS.c.monitor == self.monitor) & (MENTIONS.c.kind == kind)
            & (MENTIONS.c.key == key) & (MENTIONS.c.time >= since) & (MENTIONS.c.time < until)
        ).group_by("slot").order_by("slot")
        with self._engine.connect() as connection:
            return [Bucket(datetime.fromtimestamp(int(index) * seconds, UTC), int(volume),
                           int(negative or 0), float(polarity or 0.0) / int(volume))
                    for index, volume, negative, polarity in connection.execute(query)]

    def _epoch_slot(self, column: Any, seconds: int) -> Any:
        """``floor(epoch seconds of column / seconds)`` in this database's SQL."""
        dialect = self._engine.dialect.name
        if dialect == "sqlite":  # times are stored as UTC text; // is integer division
            return cast(func.strftime("%s", column), Integer) // seconds
        if dialect == "postgresql":
            return func.floor(func.extract("epoch", column) / seconds)
        return None

    def top_keys(self, kind: str, since: datetime, until: datetime,
                 limit: int = 20) -> list[tuple[str, int, int]]:
        """The most mentioned keys of a kind: (key, volume, negative), busiest first."""
        self._ensure_schema()
        volume = func.count().label("volume")
        negative = func.sum(case((MENTIONS.c.negative, 1), else_=0)).label("negative")
        query = select(MENTIONS.c.key, volume, negative).where(
            (MENTIONS.c.monitor == self.monitor) & (MENTIONS.c.kind == kind)
            & (MENTIONS.c.time >= since) & (MENTIONS.c.time < until)
        ).group_by(MENTIONS.c.key).order_by(volume.desc()).limit(limit)
        with self._engine.connect() as connection:
            return [(key, int(v), int(n or 0)) for key, v, n in connection.execute(query)]

    def prune(self, retention_days: float | None, now: datetime | None = None) -> int:
        """Delete documents and mentions older than ``retention_days`` before ``now``
        (default: the newest stored document, so a replayed stream keeps its own
        window); returns how many documents went."""
        if retention_days is None:
            return 0
        self._ensure_schema()
        now = now or self.newest()
        if now is None:
            return 0
        cutoff = now - timedelta(days=retention_days)
        with self._engine.begin() as connection:
            connection.execute(delete(MENTIONS).where(
                (MENTIONS.c.monitor == self.monitor) & (MENTIONS.c.time < cutoff)))
            gone = connection.execute(delete(DOCUMENTS).where(
                (DOCUMENTS.c.monitor == self.monitor) & (DOCUMENTS.c.time < cutoff)))
            return int(gone.rowcount or 0)

    def close(self) -> None:
        """Write what waits if possible and release the connection pool."""
        self.flush()
        self._engine.dispose()


def _buckets(mentions: Iterator[tuple[datetime, bool, float]], seconds: int) -> list[Bucket]:
    sums: dict[int, list[float]] = {}
    for when, negative, polarity in mentions:
        slot = sums.setdefault(int(when.timestamp()) // seconds, [0, 0, 0.0])
        slot[0] += 1
        slot[1] += negative
        slot[2] += polarity
    return [Bucket(datetime.fromtimestamp(index * seconds, UTC), int(v), int(n), p / v)
            for index, (v, n, p) in sorted(sums.items())]


def _utc(value: datetime) -> datetime:
    """SQLite hands times back without their zone; they were stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
