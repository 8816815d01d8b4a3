"""Storage scale of `lai monitor` and the speed of `lai report` (issue 21).

    .venv/bin/python bench/monitor_storage.py [--documents 1000000] [--postgres]
                                              [--report-documents 100000]

Fills a monitor database with ``--documents`` stored documents over 90 days (tweets of
twitter_financial_news_sentiment repeated with new ids and times; 2,000 watched
names drawn with Zipf-like frequencies, 1–2 per document; sentiment from the
dataset's labels — analysis is not what is measured here), through
`MonitorStore.write` in batches of 5,000. Then the dashboard queries for one name
over 30 days — the daily timeline, the hourly timeline and the 30-day leaderboard —
for 30 names (10 busy, 10 middling, 10 rare): p50 / p95 / max in milliseconds.
SQLite by default; ``--postgres`` starts a throw-away PostgreSQL server (Debian's
package) and measures the same there.

With ``--report-documents N``, a second monitor of N documents (analysis stored
the same way) is turned into the HTML report by the code of `lai report`: seconds
from reading the database to the written HTML and PNGs.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.solutions.monitor import MonitorStore

DATA = SHARED_DATA / "twitter_financial_news_sentiment"
START = datetime(2026, 7, 1, tzinfo=UTC)
DAYS = 90
NAMES = 2000
BATCH = 5000
LABELS = {"0": ("negative", -0.8), "1": ("positive", 0.8), "2": ("neutral", 0.0)}


def tweets() -> list[tuple[str, str]]:
    rows = []
    for split in ("train", "valid"):
        with (DATA / f"sent_{split}.csv").open(encoding="utf-8") as handle:
            rows.extend((row["text"], row["label"]) for row in csv.DictReader(handle))
    return rows


def fill(store: MonitorStore, count: int, seed: int = 0) -> float:
    """Write ``count`` documents; returns seconds."""
    rng = random.Random(seed)
    texts = tweets()
    weights = [1 / (rank + 1) for rank in range(NAMES)]
    names = [f"NAME{rank:04d}" for rank in range(NAMES)]
    started = time.perf_counter()
    for first in range(0, count, BATCH):
        documents, mentions = [], []
        for number in range(first, min(first + BATCH, count)):
            text, label = texts[number % len(texts)]
            sentiment, polarity = LABELS[label]
            when = START + timedelta(seconds=rng.uniform(0, DAYS * 86400))
            identifier = f"d{number}"
            documents.append({
                "id": identifier, "time": when, "source": "twitter", "lang": "en",
                "text": text, "sentiment": sentiment, "polarity": polarity, "topic": None,
                "duplicate_of": None, "entities": "[]", "keywords": "[]", "fields": "{}"})
            keys = {("entity", n) for n in rng.choices(names, weights, k=rng.randint(1, 2))}
            keys |= {("source", "twitter"), ("all", "*")}
            mentions.extend({"document": identifier, "kind": kind, "key": key, "time": when,
                             "negative": sentiment == "negative", "polarity": polarity}
                            for kind, key in keys)
        store.write(documents, mentions)
        print(f"\r{min(first + BATCH, count):,} documents", end="", file=sys.stderr)
    print(file=sys.stderr)
    return time.perf_counter() - started


def query_times(store: MonitorStore) -> dict[str, dict[str, float]]:
    end = START + timedelta(days=DAYS)
    since = end - timedelta(days=30)
    chosen = [f"NAME{rank:04d}" for rank in (*range(10), *range(100, 1000, 90),
                                            *range(1900, 2000, 10))]
    timings: dict[str, list[float]] = {"timeline_day": [], "timeline_hour": [],
                                       "leaderboard": []}
    store.timeline("entity", chosen[0], since, end, timedelta(days=1))  # warm the cache
    for name in chosen:
        for label, bucket in (("timeline_day", timedelta(days=1)),
                              ("timeline_hour", timedelta(hours=1))):
            started = time.perf_counter()
            store.timeline("entity", name, since, end, bucket)
            timings[label].append((time.perf_counter() - started) * 1000)
    for _ in range(5):
        started = time.perf_counter()
        store.top_keys("entity", since, end, 20)
        timings["leaderboard"].append((time.perf_counter() - started) * 1000)
    return {label: {"p50_ms": round(float(np.percentile(v, 50)), 1),
                    "p95_ms": round(float(np.percentile(v, 95)), 1),
                    "max_ms": round(max(v), 1), "queries": len(v)}
            for label, v in timings.items()}


def report_time(url: str, folder: Path, count: int) -> dict[str, float]:
    from lepton_ai.solutions.analytics import build_report, from_monitor, write_report

    store = MonitorStore(url, "report")
    filled = fill(store, count, seed=1)
    store.close()
    config = folder / "report.yaml"
    config.write_text(f"name: report\ndatabase: {url}\n", encoding="utf-8")
    started = time.perf_counter()
    collection = from_monitor(config, "entity")
    read = time.perf_counter() - started
    report = build_report(collection)
    write_report(report, folder / "report.html")
    total = time.perf_counter() - started
    return {"documents": count, "fill_seconds": round(filled, 1), "read_seconds": round(read, 1),
            "topics_seconds": round(report.seconds["topics"], 1),
            "topics_sampled": report.topics_sampled, "total_seconds": round(total, 1),
            "html_mb": round((folder / "report.html").stat().st_size / 1e6, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=1_000_000)
    parser.add_argument("--report-documents", type=int, default=0)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        server = None
        if args.postgres:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
            from tests.integration.postgres import postgres_server

            server = postgres_server()
            url = next(server).url
        else:
            url = f"sqlite:///{folder / 'monitor.db'}"
        store = MonitorStore(url, "scale")
        with LoadMeter([os.getpid()]) as load:
            filled = fill(store, args.documents)
            queries = query_times(store)
            report = report_time(url, folder, args.report_documents) \
                if args.report_documents else None
        store.close()
        if server is not None:
            next(server, None)
    record("monitor_storage", {
        "code": code_version(), "database": "postgresql" if args.postgres else "sqlite",
        "documents": args.documents, "fill_seconds": round(filled, 1),
        "documents_per_second_stored": round(args.documents / filled),
        "queries_one_name_30_days": queries, "report": report,
        "foreign_cores": round(load.foreign_cores, 2)})


if __name__ == "__main__":
    main()
