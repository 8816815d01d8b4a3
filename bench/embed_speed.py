"""Embedding speed: lepton-ai vs sentence-transformers, same model, same sentences.

    .venv/bin/python bench/embed_speed.py [--rounds 5] [--busy]

Each contender runs in its own subprocess per round (torch's OpenMP threads keep
spinning after work and would slow a neighbour in the same process), in
alternating order. Reported: sentences/s over 2,000 STS-B sentences (median and
range), single-sentence latency p50, and the cores other processes used during
each run. ``--busy`` adds a process that keeps one core fully busy, to measure
how each contender degrades on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, stsb_sentences

CONTENDERS = ("sentence-transformers", "lai-fp32", "lai-int8")
N_SENTENCES = 2000
N_SINGLE = 200


def _worker(name: str) -> dict[str, float]:
    """Runs inside a subprocess: load, warm up, time throughput and latency."""
    sentences = stsb_sentences(N_SENTENCES)
    if name == "sentence-transformers":
        import torch
        from sentence_transformers import SentenceTransformer

        from lepton_ai.models.registry import MINILM

        torch.set_num_threads(2)
        model = SentenceTransformer(str(MINILM.path()), device="cpu")

        def batch(texts: list[str]) -> object:
            return model.encode(texts, batch_size=32)

        def single(text: str) -> object:
            return model.encode(text)
    else:
        import lepton_ai as lai

        precision = name.split("-")[1]

        def batch(texts: list[str]) -> object:
            return lai.embed(texts, precision=precision)

        def single(text: str) -> object:
            return lai.embed(text, precision=precision)

    batch(sentences[:64])
    with LoadMeter([os.getpid()]) as meter:
        start = time.perf_counter()
        batch(sentences)
        throughput = len(sentences) / (time.perf_counter() - start)
    latencies = []
    for text in sentences[:N_SINGLE]:
        start = time.perf_counter()
        single(text)
        latencies.append(time.perf_counter() - start)
    return {
        "throughput": throughput,
        "latency_p50_ms": 1000 * statistics.median(latencies),
        "foreign_cores": meter.foreign_cores,
    }


def _run(name: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", name],
        capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _spinner() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", "while True: pass"])


def _ceiling(mean_tokens: float) -> dict[str, float]:
    """sentences/s bound from the measured fp32 matmul rate (2 cores, 1 thread each)."""
    import threading

    import numpy as np

    a = np.random.rand(1024, 384).astype(np.float32)
    b = np.random.rand(384, 1536).astype(np.float32)
    flops = 2 * 1024 * 384 * 1536
    counts = [0, 0]

    def spin(slot: int, until: float) -> None:
        while time.perf_counter() < until:
            a @ b
            counts[slot] += 1

    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # one BLAS thread per measuring thread, one per core
        until = time.perf_counter() + 2.0
        threads = [threading.Thread(target=spin, args=(i, until)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    rate = sum(counts) * flops / 2.0
    # MiniLM-L6: 6 layers x (4*384*384 + 2*384*1536) multiply-adds per token.
    flops_per_token = 2 * 6 * (4 * 384 * 384 + 2 * 384 * 1536)
    return {"matmul_gflops": rate / 1e9, "ceiling_sent_s": rate / (flops_per_token * mean_tokens)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", choices=CONTENDERS)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--busy", action="store_true", help="keep one core busy meanwhile")
    parser.add_argument("--out", type=Path, default=Path("bench/results/embed_speed.json"))
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker)))
        return

    from tokenizers import Tokenizer

    from lepton_ai.models.registry import MINILM

    tokenizer = Tokenizer.from_file(str(MINILM.path() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    sentences = stsb_sentences(N_SENTENCES)
    mean_tokens = statistics.mean(len(e.ids) for e in tokenizer.encode_batch(sentences))
    ceiling = _ceiling(mean_tokens)
    print(f"mean tokens/sentence {mean_tokens:.1f}; ceiling {ceiling}", flush=True)

    spinner = _spinner() if args.busy else None
    results: dict[str, list[dict[str, float]]] = {c: [] for c in CONTENDERS}
    try:
        for round_no in range(args.rounds):
            order = CONTENDERS if round_no % 2 == 0 else tuple(reversed(CONTENDERS))
            for name in order:
                result = _run(name)
                results[name].append(result)
                print(f"round {round_no} {name}: {result}", flush=True)
    finally:
        if spinner is not None:
            spinner.kill()

    summary = {}
    st_speed = statistics.median(r["throughput"] for r in results["sentence-transformers"])
    st_latency = statistics.median(r["latency_p50_ms"] for r in results["sentence-transformers"])
    print(
        "\n| contender | sent/s median (range) | × ST | of ceiling | single p50 ms "
        "| × ST latency | foreign cores (max) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, runs in results.items():
        speeds = [r["throughput"] for r in runs]
        latency = statistics.median(r["latency_p50_ms"] for r in runs)
        row = {
            "median": statistics.median(speeds), "min": min(speeds), "max": max(speeds),
            "latency_p50_ms": latency,
            "foreign_cores_max": max(r["foreign_cores"] for r in runs),
        }
        summary[name] = row
        print(
            f"| {name} | {row['median']:.0f} ({row['min']:.0f}–{row['max']:.0f}) | "
            f"{row['median'] / st_speed:.2f} | {row['median'] / ceiling['ceiling_sent_s']:.0%} | "
            f"{latency:.1f} | {latency / st_latency:.2f} | {row['foreign_cores_max']:.2f} |"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(
        {"busy": args.busy, "ceiling": ceiling, "mean_tokens": mean_tokens,
         "summary": summary, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
