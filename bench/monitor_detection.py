"""Surge detection of `lai monitor` on a replayed 30-day stream (issue 21).

    .venv/bin/python bench/monitor_detection.py [--lang en|zh] [--surge-size 24 48]
                                                [--seeds 7 8 9] [--gold]

The stream: every tweet of twitter_financial_news_sentiment (train + validation),
spread uniformly at random over 30 days (seed fixed); every cashtag is a watched
name. Then, for 5 of the 10 most mentioned cashtags (drawn with the seed), a surge:
``--surge-size`` bearish tweets of the *validation* split (which the shipped
sentiment model never trained on) whose cashtags are rewritten to the surging name
(or which get it in front when they have none), at uniformly random times inside a
2-hour window that starts on day 8 or later. Each tweet goes through the monitor's
own analysis (shipped 3-way sentiment, cashtags) in batches first; the replay then
feeds the monitor one stream-minute at a time, as a live stream would arrive, so
the detection delay is measured in stream time. ``--gold`` replaces the model's
sentiment with the dataset's labels (bearish = negative) to separate the detector
from the model.

The Chinese stream (``--lang zh``) is built the same way from our own development set
bench/data/zh_financial_sentiment.csv (345 headlines and posts we wrote and labelled;
the Chinese sentiment rules were revised on it, so its sentiment is optimistic): 20
fictional company names are the watched names, each document is one of them
followed by a headline; 80 negative headlines are set aside for the surges, the
other 265 documents are the background.

Per rule: each surge's delay from its start to its first alert (a miss when none
comes within the 2 hours), and false alarms: alerts on any name outside a surge
window. 80% of the background tweets were in the sentiment model's training data
(train split), which makes its background negatives cleaner than on new text.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.solutions.monitor import Document, Monitor, config_from_dict
from lepton_ai.solutions.monitor.analysis import DocumentAnalysis, DocumentAnalyzer, WatchList
from lepton_ai.solutions.monitor.configuration import WatchedName

DATA = SHARED_DATA / "twitter_financial_news_sentiment"
START = datetime(2026, 10, 1, tzinfo=UTC)
DAYS = 30
SURGES = 5
SURGE_HOURS = 2
CASHTAG = re.compile(r"\$[A-Za-z][A-Za-z.]{0,5}\b")
RULES = [
    {"name": "surge", "kind": "surge", "window_minutes": 60, "baseline_days": 7,
     "min_negative": 3, "p_value": 1e-4, "cooldown_minutes": 360},
    {"name": "surge-2", "kind": "surge", "window_minutes": 60, "baseline_days": 7,
     "min_negative": 2, "min_baseline_per_day": 0.25, "p_value": 1e-4,
     "cooldown_minutes": 360},
    {"name": "share", "kind": "share", "window_minutes": 60, "baseline_days": 7,
     "min_negative": 3, "min_volume": 3, "p_value": 1e-4, "cooldown_minutes": 360},
    {"name": "threshold", "kind": "threshold", "window_minutes": 60, "negative_share": 0.6,
     "min_negative": 3, "cooldown_minutes": 360},
]


def read(split: str) -> list[tuple[str, str]]:
    """(text, label) with labels 0 bearish, 1 bullish, 2 neutral."""
    with (DATA / f"sent_{split}.csv").open(encoding="utf-8") as handle:
        return [(row["text"], row["label"]) for row in csv.DictReader(handle)]


def build_stream(surge_size: int, seed: int) -> tuple[list[Document], dict[str, str],
                                                       list[tuple[str, datetime]]]:
    rng = random.Random(seed)
    train, valid = read("train"), read("valid")
    bearish_valid = [i for i, (_, label) in enumerate(valid) if label == "0"]
    rng.shuffle(bearish_valid)
    surge_rows = bearish_valid[:SURGES * surge_size]
    used = set(surge_rows)
    background = train + [row for i, row in enumerate(valid) if i not in used]
    mentions: dict[str, int] = defaultdict(int)
    for text, _ in background:
        for tag in {t.upper() for t in CASHTAG.findall(text)}:
            mentions[tag] += 1
    busiest = sorted(mentions, key=lambda t: (-mentions[t], t))[:10]
    names = rng.sample(busiest, SURGES)
    documents, gold = [], {}
    for number, (text, label) in enumerate(background):
        when = START + timedelta(seconds=rng.uniform(0, DAYS * 86400))
        documents.append(Document(f"b{number}", when, text, "twitter"))
        gold[text] = label
    surges = []
    starts = sorted(rng.sample(range(8 * 24, DAYS * 24 - SURGE_HOURS), SURGES))
    for index, (name, hour) in enumerate(zip(names, starts, strict=True)):
        begin = START + timedelta(hours=hour, minutes=rng.randrange(60))
        surges.append((name, begin))
        for row in surge_rows[index * surge_size:(index + 1) * surge_size]:
            text = valid[row][0]
            text = CASHTAG.sub(name, text) if CASHTAG.search(text) else f"{name} {text}"
            when = begin + timedelta(seconds=rng.uniform(0, SURGE_HOURS * 3600))
            documents.append(Document(f"s{index}-{row}", when, text, "twitter"))
            gold[text] = "0"
    documents.sort(key=lambda d: d.time)
    return documents, gold, surges


ZH_DATA = Path(__file__).resolve().parent / "data" / "zh_financial_sentiment.csv"
ZH_NAMES = ["华信银行", "东岳证券", "金川控股", "长河地产", "青峰科技", "明远医药", "海景能源",
            "北辰汽车", "天衡保险", "瑞丰食品", "嘉禾零售", "中和电力", "远航物流", "星桥通信",
            "安泰化工", "恒川钢铁", "云杉软件", "盛达光伏", "南湖酒业", "西岭矿业"]
ZH_SURGE_POOL = 80


def build_zh_stream(surge_size: int, seed: int) -> tuple[list[Document], dict[str, str],
                                                          list[tuple[str, datetime]]]:
    rng = random.Random(seed)
    with ZH_DATA.open(encoding="utf-8") as handle:
        rows = [(row["text"], row["label"]) for row in csv.DictReader(handle)]
    labels = {"negative": "0", "positive": "1", "neutral": "2"}
    negatives = [text for text, label in rows if label == "negative"]
    rng.shuffle(negatives)
    pool = negatives[:ZH_SURGE_POOL]
    background = [(t, labels[label]) for t, label in rows if t not in set(pool)]
    documents, gold = [], {}
    for number, (headline, label) in enumerate(background):
        text = f"{rng.choice(ZH_NAMES)}：{headline}"
        when = START + timedelta(seconds=rng.uniform(0, DAYS * 86400))
        documents.append(Document(f"b{number}", when, text, "news"))
        gold[text] = label
    names = rng.sample(ZH_NAMES, SURGES)
    starts = sorted(rng.sample(range(8 * 24, DAYS * 24 - SURGE_HOURS), SURGES))
    surges = []
    for index, (name, hour) in enumerate(zip(names, starts, strict=True)):
        begin = START + timedelta(hours=hour, minutes=rng.randrange(60))
        surges.append((name, begin))
        for number, headline in enumerate(rng.sample(pool, min(surge_size, len(pool)))):
            text = f"{name}：{headline}"
            when = begin + timedelta(seconds=rng.uniform(0, SURGE_HOURS * 3600))
            documents.append(Document(f"s{index}-{number}", when, text, "news"))
            gold[text] = "0"
    documents.sort(key=lambda d: d.time)
    return documents, gold, surges


def analyses_of(documents: list[Document], gold: dict[str, str], use_gold: bool,
                watch: WatchList, cache: dict[str, DocumentAnalysis]
                ) -> dict[str, DocumentAnalysis]:
    """Each distinct text's analysis, worked out in batches as the monitor would (texts
    analysed for an earlier seed or size are taken from ``cache``)."""
    texts = [t for t in dict.fromkeys(d.text for d in documents) if t not in cache]
    if use_gold:
        names = {"0": "negative", "1": "positive", "2": "neutral"}
        return {t: DocumentAnalysis("", names[gold[t]], 0.0, watch.find(t))
                for t in dict.fromkeys(d.text for d in documents)}
    analyzer = DocumentAnalyzer(config_from_dict({"name": "x"}).analysis.model_copy(
        update={"tasks": ["sentiment"]}), watch)
    for start in range(0, len(texts), 256):
        part = texts[start:start + 256]
        cache.update(zip(part, analyzer(part), strict=True))
    return cache


def replay(documents: list[Document], analyses: dict[str, DocumentAnalysis],
           database: str) -> list:
    config = config_from_dict({"name": "replay", "database": database, "rules": RULES,
                               "channels": []})
    alerts: list = []
    monitor = Monitor(config, analyzer=lambda texts: [analyses[t] for t in texts],
                      on_alert=alerts.append, summarize_alerts=False)
    minute: list[Document] = []
    for document in documents:
        if minute and document.time.replace(second=0) != minute[0].time.replace(second=0):
            monitor.ingest(minute)
            minute = []
        minute.append(document)
    monitor.ingest(minute)
    monitor.close()
    return alerts


def score(alerts: list, surges: list[tuple[str, datetime]]) -> dict[str, dict]:
    results = {}
    for rule in [r["name"] for r in RULES]:
        fired = [a for a in alerts if a.rule == rule]
        delays, false_alarms = [], []
        for name, begin in surges:
            hits = [a.fired_at for a in fired
                    if a.key == name and begin <= a.fired_at <= begin + timedelta(hours=2)]
            delays.append(round((min(hits) - begin).total_seconds() / 60, 1) if hits else None)
        for alert in fired:
            if not any(alert.key == name and begin <= alert.fired_at
                       <= begin + timedelta(hours=SURGE_HOURS + 1) for name, begin in surges):
                false_alarms.append(f"{alert.key}@{alert.fired_at:%m-%d %H:%M}")
        found = [d for d in delays if d is not None]
        results[rule] = {
            "delays_minutes": delays,
            "detected": len(found), "within_20_min": sum(1 for d in found if d <= 20),
            "max_delay_minutes": max(found) if found else None,
            "false_alarms": len(false_alarms), "false_alarm_examples": false_alarms[:8]}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lang", choices=["en", "zh"], default="en")
    parser.add_argument("--surge-size", type=int, nargs="+", default=[24],
                        help="documents per 2-hour surge (default 24)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[7])
    parser.add_argument("--gold", action="store_true",
                        help="the dataset's labels instead of the model's sentiment")
    args = parser.parse_args()
    watch = (WatchList([WatchedName(name=n) for n in ZH_NAMES]) if args.lang == "zh"
             else WatchList([], cashtags=True))
    cache: dict[str, DocumentAnalysis] = {}
    for size in args.surge_size:
        for seed in args.seeds:
            build = build_zh_stream if args.lang == "zh" else build_stream
            documents, gold, surges = build(size, seed)
            with LoadMeter([os.getpid()]) as load:
                started = time.perf_counter()
                analyses = analyses_of(documents, gold, args.gold, watch, cache)
                analysed = time.perf_counter() - started
                with tempfile.TemporaryDirectory() as folder:
                    alerts = replay(documents, analyses,
                                    f"sqlite:///{Path(folder) / 'replay.db'}")
                replayed = time.perf_counter() - started - analysed
            record("monitor_detection", {
                "code": code_version(), "lang": args.lang, "seed": seed, "surge_size": size,
                "sentiment": "gold labels" if args.gold else "shipped model",
                "documents": len(documents), "days": DAYS,
                "watched_names": len({k for d in documents for k in analyses[d.text].watched}),
                "surges": [f"{name}@{begin:%m-%d %H:%M}" for name, begin in surges],
                "rules": score(alerts, surges),
                "analysis_seconds": round(analysed, 1), "replay_seconds": round(replayed, 1),
                "foreign_cores": round(load.foreign_cores, 2)})


if __name__ == "__main__":
    main()
