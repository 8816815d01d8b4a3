"""One-sentence summaries of news against lead-1: AG News (issue 26).

    .venv/bin/python bench/summarize_agnews.py

AG News test descriptions with two sentences or more (../shared/data/ag_news, never
copied; research-use data, evaluation only), each article's title as a one-line
reference: ROUGE-1/2/L F1 ×100 (rouge-score, Porter stemming) of the default
``lai.summarize(text, method="extractive", max_sentences=1)``, of the same without
the lead prior (``lead=False``, centrality alone) and of lead-1. The lead prior's
weight and decay were chosen on the first half; the second half is reported apart.

``--word-centrality`` ranks every text by TF-IDF word centrality, the path texts of
more than ``EMBED_ALL_UP_TO`` sentences take, to compare it with embeddings here.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.tasks.summarize import sentences_of
from summarize_dialogsum import score


def articles() -> list[tuple[str, str]]:
    """(title, description) of the test articles whose description has ≥ 2 sentences."""
    path = SHARED_DATA / "ag_news" / "test.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [(title, text.replace("\\", " ")) for _, title, text in csv.reader(handle)]
    return [(title, text) for title, text in rows if len(sentences_of(text)) >= 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--word-centrality", action="store_true")
    args = parser.parse_args()
    if args.word_centrality:
        import lepton_ai.tasks.summarize as summarize_module

        summarize_module.EMBED_ALL_UP_TO = 0
    rows = articles()
    half = len(rows) // 2
    for name, part in (("first half, tuned on", rows[:half]), ("second half", rows[half:])):
        titles = [title for title, _ in part]
        contenders = {
            "lead-1": lambda text: text[slice(*sentences_of(text)[0])],
            "extractive-1 (default)": lambda text: lai.summarize(
                text, method="extractive", max_sentences=1).text,
            "extractive-1, lead=False": lambda text: lai.summarize(
                text, method="extractive", max_sentences=1, lead=False).text,
        }
        for method, summarize in contenders.items():
            with LoadMeter([os.getpid()]) as meter:
                started = time.perf_counter()
                predictions = [summarize(text) for _, text in part]
                seconds = time.perf_counter() - started
            if args.word_centrality:
                method += " [word centrality]"
            result = {"method": method, "part": name, "articles": len(part),
                      **score(predictions, titles),
                      "articles_per_s": round(len(part) / seconds, 1),
                      "foreign_cores": round(meter.foreign_cores, 2), "code": code_version()}
            print(result, flush=True)
            record("summarize_agnews", result)


if __name__ == "__main__":
    main()
