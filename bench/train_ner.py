"""Entity-recognition training benchmarks: CoNLL-2003 (English) and Resume NER (Chinese).

    /usr/bin/time -v .venv/bin/python bench/train_ner.py resume            # char BiLSTM-CRF
    /usr/bin/time -v .venv/bin/python bench/train_ner.py conll --method full

Trains on the train split, stops early on the dev split, reports entity-level
micro F1 (seqeval, conlleval-compatible) on the test split, and appends a JSON
line to bench/results/train_ner.jsonl. Published: Lattice LSTM 94.46 on Resume
NER; see ../shared/data/*/README.md for CoNLL-2003 references.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, LoadMeter, code_version
from lepton_ai.training.ner.tagger_training import train_tagger

RESULTS = Path(__file__).resolve().parent / "results"
FILES = {
    "resume": ("resume_ner", "train.char.bmes", "dev.char.bmes", "test.char.bmes"),
    "conll": ("conll2003", "eng.train", "eng.testa", "eng.testb"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=sorted(FILES))
    parser.add_argument("--method", default="auto")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    folder, train, dev, test = FILES[args.dataset]
    base = SHARED_DATA / folder
    out = RESULTS / "models" / f"ner-{args.dataset}-{args.method}-s{args.seed}"
    options = {k: v for k, v in {"epochs": args.epochs, "lr": args.lr}.items() if v is not None}
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        tagger = train_tagger(base / train, eval_data=base / dev, out=out, method=args.method,
                              seed=args.seed, **options)
        seconds = time.perf_counter() - started
        report = tagger.evaluate(base / test)
    result = {
        "dataset": args.dataset, "method": tagger.manifest.method, "seed": args.seed,
        "test_f1": round(report["f1"] * 100, 2),
        "test_precision": round(report["precision"] * 100, 2),
        "test_recall": round(report["recall"] * 100, 2),
        "dev_f1": round(tagger.metrics["f1"] * 100, 2), "train_seconds": round(seconds, 1),
        "epochs_run": len(tagger.manifest.history),
        "trainable_parameters": tagger.manifest.data["trainable_parameters"],
        "peak_rss_mb": tagger.manifest.data["peak_rss_mb"],
        "foreign_cpu_cores": round(meter.foreign_cores, 2), "options": options,
        "code": code_version(),
    }
    print(json.dumps(result), flush=True)
    RESULTS.mkdir(exist_ok=True)
    with open(RESULTS / "train_ner.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
