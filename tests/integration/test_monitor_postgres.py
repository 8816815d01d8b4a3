"""The monitor's store on a real PostgreSQL server: migrations, idempotent writes, and
no document lost when the server is killed mid-stream."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from lepton_ai.errors import LeptonWarning
from lepton_ai.solutions.monitor import Monitor, MonitorStore, config_from_dict
from lepton_ai.solutions.monitor.analysis import DocumentAnalysis, WatchList
from lepton_ai.solutions.monitor.store import VERSION_TABLE

from .postgres import PostgresServer

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_migrations_create_the_tables_and_writes_are_idempotent(
        postgres: PostgresServer) -> None:
    store = MonitorStore(postgres.url, "pg")
    row = {"id": "a", "time": T0, "source": "s", "lang": "en", "text": "t",
           "sentiment": "negative", "polarity": -0.5, "topic": None, "duplicate_of": None,
           "entities": "[]", "keywords": "[]", "fields": "{}"}
    mention = {"document": "a", "kind": "entity", "key": "$X", "time": T0, "negative": True,
               "polarity": -0.5}
    store.write([row], [mention], ("in", 5))
    store.write([row], [mention], ("in", 9))
    names = set(inspect(create_engine(postgres.url)).get_table_names())
    assert {"monitor_documents", "monitor_mentions", "monitor_alerts", "monitor_checkpoints",
            VERSION_TABLE} <= names
    with create_engine(postgres.url).connect() as connection:
        assert connection.execute(text(f"select version_num from {VERSION_TABLE}")).scalar() \
            == "0001"
    assert store.count() == 1 and store.checkpoint("in") == 9
    assert store.top_keys("entity", T0, T0 + timedelta(hours=1)) == [("$X", 1, 1)]
    (bucket,) = store.timeline("entity", "$X", T0, T0 + timedelta(days=1), timedelta(hours=1))
    assert (bucket.start, bucket.volume, bucket.negative, bucket.mean_polarity) == (
        T0, 1, 1, -0.5)  # summed by PostgreSQL, buckets on whole UTC hours
    store.close()


def test_killing_the_database_mid_stream_loses_no_document(
        postgres: PostgresServer, tmp_path: Path) -> None:
    with (tmp_path / "in.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(1000):
            handle.write(json.dumps({"id": f"d{i}", "time": (T0 + timedelta(minutes=i))
                                     .isoformat(), "text": f"document {i} about $ACME {i * 7}"})
                         + "\n")
    batches = 0
    watch = WatchList([], cashtags=True)

    def analyser(texts: Sequence[str]) -> list[DocumentAnalysis]:
        nonlocal batches
        batches += 1
        if batches == 2:  # the server dies after the first batch is stored ...
            postgres.stop()
            threading.Timer(2.0, postgres.start).start()  # ... and is back 2 s later
        return [DocumentAnalysis("en", "neutral", 0.0, watch.find(t)) for t in texts]

    config = config_from_dict({"name": "killed", "database": postgres.url, "cashtags": True,
                               "dedup": {"enabled": False}, "buffer_limit": 300,
                               "input": {"path": "in.jsonl"}, "channels": []})
    monitor = Monitor(config, tmp_path, analyzer=analyser)
    with pytest.warns(LeptonWarning, match="LAI-W1103"):
        stats = monitor.run()
    monitor.close()
    assert stats.documents == 1000
    store = MonitorStore(postgres.url, "killed")
    assert store.count() == 1000
    assert store.checkpoint(str(tmp_path / "in.jsonl")) == (tmp_path / "in.jsonl").stat().st_size
    store.close()
