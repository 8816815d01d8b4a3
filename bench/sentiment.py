"""`lai.sentiment` against the shipped models and baselines, English and Chinese.

    .venv/bin/python bench/sentiment.py                   # both suites
    .venv/bin/python bench/sentiment.py --suite three-way
    .venv/bin/python bench/sentiment.py --suite binary

``three-way`` (negative / neutral / positive, each model deciding neutral itself):
GoEmotions' sentiment grouping test (single-label rows, "ambiguous" dropped),
Twitter financial news validation (bearish → negative, bullish → positive; never
trained on: the shipped models hold out 10% of its train split instead), and the
project's own Chinese financial development set (bench/data/zh_financial_sentiment.csv:
written and labelled by us, a development set). Accuracy, macro F1 and the confusion
matrix (rows gold, columns predicted, order negative / neutral / positive).

``binary`` (``neutral_band=0``: every model picks a side): SST-2 test sentences and the
ChnSentiCorp test reviews (both evaluation-only sets, never trained on), plus a
ChnSentiCorp model a user trains themselves when it exists
(``bench/train_classify.py chnsenticorp --method head``; ChnSentiCorp's licence forbids
shipping it). Appends JSON lines to bench/results/sentiment.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record
from train_classify import RESULTS, chnsenticorp, sst2

CHINESE_TRAINED = RESULTS / "models" / "chnsenticorp-head-all-s0"
ZH_FINANCIAL = Path(__file__).resolve().parent / "data" / "zh_financial_sentiment.csv"
LABELS = ("negative", "neutral", "positive")
ENGLISH = ["goemotions-fin-minilm", "goemotions-minilm", "vader"]
CHINESE = ["zh-fusion", "zh-lexicon", "goemotions-fin-use", "snownlp"]
Data = tuple[list[str], list[str]]


def goemotions_test() -> Data:
    grouping = {"1": "negative", "2": "neutral", "3": "positive"}
    with (SHARED_DATA / "goemotions" / "group" / "test.tsv").open(encoding="utf-8") as handle:
        rows = [(text, grouping[ids]) for text, ids, _ in
                csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE) if ids in grouping]
    return [t for t, _ in rows], [g for _, g in rows]


def financial_tweets_valid() -> Data:
    names = {"0": "negative", "1": "positive", "2": "neutral"}
    path = SHARED_DATA / "twitter_financial_news_sentiment" / "sent_valid.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [names[r["label"]] for r in rows]


def zh_financial() -> Data:
    with ZH_FINANCIAL.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [r["text"] for r in rows], [r["label"] for r in rows]


def binary(load: Callable) -> Callable[[], Data]:
    def read() -> Data:
        data = load("test")
        return data.texts, [labels[0] for labels in data.labels]
    return read


def measure(dataset: str, texts: list[str], gold: list[str], model: str, lang: str,
            band: float | None) -> dict:
    options = {} if band is None else {"neutral_band": band}
    lai.sentiment(texts[:8], model=model, lang=lang)  # load outside the clock
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        found = lai.sentiment(texts, model=model, lang=lang, **options)
        seconds = time.perf_counter() - started
    from sklearn.metrics import confusion_matrix, f1_score

    predicted = [r.label for r in found]
    present = [label for label in LABELS if label in gold]
    return {
        "dataset": dataset, "model": Path(model).name, "examples": len(gold),
        "neutral_band": band if band is not None else "default",
        "accuracy": round(100 * float(np.mean([p == g for p, g in zip(predicted, gold,
                                                                        strict=True)])), 2),
        "macro_f1": round(100 * f1_score(gold, predicted, labels=present, average="macro",
                                         zero_division=0), 2),
        "confusion": confusion_matrix(gold, predicted, labels=list(LABELS)).tolist(),
        "texts_per_second": round(len(gold) / seconds, 1),
        "foreign_cpu_cores": round(meter.foreign_cores, 2), "code": code_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--suite", choices=["three-way", "binary", "all"], default="all")
    parser.add_argument("--chinese-model", default=str(CHINESE_TRAINED),
                        help="a ChnSentiCorp model directory trained with lai train")
    args = parser.parse_args()
    runs: list[tuple[str, Callable[[], Data], str, list[str], float | None]] = []
    if args.suite in ("three-way", "all"):
        runs += [("goemotions-3way", goemotions_test, "en", ENGLISH, None),
                 ("financial-tweets-3way", financial_tweets_valid, "en", ENGLISH, None),
                 ("zh-financial-dev-3way", zh_financial, "zh", CHINESE, None)]
    if args.suite in ("binary", "all"):
        chinese = CHINESE + ([args.chinese_model] if Path(args.chinese_model).is_dir() else [])
        runs += [("sst2", binary(sst2), "en", ENGLISH, 0.0),
                 ("chnsenticorp", binary(chnsenticorp), "zh", chinese, 0.0)]
    for dataset, load, lang, models, band in runs:
        texts, gold = load()
        for model in models:
            record("sentiment", measure(dataset, texts, gold, model, lang, band))


if __name__ == "__main__":
    main()
