"""Few-shot relation types taught by example (`lai.relations(examples=...)`) on FewRel val_wiki.

    .venv/bin/python bench/fewrel.py [--episodes 300] [--way 5] [--shot 5]

N-way K-shot episodes (seeded): K marked support sentences per relation become
the ``examples``; Q=5 queries per relation are classified through
``lai.relations(queries, examples=..., threshold=0)``; accuracy over queries,
averaged over episodes. No training at all (prototype = mean sentence vector of
the marked examples). Appends a JSON line to bench/results/fewrel.jsonl.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

from rich.progress import track

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.tasks.relations import mark

RESULTS = Path(__file__).resolve().parent / "results"
QUERIES = 5


def marked(instance: dict) -> str:
    """The instance's sentence with its head as e1 and its tail as e2."""
    tokens = instance["tokens"]
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    text = " ".join(tokens)

    def span(positions: list[int]) -> tuple[int, int]:
        return starts[positions[0]], starts[positions[-1]] + len(tokens[positions[-1]])

    return mark(text, span(instance["h"][2][0]), span(instance["t"][2][0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=300)
    parser.add_argument("--way", type=int, default=5)
    parser.add_argument("--shot", type=int, default=5)
    parser.add_argument("--model", default=None, help="encoder (default: English MiniLM)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = json.loads((SHARED_DATA / "fewrel" / "val_wiki.json").read_text(encoding="utf-8"))
    rng = random.Random(args.seed)
    accuracies = []
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        for _ in track(range(args.episodes), description="episodes"):
            relations = rng.sample(sorted(data), args.way)
            examples, queries, gold = {}, [], []
            for relation in relations:
                chosen = rng.sample(data[relation], args.shot + QUERIES)
                examples[relation] = [marked(i) for i in chosen[: args.shot]]
                queries += [marked(i) for i in chosen[args.shot :]]
                gold += [relation] * QUERIES
            found = lai.relations(queries, examples=examples, model=args.model, threshold=0.0)
            hits = sum(bool(f) and f[0].relation == g for f, g in zip(found, gold, strict=True))
            accuracies.append(hits / len(gold))
        seconds = time.perf_counter() - started
    result = {
        "data": "fewrel/val_wiki", "way": args.way, "shot": args.shot, "queries": QUERIES,
        "episodes": args.episodes, "seed": args.seed, "model": args.model or "all-MiniLM-L6-v2",
        "accuracy": round(100 * statistics.mean(accuracies), 2),
        "std_over_episodes": round(100 * statistics.pstdev(accuracies), 2),
        "seconds": round(seconds, 1), "foreign_cpu_cores": round(meter.foreign_cores, 2),
        "code": code_version(),
    }
    record("fewrel", result)


if __name__ == "__main__":
    main()
