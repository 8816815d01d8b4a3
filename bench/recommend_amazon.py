"""`lai.Recommender` on amazon_scientific (evaluation only; issue 27).

    .venv/bin/python bench/recommend_amazon.py [--split test] [--users 0]
        [--diversity 0 0.1 0.2 0.3 0.4 0.5] [--curve docs/img/recommend_diversity.png]

Leave-last-out with full ranking over all 4,385 items and the user's history
excluded (the protocol of the set's README and of RecBole's full sort): for each
user of the split, the history is every item before the target. The recommender is
built from the item texts (Scientific.text) and, as interactions, the split's
histories — what is known at prediction time. Contenders, same run: popularity,
TF-IDF (the README's baseline: mean of the history's TF-IDF vectors, cosine),
embeddings only, co-occurrence only, and the fused recommender (weights chosen on the
validation split: run with ``--split valid`` to see them there). hit@10 and
nDCG@10; also the time of one recommendation. The fused recommender is then scored
through ``lai.solutions.recommend.evaluate`` (what ``lai recommend eval`` runs):
coverage, popularity bias and intra-list similarity beside accuracy; with one profile
per history instead of interests, on the users with long histories; and with
MMR diversity at each ``--diversity`` level (the curve of intra-list similarity
against nDCG@10 is drawn to ``--curve``).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.solutions.recommend import (
    HeldOut,
    Recommender,
    build_recommender,
    evaluate,
    signals,
)

DATA = SHARED_DATA / "amazon_scientific"
K = 10


def read_split(split: str) -> tuple[list[str], list[str], list[tuple[str, list[str], str]]]:
    index: dict[int, str] = {}
    for line in (DATA / "Scientific.item2index").read_text().splitlines():
        asin, number = line.split("\t")
        index[int(number)] = asin
    texts: dict[str, str] = {}
    for line in (DATA / "Scientific.text").read_text().splitlines()[1:]:
        asin, text = line.split("\t", 1)
        texts[asin] = text
    ids = [index[i] for i in range(len(index))]
    rows = []
    for line in (DATA / f"Scientific.{split}.inter").read_text().splitlines()[1:]:
        user, history, target = line.split("\t")
        rows.append((user, [index[int(i)] for i in history.split()], index[int(target)]))
    return ids, [texts.get(i, "") for i in ids], rows


def scores_of(ranked: list[list[str]], rows: list[tuple[str, list[str], str]]) -> dict:
    hits = ndcg = 0.0
    for items, (_, _, target) in zip(ranked, rows, strict=True):
        if target in items[:K]:
            hits += 1
            ndcg += 1 / np.log2(items.index(target) + 2)
    return {"hit@10": round(hits / len(rows), 4), "ndcg@10": round(ndcg / len(rows), 4)}


def variant(recommender: Recommender, rows: list, embedding: float, words: float,
            together: float, decay: float) -> tuple[list[list[str]], list[float]]:
    recommender.embedding_weight, recommender.words_weight = embedding, words
    recommender.cooccurrence_weight, recommender.decay = together, decay
    ranked, times = [], []
    for _, history, _ in rows:
        started = time.perf_counter()
        picks = recommender.recommend(history=history, k=K)
        times.append(time.perf_counter() - started)
        ranked.append([p.item for p in picks])
    return ranked, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="test", choices=["valid", "test"])
    parser.add_argument("--users", type=int, default=0, help="first N users only (0: all)")
    parser.add_argument("--diversity", type=float, nargs="*", default=[0.1, 0.2, 0.3, 0.4])
    parser.add_argument("--curve", type=Path, default=None, help="PNG of the diversity curve")
    args = parser.parse_args()
    ids, texts, rows = read_split(args.split)
    rows = rows[:args.users] if args.users else rows
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as scratch, LoadMeter([os.getpid()]) as load:
        folder = Path(scratch)
        with (folder / "items.jsonl").open("w", encoding="utf-8") as handle:
            for item, text in zip(ids, texts, strict=True):
                handle.write(json.dumps({"id": item, "text": text}) + "\n")
        with (folder / "events.jsonl").open("w", encoding="utf-8") as handle:
            for user, history, _ in rows:
                for step, item in enumerate(history):
                    handle.write(json.dumps({"user": user, "item": item,
                                             "time": f"{step:06d}"}) + "\n")
        started = time.perf_counter()
        build_recommender(folder / "rec", folder / "items.jsonl", ["text"],
                          interactions=folder / "events.jsonl")
        build_seconds = time.perf_counter() - started
        recommender = Recommender(folder / "rec")
        popularity = np.load(folder / "rec" / "popularity.npy")
        order = [ids[i] for i in np.argsort(-popularity)]
        results["popularity"] = scores_of(
            [[i for i in order[:K + len(h)] if i not in set(h)][:K] for _, h, _ in rows], rows)
        timings = {}
        for name, weights in (("tfidf (mean of history)", (0, 1, 0, 1.0)),
                              ("embeddings only", (1, 0, 0, 0.7)),
                              ("co-occurrence only", (0, 0, 1, 0.7)),
                              ("fused (shipped weights)", (1, 0.5, 0.5, 0.7))):
            ranked, times = variant(recommender, rows, *weights)
            results[name] = scores_of(ranked, rows)
            timings[name] = round(float(np.median(times)) * 1000, 2)
            print(name, results[name], flush=True)
        held_out = [HeldOut(user, history, target) for user, history, target in rows]
        product = _product_view(recommender, held_out, args.diversity)
        if args.curve:
            _draw_curve(product["diversity"], args.curve, args.split)
    record("recommend_amazon", {
        "code": code_version(), "split": args.split, "users": len(rows), "items": len(ids),
        "results": results, "p50_ms_per_recommendation": timings, **product,
        "build_seconds": round(build_seconds, 1), "foreign_cores": round(load.foreign_cores, 2)})


def _product_view(recommender: Recommender, rows: list[HeldOut], levels: list[float]
                  ) -> dict:
    """The fused recommender through `evaluate`: everything, long histories with and
    without interests, and each diversity level."""
    recommender.embedding_weight, recommender.words_weight = 1, 0.5
    recommender.cooccurrence_weight, recommender.decay = 0.5, 0.7
    view: dict = {}
    plain = evaluate(recommender, rows, K)
    view["fused_eval"] = {key: value for key, value in plain.as_json().items()
                          if key != "curve"}
    print("fused (evaluate)", view["fused_eval"], flush=True)
    long = [row for row in rows if len(row.history or []) >= signals.INTEREST_MIN_HISTORY]
    with_interests = evaluate(recommender, long, K)
    threshold = signals.INTEREST_MIN_HISTORY
    signals.INTEREST_MIN_HISTORY = 10**9
    try:
        one_profile = evaluate(recommender, long, K)
    finally:
        signals.INTEREST_MIN_HISTORY = threshold
    view["long_histories"] = {
        "users": len(long),
        "interests": {"hit@10": with_interests.hit, "ndcg@10": with_interests.ndcg},
        "one_profile": {"hit@10": one_profile.hit, "ndcg@10": one_profile.ndcg}}
    print("long histories", view["long_histories"], flush=True)
    curve = [{"diversity": 0.0, "ndcg@10": plain.ndcg, "hit@10": plain.hit,
              "ils": plain.intra_list_similarity, "coverage": plain.coverage}]
    for level in levels:
        report = evaluate(recommender, rows, K, diversity=level)
        curve.append({"diversity": level, "ndcg@10": report.ndcg, "hit@10": report.hit,
                      "ils": report.intra_list_similarity, "coverage": report.coverage})
        print("diversity", curve[-1], flush=True)
    view["diversity"] = curve
    return view


def _draw_curve(curve: list[dict], path: Path, split: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    base = curve[0]
    figure, axis = plt.subplots(figsize=(6.5, 4.5))
    drop = [100 * (1 - point["ils"] / base["ils"]) for point in curve]
    loss = [100 * (1 - point["ndcg@10"] / base["ndcg@10"]) for point in curve]
    axis.plot(drop, loss, marker="o")
    for point, x, y in zip(curve, drop, loss, strict=True):
        axis.annotate(f"{point['diversity']:g}", (x, y), textcoords="offset points",
                      xytext=(4, 4), fontsize=8)
    axis.axvline(20, color="grey", linestyle=":", linewidth=1)
    axis.axhline(5, color="grey", linestyle=":", linewidth=1)
    axis.set_xlabel("intra-list similarity drop (%)")
    axis.set_ylabel("nDCG@10 loss (%)")
    axis.set_title(f"MMR diversity on amazon_scientific {split} (labels: diversity)")
    axis.grid(alpha=0.3)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


if __name__ == "__main__":
    main()
