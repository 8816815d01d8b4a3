"""Key-phrase extraction on Inspec (Hulth 2003, Meng et al. 2017 split): F1@5 / F1@10.

    .venv/bin/python bench/keywords_inspec.py                 # test split, both methods
    .venv/bin/python bench/keywords_inspec.py --split valid   # choose settings here

Document = title + " " + abstract; gold = the uncontrolled keyphrases. Both sides
are lowercased and Porter-stemmed word by word (NLTK), duplicates removed, exact
match; precision, recall and F1 are computed per document and averaged over
documents (macro), as pke's benchmark does. Appends JSON lines to
bench/results/keywords_inspec.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version

RESULTS = Path(__file__).resolve().parent / "results"


def load(split: str) -> tuple[list[str], list[list[str]]]:
    """Documents and gold keyphrases of one split (``test`` or ``valid``)."""
    texts, gold = [], []
    path = SHARED_DATA / "inspec" / f"inspec_{split}.json"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        texts.append(f"{record['title']} {record['abstract']}")
        gold.append([k for k in record["keywords"].split(";") if k.strip()])
    return texts, gold


def stemmed(phrases: list[str]) -> list[str]:
    """Lowercased, Porter-stemmed, de-duplicated phrases in their order."""
    from nltk.stem import PorterStemmer

    stem = PorterStemmer().stem
    seen: dict[str, None] = {}
    for phrase in phrases:
        words = phrase.lower().replace("-", " ").split()
        seen.setdefault(" ".join(stem(w) for w in words), None)
    return list(seen)


def f1_at(predicted: list[list[str]], gold: list[list[str]], k: int) -> dict[str, float]:
    """Macro-averaged precision, recall and F1 of the top ``k`` predictions (in %)."""
    totals = {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    for guesses, truth in zip(predicted, gold, strict=True):
        top, gold_set = stemmed(guesses)[:k], set(stemmed(truth))
        hits = sum(1 for phrase in top if phrase in gold_set)
        p = hits / len(top) if top else 0.0
        r = hits / len(gold_set) if gold_set else 0.0
        totals["precision"] += p
        totals["recall"] += r
        totals["f1"] += 2 * p * r / (p + r) if p + r else 0.0
    return {name: round(100 * value / len(gold), 2) for name, value in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="test", choices=["test", "valid"])
    parser.add_argument("--methods", default="statistical,embedding")
    parser.add_argument("--diversity", type=float, default=0.3)
    parser.add_argument("--limit", type=int, default=0, help="first N documents only")
    args = parser.parse_args()
    texts, gold = load(args.split)
    if args.limit:
        texts, gold = texts[: args.limit], gold[: args.limit]
    lai.keywords(texts[:2], k=10)  # load spaCy and the encoder outside the timing
    for method in args.methods.split(","):
        with LoadMeter([os.getpid()]) as meter:
            started = time.perf_counter()
            found = lai.keywords(texts, k=10, method=method, diversity=args.diversity, lang="en")
            seconds = time.perf_counter() - started
        predicted = [[keyword.phrase for keyword in row] for row in found]
        result = {
            "split": args.split, "documents": len(texts), "method": method,
            "diversity": args.diversity if method == "embedding" else None,
            "at5": f1_at(predicted, gold, 5), "at10": f1_at(predicted, gold, 10),
            "docs_per_second": round(len(texts) / seconds, 1),
            "foreign_cpu_cores": round(meter.foreign_cores, 2),
            "code": code_version(),
        }
        print(json.dumps(result))
        with (RESULTS / "keywords_inspec.jsonl").open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
