"""`lai.analyze` with four tasks vs the four tasks called one by one, same texts, same run.

    .venv/bin/python bench/analyze.py [--texts 1000]

Texts: the first N AG News test articles (title + description, English).
Tasks: sentiment, topic (zero-shot over AG News's four classes), ner, keywords
(k=5). Every model is loaded before the clock starts; the two ways alternate
over ``--rounds`` rounds and the best round of each is reported. Appends a JSON
line to bench/results/analyze.jsonl.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version, record
from train_classify import agnews

TOPICS = ["World", "Sports", "Business", "Sci/Tech"]


def one_by_one(texts: list[str]) -> None:
    lai.sentiment(texts)
    lai.classify(texts, labels=TOPICS)
    lai.ner(texts)
    lai.keywords(texts, 5)


def together(texts: list[str]) -> None:
    lai.analyze(texts, topics=TOPICS, k=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    texts = agnews("test").texts[: args.texts]
    one_by_one(texts[:16])
    together(texts[:16])  # every model loaded
    seconds: dict[str, list[float]] = {"one_by_one": [], "analyze": []}
    with LoadMeter([os.getpid()]) as meter:
        for _ in range(args.rounds):
            for name, run in (("one_by_one", one_by_one), ("analyze", together)):
                started = time.perf_counter()
                run(texts)
                seconds[name].append(time.perf_counter() - started)
    best = {name: min(values) for name, values in seconds.items()}
    result = {
        "texts": len(texts), "tasks": ["sentiment", "topic", "ner", "keywords"],
        "one_by_one_docs_per_second": round(len(texts) / best["one_by_one"], 1),
        "analyze_docs_per_second": round(len(texts) / best["analyze"], 1),
        "saving_percent": round(100 * (1 - best["analyze"] / best["one_by_one"]), 1),
        "seconds": {k: [round(v, 1) for v in vs] for k, vs in seconds.items()},
        "foreign_cpu_cores": round(meter.foreign_cores, 2), "code": code_version(),
    }
    record("analyze", result)


if __name__ == "__main__":
    main()
