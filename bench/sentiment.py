"""`lai.sentiment` against the packaged baselines: SST-2 (English) and ChnSentiCorp (Chinese).

    .venv/bin/python bench/sentiment.py

SST-2: the 1,821 sentence-level test sentences; the shipped default
(``goemotions-minilm``) beside VADER. ChnSentiCorp: the 1,200 test reviews; SnowNLP
(the shipped Chinese default) beside the best path a user trains themselves
(frozen USE + head, ``bench/train_classify.py chnsenticorp --method head``;
ChnSentiCorp's license forbids shipping weights derived from it). Both test sets
are binary, so every model must choose a side (``neutral_band=0``). Appends JSON
lines to bench/results/sentiment.jsonl.
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
from train_classify import RESULTS, chnsenticorp, sst2

CHINESE_TRAINED = RESULTS / "models" / "chnsenticorp-head-all-s0"


def measure(dataset: str, texts: list[str], gold: list[str], model: str, lang: str) -> dict:
    lai.sentiment(texts[:8], model=model, lang=lang)  # load outside the clock
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        found = lai.sentiment(texts, model=model, lang=lang, neutral_band=0.0)
        seconds = time.perf_counter() - started
    hits = sum(r.label == g for r, g in zip(found, gold, strict=True))
    return {"dataset": dataset, "model": Path(model).name, "examples": len(gold),
            "accuracy": round(100 * hits / len(gold), 2),
            "texts_per_second": round(len(gold) / seconds, 1),
            "foreign_cpu_cores": round(meter.foreign_cores, 2), "code": code_version()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chinese-model", default=str(CHINESE_TRAINED),
                        help="a ChnSentiCorp model directory trained with lai train")
    args = parser.parse_args()
    runs = [("sst2", sst2, "en", ["goemotions-minilm", "vader"]),
            ("chnsenticorp", chnsenticorp, "zh", ["snownlp", args.chinese_model])]
    for dataset, load, lang, models in runs:
        data = load("test")
        gold = [labels[0] for labels in data.labels]
        for model in models:
            if model == args.chinese_model and not Path(model).is_dir():
                print(f"skipping {model}: train it with "
                      "bench/train_classify.py chnsenticorp --method head", file=sys.stderr)
                continue
            result = measure(dataset, data.texts, gold, model, lang)
            record("sentiment", result)


if __name__ == "__main__":
    main()
