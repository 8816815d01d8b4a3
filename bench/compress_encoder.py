"""`lai compress all-MiniLM-L6-v2 --distil --layers 3` on unlabelled English text, STS-B.

    .venv/bin/python bench/compress_encoder.py --layers 3 --texts 60000 --epochs 1
    .venv/bin/python bench/compress_encoder.py --static

The student learns the teacher's sentence vectors on unlabelled sentences from
../shared/data (STS-B train, GoEmotions train, BANKING77 train, SST-2 train, AG News,
Amazon Scientific titles; STS-B dev and test are never trained on), chooses its best
epoch on STS-B dev, and is then measured with the teacher on STS-B test (Spearman ×
100, sentences/s at batch 1 and 32, p50 latency, peak RSS; each row in a fresh
process). Goal (issue 23): Spearman >= 80.0 (teacher 82.03) at >= 1.9x the teacher's
throughput. One JSON line per run goes to bench/results/compress_encoder.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, LoadMeter, code_version, record, stsb_pairs
from lepton_ai.compression.compressor import compress
from lepton_ai.compression.measurement import measure_row

RESULTS = Path(__file__).resolve().parent / "results"
TEACHER = "all-MiniLM-L6-v2"


def sentences(limit: int, seed: int = 0) -> list[str]:
    """Distinct English sentences from the shared sets, shuffled, at most ``limit``."""
    found: dict[str, None] = {}
    for _, a, b in stsb_pairs("train"):
        found.setdefault(a)
        found.setdefault(b)
    with open(SHARED_DATA / "goemotions" / "original" / "train.tsv", encoding="utf-8") as f:
        for line in f:
            found.setdefault(line.split("\t", 1)[0])
    with open(SHARED_DATA / "banking77" / "train.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            found.setdefault(row["text"])
    sst2 = SHARED_DATA / "sst2" / "sentence_level" / "stsa.binary.train"
    for line in sst2.read_text(encoding="utf-8").splitlines():
        found.setdefault(line.split(" ", 1)[-1])
    with open(SHARED_DATA / "ag_news" / "test.csv", encoding="utf-8") as f:
        for row in csv.reader(f):
            found.setdefault(f"{row[1]}. {row[2]}".replace("\\", " "))
    held = {s for split in ("dev", "test") for _, a, b in stsb_pairs(split) for s in (a, b)}
    texts = [t.strip() for t in found if t.strip() and t not in held]
    random.Random(seed).shuffle(texts)
    return texts[:limit]


def write_pairs(split: str) -> Path:
    file = RESULTS / f"stsb-{split}.jsonl"
    with file.open("w", encoding="utf-8") as handle:
        for score, a, b in stsb_pairs(split):
            handle.write(json.dumps({"sentence1": a, "sentence2": b, "score": score}) + "\n")
    return file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--layers", type=int, default=3)
    parser.add_argument("--static", action="store_true")
    parser.add_argument("--texts", type=int, default=60000)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--resume", action="store_true")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    texts = sentences(args.texts) if not args.static else []
    name = "minilm-static" if args.static else f"minilm-distil{args.layers}"
    out = RESULTS / "models" / name
    options = {"static": True} if args.static else {"layers": args.layers,
                                                    "epochs": args.epochs}
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        result = compress(TEACHER, out, unlabelled=texts, eval_data=write_pairs("dev"),
                          max_drop=100, resume=args.resume, **options)
        seconds = time.perf_counter() - started
    compress_load = meter.foreign_cores
    test = write_pairs("test")
    with LoadMeter([os.getpid()]) as meter:
        precision = "own" if args.static else "int8"
        teacher = measure_row("teacher", Path(TEACHER), test, "int8", kind="encoder")
        student = measure_row(name, out, test, precision, kind="encoder")
    record("compress_encoder", {
        "student": name, "options": options, "unlabelled_texts": len(texts),
        "compress_seconds": round(seconds, 1), "dev": [r.as_dict() for r in result.rows],
        "test": [teacher.as_dict(), student.as_dict()],
        "teacher_test_spearman": teacher.spearman, "student_test_spearman": student.spearman,
        "speedup_batch32": round(student.texts_per_s_batch32 / teacher.texts_per_s_batch32, 2),
        "speedup_batch1": round(student.texts_per_s_batch1 / teacher.texts_per_s_batch1, 2),
        "foreign_cpu_cores_compress": round(compress_load, 2),
        "foreign_cpu_cores_measure": round(meter.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
