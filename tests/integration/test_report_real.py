"""`lai report` with the shipped models: a file of English and Chinese documents becomes
one offline HTML file with charts, topics, a leaderboard and PNGs that draw Chinese."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from lepton_ai.cli.main import app

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TEXTS = [
    "Apple shares fell after weak iPhone sales in China.",
    "Apple beats expectations with record services revenue.",
    "Microsoft cloud growth lifts its stock to a new high.",
    "Microsoft faces an antitrust probe in Europe.",
    "The Federal Reserve keeps interest rates unchanged.",
    "The Federal Reserve signals two rate cuts next year.",
    "Oil prices drop as OPEC raises output.",
    "Oil rallies on supply fears in the Middle East.",
    "招商银行股价今日大跌，投资者担忧其房地产贷款风险。",
    "贵州茅台三季度净利润同比增长15%，超出市场预期。",
    "央行宣布下调存款准备金率，释放长期资金。",
    "<script>alert('x')</script> Tesla recalls cars over a brake fault.",
]


def test_a_file_becomes_an_offline_html_report_with_png_charts(tmp_path: Path) -> None:
    with (tmp_path / "news.jsonl").open("w", encoding="utf-8") as handle:
        for i in range(48):
            handle.write(json.dumps({"time": (T0 + timedelta(hours=i)).isoformat(),
                                     "text": TEXTS[i % len(TEXTS)] + f" ({i})",
                                     "source": "wire" if i % 2 else "blog"},
                                    ensure_ascii=False) + "\n")
        handle.write(json.dumps({"time": "not a time", "text": "skipped"}) + "\n")
    out = tmp_path / "out" / "report.html"
    result = CliRunner().invoke(app, ["report", str(tmp_path / "news.jsonl"), "--out", str(out),
                                      "--title", "舆情 report", "--topics", "3"])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "vegaEmbed(" in page and "舆情 report" in page
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=\"?https?:", page)  # no CDN
    assert "<script>alert" not in page  # texts are escaped wherever they are shown
    assert "1 row(s) without text or a readable time" in page
    files = out.with_name("report_files")
    for name in ("timeline", "polarity", "leaders", "topics"):
        assert (files / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    numbers = json.loads((files / "report.json").read_text(encoding="utf-8"))
    assert numbers["documents"] == 48 and len(numbers["topics"]) == 3
    assert {"Apple", "Microsoft"} <= {row["key"] for row in numbers["leaders"]}
    assert sum(numbers["sentiment_shares"].values()) == 1.0 or abs(
        sum(numbers["sentiment_shares"].values()) - 1.0) < 1e-9
