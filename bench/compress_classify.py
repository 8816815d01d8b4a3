"""`lai compress` on classifiers: students against their teacher, same run, same batches.

    .venv/bin/python bench/train_classify.py banking77 --method lora --epochs 3   # teacher
    .venv/bin/python bench/compress_classify.py distil --layers 3
    .venv/bin/python bench/compress_classify.py static
    .venv/bin/python bench/compress_classify.py prune-heads --fraction 0.4
    .venv/bin/python bench/compress_classify.py measure NAME [NAME ...] --rounds 3
    .venv/bin/python bench/train_classify.py sst2 --method full                   # teacher
    .venv/bin/python bench/compress_classify.py distil --layers 3 --dataset sst2

Each compression trains on the training split minus the teacher's own validation split
(BANKING77: the 10% `lai train` held out, seed 0; SST-2: its dev split), is gated and
chosen on that split, and is then measured with the teacher on the test split:
accuracy, macro F1, texts/s at batch 1 and 32, p50 latency and peak RSS, each row in a
fresh process. One JSON line
per run goes to bench/results/compress_banking77.jsonl (compress_sst2.jsonl) with the
CPU load of other processes. Goals (issue 23): BANKING77 3-layer student >= 92.8 at
>= 1.9x the teacher's texts/s (both int8); static >= 89 at >= 20x; 40% of heads pruned
<= 1.0 point drop at >= 1.3x; distillation <= 20 min, static <= 3 min; SST-2 3-layer
student >= 87.5 (teacher `full`, 89.18).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record
from lepton_ai.compression.compressor import compress
from lepton_ai.compression.measurement import measure_row
from lepton_ai.data.labelled import LabelledSet, stratified_split
from train_classify import DATASETS, HAS_DEV

RESULTS = Path(__file__).resolve().parent / "results"
TEACHERS = {"banking77": RESULTS / "models" / "banking77-lora-all-s0",
            "sst2": RESULTS / "models" / "sst2-full-all-s0"}


def write_jsonl(data: LabelledSet, file: Path) -> Path:
    with file.open("w", encoding="utf-8") as handle:
        for text, labels in zip(data.texts, data.labels, strict=True):
            handle.write(json.dumps({"text": text, "label": labels[0]}) + "\n")
    return file


def test_rows(dataset: str, student: Path, precision: str) -> dict:
    """Teacher and student on the test split, int8 teacher and the student's precision."""
    test_file = write_jsonl(DATASETS[dataset]("test"), RESULTS / f"{dataset}-test.jsonl")
    teacher = measure_row("teacher", TEACHERS[dataset], test_file, "int8")
    rows = [teacher, measure_row(student.name, student, test_file, precision)]
    if precision != "int8" and precision != "own":
        rows.append(measure_row(student.name, student, test_file, "int8"))
    student_row = rows[1]
    return {
        "test": [row.as_dict() for row in rows],
        "teacher_test_accuracy": teacher.accuracy,
        "student_test_accuracy": student_row.accuracy,
        "speedup_batch32": round(student_row.texts_per_s_batch32
                                 / teacher.texts_per_s_batch32, 2),
        "speedup_batch1": round(student_row.texts_per_s_batch1
                                / teacher.texts_per_s_batch1, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("method", choices=("distil", "static", "prune-heads", "measure"))
    parser.add_argument("names", nargs="*")
    parser.add_argument("--dataset", choices=sorted(TEACHERS), default="banking77")
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--fraction", type=float, default=0.4)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--max-drop", type=float, default=100.0)
    parser.add_argument("--rounds", type=int, default=3,
                        help="measure: teacher and student alternately, this many times "
                        "(the median ratio is kept; single runs vary by ~15%%)")
    parser.add_argument("--resume", action="store_true",
                        help="continue an interrupted compression from its checkpoint")
    args = parser.parse_args()
    if args.method == "measure":
        for name in args.names:
            folder = RESULTS / "models" / name
            with LoadMeter([os.getpid()]) as meter:
                rounds = [test_rows(args.dataset, folder, "own") for _ in range(args.rounds)]
            found = dict(rounds[0])
            for key in ("speedup_batch32", "speedup_batch1"):  # teacher and student alternate
                found[f"{key}_rounds"] = [r[key] for r in rounds]
                found[key] = statistics.median(found[f"{key}_rounds"])
            found["test"] = [row for r in rounds for row in r["test"]]
            record(f"compress_{args.dataset}", {"run": "measure", "student": name, **found,
                                          "rounds": args.rounds,
                                          "foreign_cpu_cores": round(meter.foreign_cores, 2),
                                          "code": code_version()})
        return
    train_set = DATASETS[args.dataset]("train")
    validation = (DATASETS[args.dataset]("dev") if args.dataset in HAS_DEV
                  else stratified_split(train_set, 0.1, 0)[1])
    options: dict = {"max_drop": args.max_drop}
    if args.epochs:
        options["epochs"] = args.epochs
    if args.method == "distil":
        name, options = f"{args.dataset}-distil{args.layers}", {**options,
                                                                 "layers": args.layers}
    elif args.method == "static":
        name, options = f"{args.dataset}-static", {**options, "static": True}
    else:
        name = f"{args.dataset}-prune{int(args.fraction * 100)}"
        options = {**options, "prune_heads": args.fraction}
    out = RESULTS / "models" / name
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        result = compress(TEACHERS[args.dataset], out, data=train_set, eval_data=validation,
                          resume=args.resume, **options)
        seconds = time.perf_counter() - started
    compress_load = meter.foreign_cores
    with LoadMeter([os.getpid()]) as meter:
        found = test_rows(args.dataset, out, "own")
    record(f"compress_{args.dataset}", {
        "run": args.method, "student": name, "options": {k: v for k, v in options.items()},
        "compress_seconds": round(seconds, 1), "validation_drop": result.drop,
        "chosen_precision": result.chosen.precision,
        "validation": [row.as_dict() for row in result.rows], **found,
        "foreign_cpu_cores_compress": round(compress_load, 2),
        "foreign_cpu_cores_measure": round(meter.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
