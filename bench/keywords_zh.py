"""Chinese key phrases on the project's development set: F1@5 against jieba.

    .venv/bin/python bench/keywords_zh.py                # both halves, every method
    .venv/bin/python bench/keywords_zh.py --half held    # the half settings were not chosen on

The set (bench/data/zh_keyphrases_dev.jsonl, 200 documents written and labelled by the
project before any run) is split in two: even rows ("tune", where the settings of
``lai.keywords`` were chosen) and odd rows ("held"). Document = title + "。" + text;
gold = the author-style key phrases. Exact match after lowercasing and removing
spaces; precision, recall and F1 per document, macro-averaged (as bench/keywords_inspec.py).

Peers, same documents: ``jieba.analyse.extract_tags`` with its defaults (the baseline the
issue names) and ``jieba.analyse.textrank``. Speed: documents per second of one call over
every document, and over 300-character documents (two set documents joined). Appends JSON
lines to bench/results/keywords_zh.jsonl, with the cores other processes used.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version, record

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "zh_keyphrases_dev.jsonl"


def load(half: str) -> tuple[list[str], list[list[str]]]:
    """Documents and gold key phrases of ``tune`` (even rows), ``held`` (odd) or ``all``."""
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    rows = {"tune": rows[0::2], "held": rows[1::2], "all": rows}[half]
    return [f"{r['title']}。{r['text']}" for r in rows], [r["keywords"] for r in rows]


def normal(phrase: str) -> str:
    return "".join(phrase.lower().split())


def f1_at(predicted: list[list[str]], gold: list[list[str]], k: int = 5) -> dict[str, float]:
    """Macro precision, recall and F1 (in %) of the first ``k`` distinct predictions."""
    totals = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    for guesses, truth in zip(predicted, gold, strict=True):
        top = list(dict.fromkeys(normal(g) for g in guesses))[:k]
        gold_set = {normal(t) for t in truth}
        hits = sum(1 for phrase in top if phrase in gold_set)
        p = hits / len(top) if top else 0.0
        r = hits / len(gold_set)
        totals["precision"] += p
        totals["recall"] += r
        totals["f1"] += 2 * p * r / (p + r) if hits else 0.0
    return {name: round(100 * value / len(gold), 2) for name, value in totals.items()}


def methods() -> dict[str, Callable[[list[str]], list[list[str]]]]:
    import jieba
    import jieba.analyse

    jieba.setLogLevel(logging.WARNING)

    def ours(method: str) -> Callable[[list[str]], list[list[str]]]:
        return lambda docs: [[k.phrase for k in row]
                             for row in lai.keywords(docs, 5, method=method)]

    return {
        "jieba extract_tags": lambda docs: [jieba.analyse.extract_tags(d, topK=5) for d in docs],
        "jieba textrank": lambda docs: [jieba.analyse.textrank(d, topK=5) for d in docs],
        "lai.keywords (auto = statistical)": ours("auto"),
        "lai.keywords method=embedding": ours("embedding"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("tune", "held", "all", "both"), default="both")
    args = parser.parse_args()
    halves = ("tune", "held", "all") if args.half == "both" else (args.half,)
    runners = methods()
    lai.keywords(["预热。模型加载"], 1, method="embedding")  # load jieba and the encoder once
    with LoadMeter([os.getpid()]) as meter:
        rows = []
        for half in halves:
            docs, gold = load(half)
            for name, run in runners.items():
                started = time.perf_counter()
                predicted = run(docs)
                seconds = time.perf_counter() - started
                rows.append({"half": half, "method": name, **f1_at(predicted, gold),
                             "docs_per_s": round(len(docs) / seconds, 1)})
                print(json.dumps(rows[-1], ensure_ascii=False))
        docs, _ = load("all")
        long_docs = [docs[i] + docs[i + 1] for i in range(0, len(docs) - 1, 2)]
        mean_chars = sum(map(len, long_docs)) / len(long_docs)
        for name, run in runners.items():
            started = time.perf_counter()
            run(long_docs)
            rate = len(long_docs) / (time.perf_counter() - started)
            rows.append({"half": f"joined pairs, {mean_chars:.0f} chars", "method": name,
                         "docs_per_s": round(rate, 1)})
            print(json.dumps(rows[-1], ensure_ascii=False))
    record("keywords_zh", {"code": code_version(), "rows": rows,
                           "foreign_cores": round(meter.foreign_cores, 2)})


if __name__ == "__main__":
    main()
