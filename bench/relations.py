"""SemEval-2010 Task 8 test through `lai.relations`, with the official (9+1)-way directed macro-F1.

    .venv/bin/python bench/relations.py [--model semeval-minilm]

Each of the 2,717 marked test sentences goes to ``lai.relations(..., threshold=0)``;
a returned triple is turned back into a directed label (head = e1 → ``(e1,e2)``),
no triple means "Other". Scored with the reimplemented official scorer
(``lepton_ai.training.relation_metrics``). Appends a JSON line to
bench/results/relations.jsonl.
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
from lepton_ai.metrics import official_scores
from lepton_ai.tasks.relations import unmark
from train_classify import semeval


def directed_label(marked: str, found: list) -> str:
    if not found:
        return "Other"
    relation = found[0]
    parsed = unmark(marked)
    assert parsed is not None
    first = parsed[1]
    return f"{relation.relation}(e1,e2)" if relation.head_span == first else (
        f"{relation.relation}(e2,e1)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="semeval-minilm")
    args = parser.parse_args()
    test = semeval("test")
    gold = [labels[0] for labels in test.labels]
    lai.relations(test.texts[:8], model=args.model, threshold=0.0)  # load outside the clock
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        found = lai.relations(test.texts, model=args.model, threshold=0.0)
        seconds = time.perf_counter() - started
    predicted = [directed_label(t, f) for t, f in zip(test.texts, found, strict=True)]
    scores = official_scores(gold, predicted)
    result = {
        "data": "semeval2010_task8/test", "model": Path(args.model).name,
        "sentences": len(gold), "official_macro_f1": round(scores["macro_f1"], 2),
        "micro_f1": round(scores["micro_f1"], 2), "accuracy": round(scores["accuracy"], 2),
        "wrong_direction": scores["wrong_direction"],
        "per_relation_f1": {k: round(v["f1"], 1) for k, v in scores["per_relation"].items()},
        "sentences_per_second": round(len(gold) / seconds, 1),
        "foreign_cpu_cores": round(meter.foreign_cores, 2), "code": code_version(),
    }
    record("relations", result)


if __name__ == "__main__":
    main()
