"""The report's charts as Vega-Lite specs: one spec is both the interactive chart in the
HTML (Vega-Embed, bundled into the file by ``vl-convert`` — no CDN, works offline)
and the PNG beside it (rendered by ``vl-convert`` with the packaged Noto Sans CJK
font, so Chinese labels are drawn, not boxes). vl-convert runs in a child process
(see ``vega_process``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

#: The fonts charts ask for: Latin first, then the CJK font shipped for figures.
FONT = "DejaVu Sans, Noto Sans CJK JP, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
SENTIMENT_COLOURS = {"negative": "#d62728", "neutral": "#9e9e9e", "positive": "#2ca02c"}
WIDTH = 760


TIME_UNITS = {"hour": "yearmonthdatehours", "day": "yearmonthdate", "month": "yearmonth"}


def timeline_chart(rows: Sequence[dict[str, Any]], bucket: str) -> dict[str, Any]:
    """Documents per time bucket, stacked by sentiment."""
    return _spec({
        "title": f"Documents per {bucket}, by sentiment",
        "data": {"values": list(rows)},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {"field": "start", "type": "temporal", "title": None,
                  "timeUnit": {"unit": TIME_UNITS[bucket], "utc": True}},
            "y": {"field": "count", "type": "quantitative", "title": "documents"},
            "color": _sentiment_colour(),
            "order": {"field": "order", "type": "quantitative"},
        },
    })


def polarity_chart(rows: Sequence[dict[str, Any]], bucket: str) -> dict[str, Any]:
    """Mean polarity (P(positive) − P(negative)) per time bucket."""
    return _spec({
        "title": f"Mean polarity per {bucket}",
        "data": {"values": list(rows)},
        "mark": {"type": "line", "point": True, "tooltip": True},
        "encoding": {
            "x": {"field": "start", "type": "temporal", "title": None},
            "y": {"field": "mean_polarity", "type": "quantitative", "title": "mean polarity",
                  "scale": {"domain": [-1, 1]}},
        },
        "height": 160,
    })


def leaderboard_chart(rows: Sequence[dict[str, Any]], by: str) -> dict[str, Any]:
    """The most mentioned keys: mentions, coloured by negative share."""
    return _ranked_bars(rows, f"Most mentioned ({by}), coloured by negative share",
                        ("key", "volume", "mentions"))


def topics_chart(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Found topics by share of the documents, coloured by negative share."""
    return _ranked_bars(rows, "Topics found in the collection",
                        ("name", "share", "share of documents"), axis_format="%")


def _ranked_bars(rows: Sequence[dict[str, Any]], title: str, fields: tuple[str, str, str],
                 axis_format: str | None = None) -> dict[str, Any]:
    """Horizontal bars, longest first, coloured from green (no negative) to red."""
    name, value, value_title = fields
    x: dict[str, Any] = {"field": value, "type": "quantitative", "title": value_title}
    if axis_format:
        x["axis"] = {"format": axis_format}
    return _spec({
        "title": title,
        "data": {"values": list(rows)},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": name, "type": "nominal", "sort": "-x", "title": None},
            "x": x,
            "color": {"field": "negative_share", "type": "quantitative",
                      "title": "negative share",
                      "scale": {"scheme": "redyellowgreen", "reverse": True,
                                "domain": [0, 1]}},
        },
    })


def _sentiment_colour() -> dict[str, Any]:
    return {"field": "sentiment", "type": "nominal", "title": "sentiment",
            "scale": {"domain": list(SENTIMENT_COLOURS),
                      "range": list(SENTIMENT_COLOURS.values())}}


def _spec(body: dict[str, Any]) -> dict[str, Any]:
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "width": WIDTH,
            "config": {"font": FONT, "title": {"anchor": "start", "fontSize": 14}},
            **body}


def render(specs: dict[str, dict[str, Any]], png_folder: Path | None) -> tuple[str, list[Path]]:
    """The Vega-Embed script bundle (Vega, Vega-Lite and Vega-Embed, about 0.9 MB) and,
    with ``png_folder``, each chart as ``NAME.png`` there (twice the screen
    resolution, CJK font registered). vl-convert runs in a child process
    (:mod:`vega_process` says why); a crash of it is retried once, then LAI-E1107."""
    import subprocess
    import sys
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        bundle = Path(scratch) / "bundle.js"
        pngs = {str(png_folder / f"{name}.png"): spec for name, spec in specs.items()
                } if png_folder is not None else {}
        job = json.dumps({"bundle": str(bundle), "pngs": pngs, "fonts": _cjk_font_folders()},
                         default=str)
        for _ in range(2):
            child = subprocess.run(
                [sys.executable, "-m", "lepton_ai.solutions.analytics.vega_process"],
                input=job, capture_output=True, text=True, check=False)
            if child.returncode == 0:
                return bundle.read_text(encoding="utf-8"), [Path(p) for p in pngs]
        from lepton_ai.errors import E, LeptonError

        problem = (child.stderr.strip().splitlines() or [f"exit code {child.returncode}"])[-1]
        raise LeptonError(E.E1107, problem=problem[:300])


def embed_script(charts: dict[str, dict[str, Any]]) -> str:
    """JavaScript that draws each spec into the element with its id."""
    return "\n".join(
        f"vegaEmbed({json.dumps('#' + name)}, {_script_json(spec)},"
        ' {"actions": {"export": true, "source": false, "compiled": false, "editor": false}});'
        for name, spec in charts.items())


def _script_json(value: Any) -> str:
    """JSON safe inside a <script> element: no text in the data can end it."""
    return json.dumps(value, ensure_ascii=False, default=str).replace("<", "\\u003c")


def _cjk_font_folders() -> list[str]:
    import importlib.util

    from lepton_ai.evaluation.fonts import CJK_FONT_FILE, CJK_FONT_PACKAGE

    found = importlib.util.find_spec(CJK_FONT_PACKAGE)
    if found is not None and found.origin is not None:
        folder = (Path(found.origin).parent / CJK_FONT_FILE).parent
        if folder.is_dir():
            return [str(folder)]
    return []
