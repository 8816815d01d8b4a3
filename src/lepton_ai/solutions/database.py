"""What every solution's database needs: Alembic migrations run over a live
connection, and inserts that tolerate a row written before (at-least-once delivery).

Each solution keeps its own migrations folder (package data, not an importable
package) and its own Alembic version table, so several solutions and the user's
own Alembic history can share one database.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Table


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
