"""A continual update on a handful of new examples (issue 25): time and forgetting.

    .venv/bin/python bench/update_small.py [--base-method auto] [--update-method auto]
        [--new-intents 7] [--per-new 5] [--retrain-base]

BANKING77 (../shared/data/banking77, CC BY 4.0): a classifier is trained on the
training questions of 70 intents (``--base-method``, kept in
bench/results/update_small/ and reused); then ``lai train new.csv --from BASE`` adds
``--per-new`` training examples of each of the 7 intents held back (seeded choice),
run as a user runs it: one CLI process, timed from start to exit. Both models are
scored on BANKING77's test set: accuracy on the 70 old intents before and after
(goal: at most 1 point lost), and on the 7 new ones (40 test questions each).
Goal: the update finishes in 60 s on 2 cores. Each run's time was estimated before
it started (said to the user, kept in the manifest): the record sets it beside the
measured time, and beside those of a first run on the same new examples alone
(``lai train new.csv``, the method ``auto`` picks). Appends a JSON line to
bench/results/update_small.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.errors import LeptonWarning

DATA = SHARED_DATA / "banking77"
LAI = Path(sys.executable).with_name("lai")
BASES = Path(__file__).resolve().parent / "results" / "update_small"


def read_rows(split: str) -> list[dict[str, str]]:
    with (DATA / f"{split}.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["text", "category"])
        writer.writeheader()
        writer.writerows({"text": r["text"], "category": r["category"]} for r in rows)
    return path


def accuracy(model_dir: Path, rows: list[dict[str, str]]) -> float:
    from lepton_ai.tasks.classify import TextClassifier

    model = TextClassifier.load(model_dir)
    predicted = model.predict([r["text"] for r in rows])
    return sum(p == r["category"] for p, r in zip(predicted, rows, strict=True)) / len(rows)


def base_model(method: str, old: set[str], retrain: bool) -> Path:
    folder = BASES / f"base-{method}"
    if folder.is_dir() and not retrain:
        print(f"reusing {folder} (--retrain-base to train it again)")
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        data = write_rows(Path(temporary) / "old.csv",
                          [r for r in read_rows("train") if r["category"] in old])
        subprocess.run([str(LAI), "train", str(data), "--label", "category", "--method",
                        method, "--out", str(folder)], check=True)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-method", default="auto")
    parser.add_argument("--update-method", default="auto")
    parser.add_argument("--new-intents", type=int, default=7)
    parser.add_argument("--per-new", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--retrain-base", action="store_true")
    args = parser.parse_args()
    warnings.simplefilter("ignore", LeptonWarning)
    train_rows, test_rows = read_rows("train"), read_rows("test")
    intents = sorted({r["category"] for r in train_rows})
    rng = random.Random(args.seed)
    new = set(rng.sample(intents, args.new_intents))
    old = set(intents) - new
    base = base_model(args.base_method, old, args.retrain_base)
    additions = [row for intent in sorted(new) for row in rng.sample(
        [r for r in train_rows if r["category"] == intent], args.per_new)]
    old_test = [r for r in test_rows if r["category"] in old]
    new_test = [r for r in test_rows if r["category"] in new]
    with tempfile.TemporaryDirectory() as temporary:
        data = write_rows(Path(temporary) / "new.csv", additions)
        updated = Path(temporary) / "updated"
        with LoadMeter([os.getpid()]) as load:
            started = time.perf_counter()
            completed = subprocess.run(
                [str(LAI), "train", str(data), "--label", "category", "--from", str(base),
                 "--method", args.update_method, "--out", str(updated)],
                capture_output=True, text=True)
            seconds = time.perf_counter() - started
        print(completed.stdout + completed.stderr)
        completed.check_returncode()
        fresh = Path(temporary) / "fresh"
        started = time.perf_counter()
        subprocess.run([str(LAI), "train", str(data), "--label", "category", "--out",
                        str(fresh)], check=True)
        fresh_seconds = time.perf_counter() - started
        from lepton_ai.artifacts.manifest import Manifest

        manifest, first = Manifest.read(updated), Manifest.read(fresh)
        before_old = accuracy(base, old_test)
        after_old = accuracy(updated, old_test)
        after_new = accuracy(updated, new_test)
    result = {
        "base_method": Manifest.read(base).method, "update_method": args.update_method,
        "method_used": manifest.method, "new_intents": sorted(new),
        "new_examples": len(additions), "update_s": round(seconds, 1),
        "estimated_s": manifest.data.get("estimated_seconds"),
        "old_accuracy_before": round(before_old, 4),
        "old_accuracy_after": round(after_old, 4),
        "old_points_lost": round(100 * (before_old - after_old), 2),
        "new_accuracy": round(after_new, 4),
        "first_run": {"method": first.method, "seconds": round(fresh_seconds, 1),
                      "estimated_s": first.data.get("estimated_seconds")},
        "other_cores": round(load.foreign_cores, 2),
        "code": code_version(),
    }
    print(result)
    record("update_small", result)


if __name__ == "__main__":
    main()
