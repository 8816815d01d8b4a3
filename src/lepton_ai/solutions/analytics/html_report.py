"""``lai report``: a collection of documents as one self-contained HTML file.

Sentiment over time, volume, a leaderboard of the most mentioned names (or topics,
sources) with their tone, topics found in the collection, key phrases and example
documents. Charts are interactive in the HTML (scripts bundled in, works offline)
and written as PNGs beside it; the numbers behind them go to ``report.json``.

    report = build_report(from_monitor(Path("monitor.yaml")))
    write_report(report, Path("report.html"))
"""

from __future__ import annotations

import html
import json
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from lepton_ai.solutions.analytics import charts
from lepton_ai.solutions.analytics.collection import CollectedDocument, Collection
from lepton_ai.solutions.analytics.topic_clusters import TopicCluster, find_topics, words_of

LEADERS = 20
EXAMPLES = 5
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass
class Report:
    """Everything a report shows, as plain values."""

    title: str
    origin: str
    by: str
    documents: int
    start: datetime | None
    end: datetime | None
    sentiment_shares: dict[str, float]
    bucket: str
    timeline: list[dict[str, Any]]
    leaders: list[dict[str, Any]]
    topics: list[TopicCluster]
    topics_sampled: int
    key_phrases: list[tuple[str, int]]
    most_negative: list[dict[str, Any]]
    most_positive: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def build_report(collection: Collection, *, title: str = "Text analytics report",
                 topics: int | None = None) -> Report:
    """Work out every section of the report from ``collection``."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    documents = collection.documents
    start, end = (documents[0].time, documents[-1].time) if documents else (None, None)
    bucket = _bucket(start, end)
    shares = Counter(d.sentiment for d in documents)
    timeline = _timeline(documents, bucket)
    leaders = _leaders(documents)
    timings["aggregates"] = time.perf_counter() - started
    started = time.perf_counter()
    found, sampled = find_topics([d.text for d in documents], [d.sentiment for d in documents],
                                 [d.polarity for d in documents], k=topics)
    timings["topics"] = time.perf_counter() - started
    notes = list(collection.notes)
    if sampled < len(documents):
        notes.append(f"Topics were found on a random sample of {sampled:,} of the "
                     f"{len(documents):,} documents; their shares are estimates.")
    ranked = sorted(documents, key=lambda d: d.polarity)
    return Report(
        title=title, origin=collection.origin, by=collection.by, documents=len(documents),
        start=start, end=end,
        sentiment_shares={s: shares[s] / max(len(documents), 1) for s in SENTIMENTS},
        bucket=bucket, timeline=timeline, leaders=leaders, topics=found,
        topics_sampled=sampled, key_phrases=_key_phrases(documents),
        most_negative=[_example(d) for d in ranked[:EXAMPLES] if d.polarity < 0],
        most_positive=[_example(d) for d in reversed(ranked[-EXAMPLES:]) if d.polarity > 0],
        notes=notes, seconds=timings)


def _bucket(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return "day"
    span = end - start
    return "hour" if span <= timedelta(days=3) else "day" if span <= timedelta(days=400) \
        else "month"


def _bucket_start(when: datetime, bucket: str) -> datetime:
    when = when.astimezone(UTC)
    if bucket == "hour":
        return when.replace(minute=0, second=0, microsecond=0)
    if bucket == "day":
        return when.replace(hour=0, minute=0, second=0, microsecond=0)
    return when.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _timeline(documents: Sequence[CollectedDocument], bucket: str) -> list[dict[str, Any]]:
    counts: dict[datetime, Counter[str]] = defaultdict(Counter)
    polarity: dict[datetime, list[float]] = defaultdict(list)
    for document in documents:
        slot = _bucket_start(document.time, bucket)
        counts[slot][document.sentiment] += 1
        polarity[slot].append(document.polarity)
    rows = []
    for slot in sorted(counts):
        mean = sum(polarity[slot]) / len(polarity[slot])
        for order, sentiment in enumerate(SENTIMENTS):
            rows.append({"start": slot.isoformat(), "sentiment": sentiment, "order": order,
                         "count": counts[slot][sentiment], "mean_polarity": round(mean, 4)})
    return rows


def _leaders(documents: Sequence[CollectedDocument]) -> list[dict[str, Any]]:
    volume: Counter[str] = Counter()
    negative: Counter[str] = Counter()
    polarity: dict[str, float] = defaultdict(float)
    for document in documents:
        for key in document.keys:
            volume[key] += 1
            negative[key] += document.sentiment == "negative"
            polarity[key] += document.polarity
    return [{"key": key, "volume": count, "negative": negative[key],
             "negative_share": round(negative[key] / count, 4),
             "mean_polarity": round(polarity[key] / count, 4)}
            for key, count in volume.most_common(LEADERS)]


def _key_phrases(documents: Sequence[CollectedDocument], top: int = 30) -> list[tuple[str, int]]:
    stored = Counter(k for d in documents for k in d.keywords)
    if stored:
        return stored.most_common(top)
    return Counter(w for d in documents for w in set(words_of(d.text))).most_common(top)


def _example(document: CollectedDocument) -> dict[str, Any]:
    return {"time": document.time.isoformat(timespec="minutes"), "source": document.source,
            "polarity": round(document.polarity, 3), "text": document.text}


def write_report(report: Report, path: Path, png: bool = True) -> list[Path]:
    """Write the HTML (and PNGs, and the numbers as JSON, in ``NAME_files/``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    specs = _charts(report)
    folder = path.with_name(path.stem + "_files")
    folder.mkdir(exist_ok=True)
    bundle, pngs = charts.render(specs, folder if png else None)
    path.write_text(_html(report, specs, bundle), encoding="utf-8")
    data = folder / "report.json"
    data.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=1, default=str),
                    encoding="utf-8")
    return [path, data, *pngs]


def _charts(report: Report) -> dict[str, dict[str, Any]]:
    specs = {}
    if report.timeline:
        specs["timeline"] = charts.timeline_chart(report.timeline, report.bucket)
        means = {row["start"]: row["mean_polarity"] for row in report.timeline}
        specs["polarity"] = charts.polarity_chart(
            [{"start": start, "mean_polarity": mean} for start, mean in means.items()],
            report.bucket)
    if report.leaders:
        specs["leaders"] = charts.leaderboard_chart(report.leaders, report.by)
    if report.topics:
        specs["topics"] = charts.topics_chart([
            {"name": t.name, "share": round(t.share, 4), "size": t.size,
             "negative_share": round(t.negative_share, 4)} for t in report.topics])
    return specs


STYLE = """
body{font-family:"DejaVu Sans","Noto Sans CJK SC","Noto Sans CJK JP","PingFang SC",
"Microsoft YaHei",sans-serif;margin:2rem auto;max-width:980px;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem} h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #ddd} table{border-collapse:collapse;width:100%;font-size:.9rem}
td,th{border-bottom:1px solid #eee;padding:.3rem .5rem;text-align:left;vertical-align:top}
.muted{color:#777;font-size:.9rem} .neg{color:#b71c1c} .pos{color:#1b5e20}
.chips span{display:inline-block;background:#f1f3f4;border-radius:1rem;padding:.1rem .6rem;
margin:.15rem;font-size:.85rem}
"""


def _html(report: Report, specs: dict[str, dict[str, Any]], bundle: str) -> str:
    e = html.escape
    span = (f"{report.start:%Y-%m-%d %H:%M} – {report.end:%Y-%m-%d %H:%M} UTC"
            if report.start and report.end else "no documents")
    shares = " · ".join(f"{name} {share:.1%}" for name, share in report.sentiment_shares.items())
    parts = [f"<h1>{e(report.title)}</h1>",
             f"<p class=muted>{report.documents:,} documents from {e(report.origin)}; "
             f"{e(span)}; {e(shares)}</p>"]
    parts += [f"<p class=muted>{e(note)}</p>" for note in report.notes]
    parts += ["<h2>Sentiment over time</h2>", '<div id="timeline"></div>',
              '<div id="polarity"></div>']
    if report.leaders:
        parts += [f"<h2>Most mentioned: {e(report.by)}</h2>", '<div id="leaders"></div>',
                  _table(["name", "mentions", "negative share", "mean polarity"],
                         [[r["key"], f"{r['volume']:,}", f"{r['negative_share']:.1%}",
                           f"{r['mean_polarity']:+.2f}"] for r in report.leaders])]
    if report.topics:
        parts += ["<h2>Topics</h2>", '<div id="topics"></div>',
                  _table(["topic", "share", "negative share", "typical documents"],
                         [[t.name, f"{t.share:.1%}", f"{t.negative_share:.1%}",
                           " / ".join(x[:160] for x in t.examples)] for t in report.topics])]
    parts += ["<h2>Key phrases</h2>", "<p class=chips>" + "".join(
        f"<span>{e(phrase)} ({count:,})</span>" for phrase, count in report.key_phrases)
        + "</p>"]
    for heading, rows, tone in (("Most negative documents", report.most_negative, "neg"),
                                ("Most positive documents", report.most_positive, "pos")):
        parts += [f"<h2>{heading}</h2>", _table(
            ["time", "source", "polarity", "text"],
            [[r["time"], r["source"], f"{r['polarity']:+.2f}", r["text"]] for r in rows],
            tone)]
    return ("<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<title>{e(report.title)}</title><style>{STYLE}</style>"
            f"<script>{bundle}</script></head><body>"
            + "\n".join(parts)
            + f"<script>{charts.embed_script(specs)}</script></body></html>")


def _table(header: list[str], rows: list[list[str]], tone: str = "") -> str:
    e = html.escape
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td class={tone}>{e(str(c))}</td>" if tone else
                                    f"<td>{e(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"
