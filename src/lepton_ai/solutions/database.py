"""What every solution's database needs: an engine set up for the database it names,
Alembic migrations run over a live connection, and inserts that tolerate a row written
before (at-least-once delivery).

Each solution keeps its own migrations folder (package data, not an importable
package) and its own Alembic version table, so several solutions and the user's
own Alembic history can share one database.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table


def open_engine(url: str) -> Engine:
    """A SQLAlchemy engine for a solution's store at ``url``.

    A SQLite file runs in write-ahead-log mode with ``synchronous=NORMAL``: a commit
    appends to the log instead of creating, syncing and deleting a journal file
    (``bench/sqlite_commit.py``: 0.18–0.23 against 2.5–3.2 ms per commit here), which the
    assistant pays on every turn. A process killed at any moment still loses no committed row;
    only a power cut can lose the last ones. Server databases are pinged before each use,
    so a dropped connection is replaced instead of failing a write.
    """
    from sqlalchemy import create_engine, event, make_url

    sqlite = make_url(url).get_backend_name() == "sqlite"
    engine = create_engine(url, pool_pre_ping=not sqlite)
    if sqlite:
        event.listen(engine, "connect", _write_ahead_log)
    return engine


def _write_ahead_log(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # an in-memory database keeps "memory"
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def upgrade_schema(engine: Engine, migrations: Path) -> None:
    """Bring the tables of the migrations in ``migrations`` to their newest revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def insert_new(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows``, skipping those whose primary key is already there.

    SQLite and PostgreSQL do it in one statement (``ON CONFLICT DO NOTHING``); other
    databases fall back to inserting row by row and skipping the duplicates.
    """
    if not rows:
        return
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        connection.execute(insert(table).on_conflict_do_nothing(), list(rows))
        return
    from sqlalchemy.exc import IntegrityError

    for row in rows:
        try:
            with connection.begin_nested():
                connection.execute(table.insert(), [row])
        except IntegrityError:
            continue
