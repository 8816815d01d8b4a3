"""Helpers shared by the benchmarks: data loading and foreign-CPU-load accounting."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lepton_ai.data.public import read_stsb
from lepton_ai.training.threads import busy_ticks, process_ticks

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def code_version() -> str:
    """The commit the benchmark ran on, with ``+dirty`` when the source tree had edits."""
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, check=True,
                                capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "src"], cwd=root, check=True,
                               capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")


def edit_distance(a: Sequence[object], b: Sequence[object]) -> int:
    """Levenshtein distance between two sequences (characters for CER, words for WER)."""
    previous = list(range(len(b) + 1))
    for i, item_a in enumerate(a, start=1):
        current = [i]
        for j, item_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (item_a != item_b)))
        previous = current
    return previous[-1]


def stsb_pairs(split: str = "test") -> list[tuple[float, str, str]]:
    """STS-B pairs (gold score, sentence 1, sentence 2) from ../shared/data."""
    return read_stsb(SHARED_DATA / "stsb" / f"sts-{split}.csv")


def stsb_sentences(n: int) -> list[str]:
    """The first ``n`` distinct STS-B sentences (test split, then dev)."""
    seen: dict[str, None] = {}
    for split in ("test", "dev"):
        for _, a, b in stsb_pairs(split):
            seen.setdefault(a)
            seen.setdefault(b)
    return list(seen)[:n]


@dataclass
class LoadMeter:
    """Measures how many cores *other* processes used during a window.

    Foreign load = (all busy CPU time − our processes' CPU time) / wall time.
    """

    pids: list[int]
    start_busy: int = 0
    start_own: int = 0
    start_time: float = 0.0

    def __enter__(self) -> LoadMeter:
        self.start_busy, self.start_own = busy_ticks(), process_ticks(self.pids)
        self.start_time = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.start_time
        busy = busy_ticks() - self.start_busy
        own = process_ticks(self.pids) - self.start_own
        self.foreign_cores = max(0.0, (busy - own) / CLOCK_TICKS / self.wall)


def record(name: str, result: dict) -> None:
    """Print ``result`` and append it as a JSON line to bench/results/<name>.jsonl."""
    import json

    print(json.dumps(result, ensure_ascii=False), flush=True)
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    with (results / f"{name}.jsonl").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(result, ensure_ascii=False) + "\n")
