"""Build and ask a recommender over a large catalogue (issue 27).

    .venv/bin/python bench/recommend_build_scale.py [--items 100000] [--chars 200]
        [--users 20000] [--history 50]

``--items`` distinct item texts of about ``--chars`` characters (four STS-B sentences
drawn at random, cut at a word), ``--users`` users with 10 interactions each drawn with Zipf-like
popularity; then `build_recommender` with the default embedding model (time and the
process's peak RSS) and `recommend(history=..., k=10)` for 200 histories of
``--history`` items on the built folder: all three signals (embeddings, words,
co-occurrence), so the time is what a real catalogue of that size costs; then the
same histories with every item scored (no candidates from the graph): its time and
how many of the top 10 the candidates keep (overlap@10). The memory a server of the
folder needs is measured apart: a fresh process opens the built folder and answers
the same 200 histories from the graph (``serve_peak_rss_mb``).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import LoadMeter, code_version, record, stsb_sentences
from lepton_ai.compression.probe import peak_rss_mb
from lepton_ai.solutions.recommend import Recommender, build_recommender


def item_texts(count: int, chars: int, seed: int = 0) -> list[str]:
    """``count`` distinct texts: four STS-B sentences drawn at random, cut at a word.

    (Until 2026-12-07 the four were picked by index arithmetic that repeated every
    5,000 items: a 100,000-item catalogue held 5,000 distinct texts, twenty copies of
    each, which the HNSW graph does not meet in a real catalogue.)
    """
    sentences = stsb_sentences(5000)
    rng = random.Random(seed)
    texts: dict[str, None] = {}
    while len(texts) < count:
        text = " ".join(rng.sample(sentences, 4))
        texts.setdefault(text[:chars].rsplit(" ", 1)[0])
    return list(texts)


def timed(recommender: Recommender, histories: list[list[str]]
          ) -> tuple[list[float], list[list[str]]]:
    """Milliseconds per recommendation and the lists."""
    recommender.recommend(history=histories[0], k=10)
    times, lists = [], []
    for history in histories:
        started = time.perf_counter()
        picks = recommender.recommend(history=history, k=10)
        times.append((time.perf_counter() - started) * 1000)
        lists.append([p.item for p in picks])
    return times, lists


def serve_peak_rss(folder: Path, histories: list[list[str]]) -> int:
    """Peak RSS (MB) of a fresh process that opens ``folder`` and answers ``histories``."""
    (folder / "histories.json").write_text(json.dumps(histories))
    done = subprocess.run([sys.executable, __file__, "--serve", str(folder)], check=True,
                          capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1])


def serve(folder: Path) -> None:
    """What ``serve_peak_rss`` runs in the fresh process."""
    histories = json.loads((folder / "histories.json").read_text())
    recommender = Recommender(folder / "rec")
    for history in histories:
        recommender.recommend(history=history, k=10)
    print(round(peak_rss_mb()))  # VmHWM: ru_maxrss would report the parent's peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--chars", type=int, default=200)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--history", type=int, default=50)
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
        return
    rng = np.random.default_rng(0)
    texts = item_texts(args.items, args.chars)
    popularity = 1.0 / np.arange(1, args.items + 1) ** 0.8
    popularity /= popularity.sum()
    with tempfile.TemporaryDirectory() as scratch, LoadMeter([os.getpid()]) as load:
        folder = Path(scratch)
        with (folder / "items.jsonl").open("w", encoding="utf-8") as handle:
            for n, text in enumerate(texts):
                handle.write(json.dumps({"id": f"i{n}", "text": text}) + "\n")
        with (folder / "events.jsonl").open("w", encoding="utf-8") as handle:
            for user in range(args.users):
                for step, item in enumerate(rng.choice(args.items, 10, p=popularity)):
                    handle.write(json.dumps({"user": f"u{user}", "item": f"i{item}",
                                             "time": step}) + "\n")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        report = build_recommender(folder / "rec", folder / "items.jsonl", ["text"],
                                   interactions=folder / "events.jsonl")
        build_seconds = time.perf_counter() - started
        build_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"built {report.items:,} items in {build_seconds:.1f}s, peak RSS "
              f"{build_peak:.0f} MB (before: {before:.0f} MB)", flush=True)
        recommender = Recommender(folder / "rec")
        histories = [[f"i{n}" for n in rng.choice(args.items, args.history, replace=False,
                                                  p=popularity)] for _ in range(200)]
        times, picked = timed(recommender, histories)
        graph = recommender.candidates
        recommender.candidates = None  # every item scored: the exact lists
        exact_times, exact = timed(recommender, histories)
        recommender.candidates = graph
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        serve_peak = serve_peak_rss(folder, histories)
    result = {
        "code": code_version(), "items": args.items, "chars": args.chars,
        "mean_chars": round(float(np.mean([len(t) for t in texts])), 1),
        "users": args.users, "history": args.history, "model": report.model,
        "build_seconds": round(build_seconds, 1), "build_peak_rss_mb": round(build_peak),
        "graph": graph is not None,
        "peak_rss_mb": round(peak), "serve_peak_rss_mb": serve_peak,
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "exact_p50_ms": round(float(np.percentile(exact_times, 50)), 2),
        "overlap_at_10_with_exact": round(float(np.mean(
            [len(set(a) & set(b)) / 10 for a, b in zip(picked, exact, strict=True)])), 3),
        "foreign_cores": round(load.foreign_cores, 2)}
    print(result)
    record("recommend_build_scale", result)


if __name__ == "__main__":
    main()
