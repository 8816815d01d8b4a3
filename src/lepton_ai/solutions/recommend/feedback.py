"""What users did after the build, recorded as it happens: ``record(user, item,
event)`` appends to a table that the next recommendation reads, so feedback counts
at once, without a rebuild; ``lai recommend update`` folds it into the learned parts.

SQLite in the recommender folder by default (``sqlite:///REC_DIR/feedback.db``),
PostgreSQL or any other SQLAlchemy database by URL. The table is created and upgraded
by Alembic migrations (``migrations/``, version table ``lepton_recommend_version``),
as the other solutions' tables are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    select,
)

from lepton_ai.errors import E, LeptonError

VERSION_TABLE = "lepton_recommend_version"
#: Events that say the user wants more like this item (they join the history).
POSITIVE = ("view", "click", "cart", "purchase", "like")
#: Events that say the user does not want the item (it is never recommended to them).
NEGATIVE = ("dislike", "hide")
EVENTS = POSITIVE + NEGATIVE

metadata = MetaData()
EVENT_TABLE = Table(
    "recommend_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("recommender", String(200), nullable=False),
    Column("user", String(200), nullable=False),
    Column("item", String(300), nullable=False),
    Column("event", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Feedback:
    """One recorded event."""

    id: int
    user: str
    item: str
    event: str
    at: datetime

    @property
    def positive(self) -> bool:
        """Whether the event asks for more like the item."""
        return self.event in POSITIVE


def check_event(event: str) -> str:
    """``event`` when it is one of :data:`EVENTS`, else LAI-E1207."""
    if event not in EVENTS:
        raise LeptonError(E.E1207, event=event, positive=", ".join(POSITIVE),
                          negative=", ".join(NEGATIVE))
    return event


class FeedbackLog:
    """Recorded events of one recommender (``name``) in a database at ``url``.

    The database is opened on the first write or, for the default SQLite file, on the
    first read after it exists: a recommender nobody gave feedback to never touches it.
    """

    def __init__(self, url: str, name: str) -> None:
        self.url = url
        self.name = name
        self._engine: Engine | None = None

    @classmethod
    def beside(cls, folder: Path, name: str) -> FeedbackLog:
        """The default log: ``feedback.db`` in the recommender folder."""
        return cls(f"sqlite:///{folder / 'feedback.db'}", name)

    def _file(self) -> Path | None:
        prefix = "sqlite:///"
        return Path(self.url[len(prefix):]) if self.url.startswith(prefix) else None

    def _open(self, *, create: bool) -> Engine | None:
        if self._engine is None:
            file = self._file()
            if not create and file is not None and not file.is_file():
                return None
            from lepton_ai.solutions.database import open_engine, upgrade_schema

            engine = open_engine(self.url)
            upgrade_schema(engine, Path(__file__).parent / "migrations")
            self._engine = engine
        return self._engine

    def record(self, user: str, item: str, event: str, at: datetime | None = None) -> int:
        """Append one event; returns its id."""
        engine = self._open(create=True)
        assert engine is not None
        with engine.begin() as connection:
            result = connection.execute(EVENT_TABLE.insert().values(
                recommender=self.name, user=user, item=item, event=check_event(event),
                at=at or datetime.now(UTC)))
            return int(result.inserted_primary_key[0])

    def events(self, user: str | None = None, after: int = 0) -> list[Feedback]:
        """Events with an id above ``after`` (of ``user``, or of everyone), oldest first."""
        engine = self._open(create=False)
        if engine is None:
            return []
        query = select(EVENT_TABLE).where(EVENT_TABLE.c.recommender == self.name,
                                          EVENT_TABLE.c.id > after)
        if user is not None:
            query = query.where(EVENT_TABLE.c.user == user)
        with engine.connect() as connection:
            rows = connection.execute(query.order_by(EVENT_TABLE.c.at, EVENT_TABLE.c.id))
            return [Feedback(row.id, row.user, row.item, row.event, row.at) for row in rows]

    def close(self) -> None:
        """Release the database connections."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
