"""Chinese retrieval check: MRR@10 of the multilingual models vs the English default.

    .venv/bin/python bench/zh_retrieval.py

Task (built here from public data): the 1,200 ChnSentiCorp test reviews are the
documents; for 300 of them (seeded), one clause of at least 8 characters, cut at
Chinese punctuation, is the query, and the review it came from is the answer.
A second, cross-lingual check: each Chinese document of the bundled demo corpus
queries the English documents; its English counterpart (written as a translation)
must come first.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA
from lepton_ai.models import load_encoder

MODELS = ("use-multilingual-v3", "multilingual-e5-small-q4", "all-MiniLM-L6-v2")
PAIRS = {  # demo corpus: Chinese id -> English id with the same content
    "faq-zh-1": "faq-en-1", "faq-zh-2": "faq-en-3", "faq-zh-3": "faq-en-4",
    "faq-zh-4": "faq-en-5", "faq-zh-5": "faq-en-6", "news-zh-1": "news-en-1",
    "news-zh-2": "news-en-2", "news-zh-3": "news-en-4", "review-zh-1": "review-en-1",
    "review-zh-2": "review-en-2", "tech-zh-1": "tech-en-1",
}


def clause_queries(reviews: list[str], n: int, seed: int = 13) -> list[tuple[str, int]]:
    rng = random.Random(seed)
    candidates = []
    for i, review in enumerate(reviews):
        parts = re.split(r"[，。！？；,.!?;\s]+", review)
        clauses = [c.strip() for c in parts if len(c.strip()) >= 8]
        if len(clauses) >= 2:  # the query must be only part of the review
            candidates.append((rng.choice(clauses), i))
    rng.shuffle(candidates)
    return candidates[:n]


def mrr_at_10(queries: np.ndarray, docs: np.ndarray, answers: list[int]) -> tuple[float, float]:
    scores = queries @ docs.T
    top = np.argsort(-scores, axis=1)[:, :10]
    rr = [
        1.0 / (list(row).index(a) + 1) if a in row else 0.0
        for row, a in zip(top, answers, strict=True)
    ]
    hits1 = [row[0] == a for row, a in zip(top, answers, strict=True)]
    return float(np.mean(rr)), float(np.mean(hits1))


def main() -> None:
    lines = (SHARED_DATA / "chnsenticorp" / "test.tsv").read_text(encoding="utf-8").splitlines()[1:]
    reviews = [line.split("\t", 1)[1] for line in lines]
    queries = clause_queries(reviews, 300)
    from lepton_ai.demo.run import corpus_path

    demo = [json.loads(line) for line in corpus_path().read_text(encoding="utf-8").splitlines()]
    english = [d for d in demo if d["lang"] == "en"]
    english_ids = [d["id"] for d in english]

    print("| model | ZH clause→review MRR@10 | hit@1 | ZH→EN demo hit@1 (11 pairs) | seconds |")
    print("|---|---|---|---|---|")
    results = {}
    for name in MODELS:
        encoder = load_encoder(name)
        start = time.perf_counter()
        docs = encoder.encode(reviews, role="document")
        q = encoder.encode([text for text, _ in queries], role="query")
        mrr, hit1 = mrr_at_10(q, docs, [a for _, a in queries])
        seconds = time.perf_counter() - start
        zh = encoder.encode([d["text"] for d in demo if d["id"] in PAIRS], role="query")
        en = encoder.encode([d["text"] for d in english], role="document")
        targets = [english_ids.index(PAIRS[d["id"]]) for d in demo if d["id"] in PAIRS]
        cross = float(np.mean(np.argmax(zh @ en.T, axis=1) == np.array(targets)))
        results[name] = {"mrr10": mrr, "hit1": hit1, "cross_hit1": cross, "seconds": seconds}
        print(f"| {name} | {mrr:.3f} | {hit1:.3f} | {cross:.2f} | {seconds:.1f} |", flush=True)
    out = Path("bench/results/zh_retrieval.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
