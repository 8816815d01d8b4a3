"""Throughput and end-to-end delay of `lai monitor` on 2 cores (issue 21).

    .venv/bin/python bench/monitor_throughput.py [--documents 3000] [--rate 50]

Documents: tweets of twitter_financial_news_sentiment (validation split, then train)
with every cashtag watched. Analysis: the shipped 3-way sentiment, entities and
zero-shot topics (5 labels), plus watched names; stored in SQLite with reposts
detected. Two measurements:

- **throughput**: the monitor reads a JSONL file of ``--documents`` tweets as fast as it
  can (`Monitor.run`, the code path of `lai monitor run`): documents per second from
  the first read to the last commit.
- **live stream**: a writer appends ``--rate`` tweets per second to a followed file
  for ``--seconds``; each document's delay is the time from its line being written
  to its batch being committed. p50 / p95 / max, and whether the monitor kept up.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.solutions.monitor import Monitor, config_from_dict

DATA = SHARED_DATA / "twitter_financial_news_sentiment"
TOPICS = ["earnings", "mergers and acquisitions", "regulation", "markets", "economy"]
START = datetime(2026, 10, 1, tzinfo=UTC)


def tweets(n: int) -> list[str]:
    texts: list[str] = []
    for split in ("valid", "train"):
        with (DATA / f"sent_{split}.csv").open(encoding="utf-8") as handle:
            texts.extend(row["text"] for row in csv.DictReader(handle))
    return texts[:n]


#: Loads the Chinese models too before the clock starts (a few tweets have CJK text).
WARM_UP = ["招商银行股价今日大跌，投资者担忧其房地产贷款风险。"]


def config(folder: Path, follow: bool, tasks: list[str], batch: int = 256) -> dict:
    return {"name": "speed", "database": f"sqlite:///{folder / 'speed.db'}", "cashtags": True,
            "input": {"path": "in.jsonl", "follow": follow, "poll_seconds": 0.05},
            "analysis": {"tasks": tasks, "topics": TOPICS, "batch_size": batch},
            "rules": [{"name": "surge"}], "channels": []}


def line(number: int, text: str, written: float | None = None) -> str:
    row = {"id": f"t{number}", "time": (START + timedelta(seconds=number)).isoformat(),
           "text": text, "source": "twitter"}
    if written is not None:
        row["written_at"] = written
    return json.dumps(row) + "\n"


def throughput(texts: list[str], tasks: list[str], batch: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "in.jsonl").write_text("".join(line(i, t) for i, t in enumerate(texts)))
        monitor = Monitor(config_from_dict(config(folder, False, tasks, batch)), folder,
                          summarize_alerts=False)
        monitor.analyzer(texts[:64] + WARM_UP)  # models loaded before the clock starts
        with LoadMeter([os.getpid()]) as load:
            started = time.perf_counter()
            stats = monitor.run()
            seconds = time.perf_counter() - started
        monitor.close()
    return {"batch": batch, "documents": stats.documents, "reposts": stats.reposts,
            "seconds": round(seconds, 2), "documents_per_second": round(len(texts) / seconds, 1),
            "foreign_cores": round(load.foreign_cores, 2)}


def live(texts: list[str], rate: float, seconds: float, tasks: list[str]) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        path = folder / "in.jsonl"
        path.write_text("")
        monitor = Monitor(config_from_dict(config(folder, True, tasks)), folder,
                          summarize_alerts=False)
        monitor.analyzer(texts[:64] + WARM_UP)
        delays: list[float] = []
        ingest = monitor.ingest

        def timed_ingest(documents: list, checkpoint: tuple | None = None) -> list:
            alerts = ingest(documents, checkpoint)
            now = time.time()
            delays.extend(now - d.fields["written_at"] for d in documents)
            return alerts

        monitor.ingest = timed_ingest  # type: ignore[method-assign]
        total = int(rate * seconds)

        def write() -> None:
            with path.open("a", encoding="utf-8") as handle:
                started = time.time()
                for number in range(total):
                    pause = started + number / rate - time.time()
                    if pause > 0:
                        time.sleep(pause)
                    handle.write(line(number, texts[number % len(texts)], time.time()))
                    handle.flush()

        writer = threading.Thread(target=write)
        with LoadMeter([os.getpid()]) as load:
            writer.start()
            runner = threading.Thread(target=monitor.run)
            runner.start()
            writer.join()
            deadline = time.time() + 60
            while len(delays) < total and time.time() < deadline:
                time.sleep(0.05)
            monitor.stop()
            runner.join(10)
        monitor.close()
    values = np.array(delays)
    return {"rate": rate, "seconds": seconds, "written": total, "stored": len(delays),
            "delay_p50_s": round(float(np.percentile(values, 50)), 3),
            "delay_p95_s": round(float(np.percentile(values, 95)), 3),
            "delay_max_s": round(float(values.max()), 3),
            "foreign_cores": round(load.foreign_cores, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--tasks", default="sentiment,entities,topic")
    parser.add_argument("--batch", type=int, nargs="+", default=[64, 256, 512],
                        help="analysis.batch_size values measured for throughput")
    parser.add_argument("--no-live", action="store_true")
    args = parser.parse_args()
    tasks = args.tasks.split(",")
    texts = tweets(args.documents)
    record("monitor_throughput", {
        "code": code_version(), "cpu": os.environ.get("CPU_NAME", ""), "tasks": tasks,
        "throughput": [throughput(texts, tasks, batch) for batch in args.batch],
        "live": None if args.no_live else live(texts, args.rate, args.seconds, tasks)})


if __name__ == "__main__":
    main()
