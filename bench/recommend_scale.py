"""Time of one `Recommender.recommend` over a large catalogue (issue 27).

    .venv/bin/python bench/recommend_scale.py [--items 100000] [--history 50]

A recommender folder with ``--items`` random 384-dimensional unit vectors (no word or
co-occurrence signal: the embeddings part alone, which grows with the catalogue);
p50 / p95 of `recommend(history=..., k=10)` for 200 random histories of
``--history`` items.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import LoadMeter, code_version, record
from lepton_ai.solutions.recommend import Recommender
from lepton_ai.solutions.recommend.recommender_build import MANIFEST


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--history", type=int, default=50)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.items, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        np.save(folder / "vectors.npy", vectors)
        (folder / "items.jsonl").write_text(
            "".join(json.dumps({"id": f"i{n}", "text": ""}) + "\n" for n in range(args.items)))
        (folder / "users.json").write_text("{}")
        (folder / MANIFEST).write_text(json.dumps({"format": 1, "weights": {}}))
        recommender = Recommender(folder)
        histories = [[f"i{n}" for n in rng.choice(args.items, args.history, replace=False)]
                     for _ in range(200)]
        recommender.recommend(history=histories[0], k=10)
        times = []
        with LoadMeter([os.getpid()]) as load:
            for history in histories:
                started = time.perf_counter()
                recommender.recommend(history=history, k=10)
                times.append((time.perf_counter() - started) * 1000)
    record("recommend_scale", {
        "code": code_version(), "items": args.items, "history": args.history,
        "p50_ms": round(float(np.percentile(times, 50)), 2),
        "p95_ms": round(float(np.percentile(times, 95)), 2),
        "foreign_cores": round(load.foreign_cores, 2)})


if __name__ == "__main__":
    main()
