"""Speed and memory of `lai assistant` on 2 cores (issue 20).

    .venv/bin/python bench/assistant_speed.py [--seconds 30] [--concurrency 32]

1. Build: a 10,000-entry FAQ (BANKING77's 10,003 training questions, each an entry
   whose answer is its intent's answer from bench/data/banking77_answers.csv plus the
   entry's number, so every answer text is distinct and embedded) is built from
   scratch; then one entry is edited and the base updated.
2. Turns: `lai serve --assistant bank=KB` answers BANKING77 test questions, each
   connection its own session, without generation, sentiment on; p50/p99 per turn
   under three loads: one customer at a time; ``--concurrency`` customers who each
   read and type for ``--think`` seconds on average between turns (open sessions
   at a human pace); the same customers sending without pause (the capacity).
3. Memory: the server's resident set (VmRSS) and peak (VmHWM) after the load.

Appends a JSON line to bench/results/assistant_speed.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, LoadMeter, code_version, record
from _loadgen import post_request, run_load
from defaults_memory import free_port, memory_mb, start_server
from lepton_ai.errors import LeptonWarning
from lepton_ai.solutions.assistant import build_knowledge_base

ANSWERS = Path(__file__).resolve().parent / "data" / "banking77_answers.csv"


def write_big_faq(path: Path) -> int:
    answers = {row["intent"]: row["answer"]
               for row in csv.DictReader(ANSWERS.open(encoding="utf-8"))}
    rows = list(csv.DictReader((SHARED_DATA / "banking77" / "train.csv").open(encoding="utf-8")))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "question", "answer", "category"])
        for number, row in enumerate(rows, 1):
            writer.writerow([f"q{number}", row["text"],
                             f"{answers[row['category']]} (Ref. {number})", row["category"]])
    return len(rows)


def build_timings(scratch: Path) -> tuple[Path, dict[str, float | int]]:
    faq = scratch / "faq.csv"
    entries = write_big_faq(faq)
    started = time.perf_counter()
    report = build_knowledge_base(scratch / "kb", faq=faq)
    build_s = time.perf_counter() - started
    text = faq.read_text(encoding="utf-8").replace("(Ref. 17)", "(Ref. 17, edited)")
    faq.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    update = build_knowledge_base(scratch / "kb", faq=faq, update=True)
    return scratch / "kb", {"entries": entries, "passages": report.passages,
                            "build_s": round(build_s, 1),
                            "update_one_edit_s": round(time.perf_counter() - started, 1),
                            "update_embedded": update.embedded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--think", type=float, default=1.0)
    args = parser.parse_args()
    questions = [row["text"] for row in csv.DictReader(
        (SHARED_DATA / "banking77" / "test.csv").open(encoding="utf-8"))]
    warnings.simplefilter("ignore", LeptonWarning)  # BANKING77 repeats a few questions
    with tempfile.TemporaryDirectory() as folder:
        with LoadMeter([os.getpid()]) as build_load:
            kb, build = build_timings(Path(folder))
        port = free_port()
        server = start_server(["--port", str(port), "--assistant", f"bank={kb}",
                               "--no-access-log", "--max-connections", "2000"], port)
        try:
            ready = memory_mb(server.pid)

            def request(number: int) -> bytes:
                return post_request("/v1/assistant/bank/messages", {
                    "message": questions[number % len(questions)],
                    "session": f"s{number % args.concurrency}"})

            asyncio.run(run_load(port, request, concurrency=4, duration_s=5, max_requests=200))
            loads = {"one_at_a_time": (1, 0.0),
                     f"{args.concurrency}_sessions_think_{args.think:g}s": (args.concurrency,
                                                                           args.think),
                     f"{args.concurrency}_without_pause": (args.concurrency, 0.0)}
            turns = {}
            for name, (concurrency, think) in loads.items():
                with LoadMeter([os.getpid(), server.pid]) as turn_load:
                    result = asyncio.run(run_load(port, request, concurrency=concurrency,
                                                  duration_s=args.seconds, max_requests=10**6,
                                                  think_s=think))
                summary = result.summary(1)
                summary.pop("texts_per_s")
                turns[name] = {**summary, "foreign_cores": round(turn_load.foreign_cores, 2)}
            loaded = memory_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    record("assistant_speed", {
        "bench": "assistant_speed", "code": code_version(), "build": build,
        "build_foreign_cores": round(build_load.foreign_cores, 2), "turns": turns,
        "memory_mb": {"ready": ready, "after_load": loaded}})


if __name__ == "__main__":
    main()
