"""`lai compress` on an entity tagger: a 3-layer student against its teacher.

    .venv/bin/python bench/extract_anem.py                       # the teacher (AnEM, 8 epochs:
                                                                  # bench/results/anem-tagger-e8)
    .venv/bin/python bench/compress_tagger.py --teacher bench/results/anem-tagger-e8 \
        --test ../shared/data/anem/CONLL-format/data/AnEM.test --layers 3
    .venv/bin/python bench/train_ner.py conll --method full --epochs 2    # CoNLL teacher
    .venv/bin/python bench/compress_tagger.py \
        --teacher bench/results/models/ner-conll-full-s42 \
        --data ../shared/data/conll2003/eng.train --eval ../shared/data/conll2003/eng.testa \
        --test ../shared/data/conll2003/eng.testb --layers 3

The student trains on the teacher's training file minus the split `lai train` held out
(same seed and share). It learns the teacher's token scores and the gold tags, its
epoch is chosen on that split, and it is gated there. Then teacher (int8) and student
are measured alternately, three rounds, on the test file: entity F1 (exact spans,
seqeval), sentences/s at batch 1 and 32, p50 latency, peak RSS. Appends to
bench/results/compress_tagger.jsonl with the cores other processes used.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record
from lepton_ai.compression.compressor import compress
from lepton_ai.compression.measurement import measure_row

RESULTS = Path(__file__).resolve().parent / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--teacher", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--data", type=Path, default=None,
                        help="the teacher's training file (default: the one it records)")
    parser.add_argument("--eval", type=Path, default=None,
                        help="the split the teacher was validated on (default: the split "
                        "lai train held out); the student is chosen and gated on it")
    parser.add_argument("--resume", action="store_true")
    parser.add_argument("--measure-only", action="store_true",
                        help="re-measure a student compressed before (a quiet machine)")
    args = parser.parse_args()
    name = f"{args.teacher.name}-distil{args.layers}"
    out = RESULTS / "models" / name
    options = {"layers": args.layers, **({"epochs": args.epochs} if args.epochs else {})}
    result, seconds, compress_load = None, 0.0, 0.0
    if not args.measure_only:
        with LoadMeter([os.getpid()]) as meter:
            started = time.perf_counter()
            result = compress(args.teacher, out, data=args.data, eval_data=args.eval,
                              max_drop=100, resume=args.resume, **options)
            seconds = time.perf_counter() - started
        compress_load = meter.foreign_cores
    rounds = []
    with LoadMeter([os.getpid()]) as meter:
        for _ in range(args.rounds):
            teacher = measure_row("teacher", args.teacher, args.test, "int8", kind="tagger")
            student = measure_row(name, out, args.test, "own", kind="tagger")
            rounds.append((teacher, student))
    record("compress_tagger", {
        "teacher": str(args.teacher), "student": name, "options": options,
        "run": "measure" if result is None else "compress",
        "compress_seconds": round(seconds, 1),
        "validation_drop": result.drop if result else None,
        "chosen_precision": result.chosen.precision if result else None,
        "validation": [row.as_dict() for row in result.rows] if result else [],
        "test": [row.as_dict() for pair in rounds for row in pair],
        "teacher_test_f1": rounds[0][0].entity_f1, "student_test_f1": rounds[0][1].entity_f1,
        "speedup_batch32": statistics.median(
            s.texts_per_s_batch32 / t.texts_per_s_batch32 for t, s in rounds),
        "speedup_batch1": statistics.median(
            s.texts_per_s_batch1 / t.texts_per_s_batch1 for t, s in rounds),
        "foreign_cpu_cores_compress": round(compress_load, 2),
        "foreign_cpu_cores_measure": round(meter.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
