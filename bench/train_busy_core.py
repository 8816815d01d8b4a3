"""Training with one of the two cores taken by another process (issue 25).

    .venv/bin/python bench/train_busy_core.py [--examples 1000] [--method full]

Trains the same model twice on the first ``--examples`` BANKING77 training questions
(../shared/data/banking77, CC BY 4.0; ``--method``, 1 epoch, MiniLM): once on a quiet
machine, once while another process spins on one core for the whole run (a Python
busy loop, as a neighbour's job would). Training measures the other processes' load
and drops to one thread when a core is taken (``lepton_ai.training.threads``); the
goal is a slowdown of at most 2.5× (two torch threads on a shared core slow 5-13×).
Appends a JSON line to bench/results/train_busy_core.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.errors import LeptonWarning
from lepton_ai.training.pipeline import train

SPIN = "while True: pass"


def subset(path: Path, examples: int) -> Path:
    with (SHARED_DATA / "banking77" / "train.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:examples]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["text", "category"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def timed_training(data: Path, out: Path, method: str) -> float:
    started = time.perf_counter()
    train(data, text="text", label="category", out=out, method=method, epochs=1)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--method", default="full")
    args = parser.parse_args()
    warnings.simplefilter("ignore", LeptonWarning)
    with tempfile.TemporaryDirectory() as folder:
        data = subset(Path(folder) / "train.csv", args.examples)
        timed_training(data, Path(folder) / "warm", args.method)  # caches, imports
        with LoadMeter([os.getpid()]) as quiet_load:
            quiet = timed_training(data, Path(folder) / "quiet", args.method)
        spinner = subprocess.Popen([sys.executable, "-c", SPIN])
        try:
            time.sleep(1.0)
            with LoadMeter([os.getpid()]) as busy_load:
                busy = timed_training(data, Path(folder) / "busy", args.method)
        finally:
            spinner.kill()
            spinner.wait()
    record("train_busy_core", {
        "method": args.method, "examples": args.examples, "quiet_s": round(quiet, 1),
        "one_core_taken_s": round(busy, 1), "slowdown": round(busy / quiet, 2),
        "other_cores_quiet": round(quiet_load.foreign_cores, 2),
        "other_cores_busy": round(busy_load.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
