"""Recommendation feedback in a real PostgreSQL database: the migration, events of
several recommenders and users kept apart, read back in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, inspect, text

from lepton_ai.solutions.recommend import FeedbackLog
from lepton_ai.solutions.recommend.feedback import VERSION_TABLE

from .postgres import PostgresServer

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_feedback_is_recorded_and_read_back_per_recommender_and_user(
        postgres: PostgresServer) -> None:
    shop, news = FeedbackLog(postgres.url, "shop"), FeedbackLog(postgres.url, "news")
    shop.record("u1", "b", "purchase", at=T0 + timedelta(minutes=5))
    shop.record("u1", "a", "view", at=T0)
    shop.record("u2", "a", "hide", at=T0)
    news.record("u1", "n1", "click", at=T0)
    assert [(e.item, e.event) for e in shop.events("u1")] == [("a", "view"), ("b", "purchase")]
    assert [e.positive for e in shop.events("u2")] == [False]
    assert [e.item for e in news.events()] == ["n1"]
    ids = sorted(e.id for e in shop.events())  # in the order recorded
    assert [e.event for e in shop.events(after=ids[1])] == ["hide"]
    names = set(inspect(create_engine(postgres.url)).get_table_names())
    assert {"recommend_events", VERSION_TABLE} <= names
    with create_engine(postgres.url).connect() as connection:
        assert connection.execute(text(f"select version_num from {VERSION_TABLE}")).scalar() \
            == "0001"
    shop.close()
    news.close()
