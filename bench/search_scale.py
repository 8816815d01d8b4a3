"""Search at 100k documents: build time, query latency p50/p99, recall@10 vs exact.

    .venv/bin/python bench/search_scale.py [--n 100000] [--model use-multilingual-v3]

Documents: 100,000 distinct English texts gathered from ../shared/data (SST-2 train
phrases, CoNLL-2003 and FewRel/SemEval sentences, Banking77 queries, AG News titles
and descriptions, STS-B sentences). Queries: 1,000 held-out texts from the same pool.
Vectors are embedded once (and cached in bench/results/, git-ignored); the timings
below are of the index itself: HNSW graph build, and per-query latency of exact
(one matrix product) and HNSW search, one query at a time.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA
from lepton_ai.models import load_encoder
from lepton_ai.tasks.search import HnswParams, Index


def gather_texts() -> list[str]:
    texts: dict[str, None] = {}

    def add(text: str) -> None:
        text = " ".join(text.split())
        if len(text) >= 20:
            texts.setdefault(text)

    with (SHARED_DATA / "sst2" / "glue" / "train.tsv").open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            add(line.split("\t")[0])
    for name in ("eng.train", "eng.testa", "eng.testb"):
        words: list[str] = []
        for line in (SHARED_DATA / "conll2003" / name).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("-DOCSTART-"):
                if words:
                    add(" ".join(words))
                words = []
            else:
                words.append(line.split()[0])
    for name in ("val_wiki.json", "val_pubmed.json"):
        data = json.loads((SHARED_DATA / "fewrel" / name).read_text(encoding="utf-8"))
        for examples in data.values():
            for example in examples:
                add(" ".join(example["tokens"]))
    for name in ("train.csv", "test.csv"):
        with (SHARED_DATA / "banking77" / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                add(row["text"])
    with (SHARED_DATA / "ag_news" / "test.csv").open(encoding="utf-8") as handle:
        for row in csv.reader(handle):
            add(row[1])
            add(row[2].replace("\\", " "))
    for name in ("sts-train.csv", "sts-dev.csv", "sts-test.csv"):
        for line in (SHARED_DATA / "stsb" / name).read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            add(fields[5])
            add(fields[6])
    return list(texts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--model", default="use-multilingual-v3")
    args = parser.parse_args()

    texts = gather_texts()
    rng = np.random.default_rng(7)
    order = rng.permutation(len(texts))
    if len(texts) < args.n + args.queries:
        sys.exit(f"only {len(texts)} texts available")
    docs = [texts[i] for i in order[: args.n]]
    queries = [texts[i] for i in order[args.n : args.n + args.queries]]

    cache = Path(f"bench/results/search_vectors_{args.model}_{args.n}.npy")
    if cache.is_file():
        index = Index.from_vectors(np.load(cache, allow_pickle=False), docs, args.model,
                                   backend="exact")
        embed_seconds = float("nan")
    else:
        index = Index(model=args.model, backend="exact")
        start = time.perf_counter()
        index.add(docs)
        embed_seconds = time.perf_counter() - start
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.save(cache, index.vectors)
    query_vectors = load_encoder(args.model).encode(queries, role="query")

    exact_ms = []
    exact_ids = []
    for q in query_vectors:
        start = time.perf_counter()
        ids, _ = index.search_vectors(q, 10, exact=True)
        exact_ms.append(1000 * (time.perf_counter() - start))
        exact_ids.append(ids[0])

    rows = []
    for params in (HnswParams(m=16, ef_construction=100, ef_search=64), HnswParams()):
        start = time.perf_counter()
        index.build_graph(params)
        build = time.perf_counter() - start
        graph_ms, recalls = [], []
        for q, truth in zip(query_vectors, exact_ids, strict=True):
            start = time.perf_counter()
            ids, _ = index.search_vectors(q, 10, exact=False)
            graph_ms.append(1000 * (time.perf_counter() - start))
            recalls.append(len(set(ids[0]) & set(truth)) / 10)
        rows.append((params, build, graph_ms, float(np.mean(recalls))))

    def pct(values: list[float], p: float) -> float:
        return float(np.percentile(values, p))

    print(f"{args.n} documents, model {index.model}, dim {index.vectors.shape[1]}, "
          f"embedding took {embed_seconds:.0f}s; {args.queries} queries, k=10")
    print("| search | build s | query p50 ms | query p99 ms | recall@10 vs exact |")
    print("|---|---|---|---|---|")
    print(f"| exact (matrix product) | 0 | {statistics.median(exact_ms):.2f} | "
          f"{pct(exact_ms, 99):.2f} | 1.000 |")
    for params, build, graph_ms, recall in rows:
        print(f"| HNSW M={params.m} efC={params.ef_construction} ef={params.ef_search} | "
              f"{build:.1f} | {statistics.median(graph_ms):.2f} | {pct(graph_ms, 99):.2f} | "
              f"{recall:.3f} |")


if __name__ == "__main__":
    main()
