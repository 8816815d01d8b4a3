"""The report's parts without models: topic names by class-based TF-IDF, content words
in both languages, and an HTML page that shows users' texts without running them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from lepton_ai.solutions.analytics import Report, write_report
from lepton_ai.solutions.analytics.topic_clusters import TopicCluster, cluster_words, words_of

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_content_words_leave_out_stop_words_links_and_tickers() -> None:
    assert words_of("The $AAPL shares fell https://t.co/x as @bob said") == [
        "shares", "fell", "said"]
    assert "股价" in words_of("招商银行股价今日大跌") and "今日" not in words_of("招商银行股价今日大跌")


def test_clusters_are_named_by_the_words_that_set_them_apart() -> None:
    texts = ["oil prices rally on supply fears", "oil prices drop as output rises",
             "crude oil prices climb", "bank profits beat forecasts",
             "bank profits fall on bad loans", "regional bank profits slip"]
    names = cluster_words(texts, np.array([0, 0, 0, 1, 1, 1]), 2)
    assert names[0][:2] == ["oil", "prices"] and names[1][:2] == ["bank", "profits"]


def test_users_texts_are_escaped_in_the_page_and_in_the_chart_data(tmp_path: Path) -> None:
    hostile = "</script><script>alert(1)</script>"
    report = Report(
        title="<b>title</b>", origin="test", by="entity", documents=1, start=T0, end=T0,
        sentiment_shares={"negative": 1.0, "neutral": 0.0, "positive": 0.0}, bucket="hour",
        timeline=[{"start": T0.isoformat(), "sentiment": "negative", "order": 0, "count": 1,
                   "mean_polarity": -0.9}],
        leaders=[{"key": hostile, "volume": 1, "negative": 1, "negative_share": 1.0,
                  "mean_polarity": -0.9}],
        topics=[TopicCluster("t", ("t",), 1, 1.0, 1.0, -0.9, (hostile,))], topics_sampled=1,
        key_phrases=[(hostile, 1)],
        most_negative=[{"time": "t", "source": "s", "polarity": -0.9, "text": hostile}],
        most_positive=[])
    written = write_report(report, tmp_path / "r.html", png=False)
    page = written[0].read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;b&gt;title&lt;/b&gt;" in page
    assert page.count("</script>") == 2  # the bundle's and the charts' own tags only



def test_a_chart_renderer_that_crashes_is_retried_once_then_named(
        tmp_path: Path, monkeypatch) -> None:
    import sys

    import pytest

    from lepton_ai.solutions.analytics import charts

    tries = tmp_path / "tries"
    crashing = tmp_path / "python"
    crashing.write_text(f"#!/bin/sh\necho x >> {tries}\nkill -SEGV $$\n")
    crashing.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(crashing))
    with pytest.raises(ImportError, match=r"LAI-E1107.*failed twice.*vega_process"):
        charts.render({}, None)
    assert tries.read_text().count("x") == 2
