"""Zero-shot classification (`lai.classify(texts, labels=...)`) on AG News and SST-2.

    .venv/bin/python bench/zero_shot.py

No training examples: each text goes to the closest label name or description.
AG News: the 7,600 test texts; SST-2: the 1,821 sentence-level test sentences.
Appends JSON lines to bench/results/zero_shot.jsonl.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version
from label_sets import LABEL_SETS
from train_classify import RESULTS, agnews, sst2


def main() -> None:
    for dataset, load in (("agnews", agnews), ("sst2", sst2)):
        data = load("test")
        gold = [labels[0] for labels in data.labels]
        for kind, labels in LABEL_SETS[dataset].items():
            with LoadMeter([os.getpid()]) as meter:
                started = time.perf_counter()
                found = lai.classify(data.texts, labels=labels, lang="en")
                seconds = time.perf_counter() - started
            hits = sum(r.label == g for r, g in zip(found, gold, strict=True))
            result = {"dataset": dataset, "labels": kind, "examples": len(gold),
                      "accuracy": round(100 * hits / len(gold), 2),
                      "texts_per_second": round(len(gold) / seconds, 1),
                      "foreign_cpu_cores": round(meter.foreign_cores, 2), "code": code_version()}
            print(json.dumps(result))
            with (RESULTS / "zero_shot.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
