"""The monitor with the shipped models: analysis stored per document, watched names
through aliases in English and Chinese, and an alert whose evidence has key phrases
and a summary."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from lepton_ai.solutions.monitor import Monitor
from lepton_ai.tasks.summarize import sentences_of

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SURGE = [
    "Apple shares plunge after regulators open a fraud investigation into its accounts.",
    "Investors dump Apple stock as the fraud probe widens and sales collapse.",
    "Apple faces lawsuits over misleading revenue figures; the stock falls sharply.",
    "招商银行股价今日大跌，投资者担忧其房地产贷款风险。",
]


def test_a_monitor_analyses_stores_and_alerts_with_evidence(tmp_path: Path) -> None:
    rows = [{"id": f"s{i}", "time": (T0 + timedelta(minutes=5 * i)).isoformat(),
             "text": t, "source": "news"} for i, t in enumerate(SURGE)]
    rows.append({"id": "calm", "time": (T0 - timedelta(days=1)).isoformat(),
                 "text": "Apple opens a new store in Berlin.", "source": "news"})
    with (tmp_path / "news.jsonl").open("w", encoding="utf-8") as handle:
        for row in sorted(rows, key=lambda r: r["time"]):
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    (tmp_path / "m.yaml").write_text(
        "name: real\ninput: {path: news.jsonl}\nchannels: [{kind: log}]\n"
        "analysis: {tasks: [sentiment, entities, topic], topics: [earnings, legal, stores]}\n"
        "watch: [{name: Apple, aliases: [AAPL]}, {name: 招商银行, aliases: [招行], id: cmb}]\n"
        "rules: [{name: surge, min_negative: 3}]\n", encoding="utf-8")
    raised: list = []
    monitor = Monitor.from_file(tmp_path / "m.yaml", on_alert=raised.append)
    stats = monitor.run()
    monitor.close()
    assert stats.documents == 5 and stats.alerts == 1
    (alert,) = raised
    assert alert.key == "Apple" and alert.figures.negative == 3
    assert alert.key_phrases and "fraud" in " ".join(alert.key_phrases).lower()
    quoted = "\n".join(d["text"] for d in alert.documents)
    summary = alert.summary
    assert summary and all(summary[a:b] in quoted for a, b in sentences_of(summary))
    with create_engine(f"sqlite:///{tmp_path / 'real.db'}").connect() as connection:
        stored = {row.id: row for row in connection.execute(text(
            "select id, lang, sentiment, topic, entities from monitor_documents"))}
        keys = set(connection.execute(text(
            "select key from monitor_mentions where kind = 'entity'")).scalars())
    assert stored["s3"].lang == "zh" and stored["s3"].sentiment == "negative"
    assert stored["calm"].sentiment != "negative" and stored["s0"].topic in (
        "earnings", "legal", "stores")
    assert any(label == "ORG" for _, label in json.loads(stored["s0"].entities))
    assert keys == {"Apple", "cmb"}
