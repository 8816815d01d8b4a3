"""The conversation log: every turn and every piece of feedback, in a real database.

SQLAlchemy Core over any URL it knows: a SQLite file by default
(``sqlite:///KB_DIR/conversations.db``), PostgreSQL by ``postgresql+psycopg://...``.
The schema is created and upgraded by Alembic migrations (``migrations/``, their
version in the table ``lepton_assistant_version``, apart from any Alembic history
of your own in the same database) when the log is first written or read.
Personal data is masked (:func:`~lepton_ai.tasks.redact.redact_for_storage`) before a
row is written, so the database never holds it. A failed write never loses a
turn: rows wait in memory and go in with the next write (LAI-W1004 says so once).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from lepton_ai.errors import W, warn
from lepton_ai.solutions.database import open_engine
from lepton_ai.tasks.redact import redact_for_storage

VERSION_TABLE = "lepton_assistant_version"
metadata = MetaData()
TURNS = Table(
    "assistant_turns", metadata,
    Column("id", String(32), primary_key=True),
    Column("kb", String(200), nullable=False, index=True),
    Column("session", String(200), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("message", Text, nullable=False),
    Column("reply", Text, nullable=False),
    Column("action", String(16), nullable=False, index=True),
    Column("entry", String(300)),
    Column("confidence", Float, nullable=False),
    Column("handoff", Boolean, nullable=False),
    Column("handoff_reason", String(32)),
    Column("lang", String(8)),
    Column("intent", String(200)),
    Column("sentiment", String(16)),
    Column("kb_version", Integer),
)
FEEDBACK = Table(
    "assistant_feedback", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("turn", String(32), nullable=False, index=True),
    Column("kb", String(200), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("rating", Integer),  # +1 thumbs up, -1 thumbs down
    Column("correct_entry", String(300)),
    Column("note", Text),
)
MASKED = ("message", "reply", "note")


def upgrade_schema(engine: Engine) -> None:
    """Bring the log's tables to the newest migration (a no-op when they are)."""
    from lepton_ai.solutions.database import upgrade_schema as upgrade

    upgrade(engine, Path(__file__).parent / "migrations")


class ConversationLog:
    """Writes turns and feedback; reads them back for reports.

    Args:
        url: a SQLAlchemy database URL.
        retention_days: rows older than this are deleted (on :meth:`prune`, which
            the assistant calls once a day); None keeps everything.
    """

    def __init__(self, url: str, retention_days: float | None = None) -> None:
        self.url = url
        self.retention_days = retention_days
        self._engine: Engine = open_engine(url)
        self._pending: deque[tuple[Table, dict[str, Any]]] = deque()
        self._lock = threading.Lock()
        self._warned = False
        self._schema_ready = False

    def _ensure_schema(self) -> None:
        if not self._schema_ready:
            upgrade_schema(self._engine)
            self._schema_ready = True

    @property
    def pending(self) -> int:
        """Rows waiting for the database to come back."""
        return len(self._pending)

    def write_turn(self, row: dict[str, Any]) -> None:
        """Queue one turn (masked) and write everything queued."""
        self._write(TURNS, row)

    def write_feedback(self, row: dict[str, Any]) -> None:
        """Queue one piece of feedback (masked) and write everything queued."""
        self._write(FEEDBACK, row)

    def _write(self, table: Table, row: dict[str, Any]) -> None:
        masked = {key: redact_for_storage(value) if key in MASKED and isinstance(value, str)
                  else value for key, value in row.items()}
        masked.setdefault("created_at", datetime.now(UTC))
        with self._lock:
            self._pending.append((table, masked))
            self._flush()

    def _flush(self) -> None:
        try:
            self._ensure_schema()
            with self._engine.begin() as connection:
                for table, row in self._pending:
                    connection.execute(table.insert().values(**row))
            self._pending.clear()
            self._warned = False
        except SQLAlchemyError as error:
            if not self._warned:
                warn(W.W1004, url=self._engine.url.render_as_string(hide_password=True),
                     problem=type(error.orig or error).__name__, pending=len(self._pending))
                self._warned = True

    def flush(self) -> bool:
        """Try to write what is queued; True when nothing is left waiting."""
        with self._lock:
            if self._pending:
                self._flush()
            return not self._pending

    def turns(self, kb: str, since: datetime | None = None) -> Iterator[dict[str, Any]]:
        """Logged turns of ``kb`` (oldest first), optionally from ``since`` on."""
        self._ensure_schema()
        query = select(TURNS).where(TURNS.c.kb == kb).order_by(TURNS.c.created_at)
        if since is not None:
            query = query.where(TURNS.c.created_at >= since)
        with self._engine.connect() as connection:
            for row in connection.execute(query):
                yield dict(row._mapping)

    def feedback(self, kb: str) -> list[dict[str, Any]]:
        """Logged feedback of ``kb``, oldest first."""
        self._ensure_schema()
        query = select(FEEDBACK).where(FEEDBACK.c.kb == kb).order_by(FEEDBACK.c.id)
        with self._engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(query)]

    def has_turn(self, turn_id: str) -> bool:
        """Whether a turn with this id was logged (or is queued)."""
        if any(table is TURNS and row["id"] == turn_id for table, row in self._pending):
            return True
        self._ensure_schema()
        with self._engine.connect() as connection:
            found = connection.execute(select(TURNS.c.id).where(TURNS.c.id == turn_id))
            return found.first() is not None

    def prune(self) -> int:
        """Delete rows older than the retention; returns how many turns went."""
        if self.retention_days is None:
            return 0
        self._ensure_schema()
        cutoff = datetime.now(UTC) - timedelta(days=self.retention_days)
        with self._engine.begin() as connection:
            connection.execute(delete(FEEDBACK).where(FEEDBACK.c.created_at < cutoff))
            result = connection.execute(delete(TURNS).where(TURNS.c.created_at < cutoff))
            return int(result.rowcount or 0)

    def close(self) -> None:
        """Write what is queued if possible and release the connection pool."""
        self.flush()
        self._engine.dispose()
