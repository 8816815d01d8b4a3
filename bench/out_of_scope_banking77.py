"""Out-of-scope detection, CLINC150-style, on BANKING77 (issue 20).

    .venv/bin/python bench/out_of_scope_banking77.py [--method head]

10 intents (seeded choice) are held out: their training questions are dropped and
their test questions become out-of-scope. A classifier is trained with
``out_of_scope=True`` on the other 67 intents (the threshold is calibrated on its
own validation split, which has no out-of-scope examples, as a user without such
data would) and scored on all 3,080 test questions: in-scope accuracy (abstaining
counts as wrong) and out-of-scope recall. Published reference, CLINC150 with BERT
and a threshold: 96.2 / 52.3. Appends to bench/results/out_of_scope_banking77.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from pathlib import Path

from _common import SHARED_DATA, code_version, record
from lepton_ai.evaluation.out_of_scope import OUT_OF_SCOPE
from lepton_ai.training.pipeline import train

DATA = SHARED_DATA / "banking77"
HELD_OUT = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--method", default="head")
    args = parser.parse_args()
    train_rows = list(csv.DictReader((DATA / "train.csv").open(encoding="utf-8")))
    test_rows = list(csv.DictReader((DATA / "test.csv").open(encoding="utf-8")))
    intents = sorted({row["category"] for row in test_rows})
    held = set(random.Random(1).sample(intents, HELD_OUT))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with (root / "train.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            writer.writerows((r["text"], r["category"]) for r in train_rows
                             if r["category"] not in held)
        with (root / "test.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label"])
            writer.writerows((r["text"], OUT_OF_SCOPE if r["category"] in held
                              else r["category"]) for r in test_rows)
        started = time.perf_counter()
        model = train(root / "train.csv", method=args.method, out=root / "model",
                      out_of_scope=True)
        train_s = time.perf_counter() - started
        report = model.evaluate(root / "test.csv")
    record("out_of_scope_banking77", {
        "bench": "out_of_scope_banking77", "method": args.method, "code": code_version(),
        "held_out_intents": sorted(held), "train_s": round(train_s, 1),
        "threshold_rule": model.manifest.config.get("out_of_scope_rule"),
        "test": report["out_of_scope"], "in_scope_accuracy_without_abstaining":
        round(report["accuracy"], 4)})


if __name__ == "__main__":
    main()
