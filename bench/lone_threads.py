"""When does a lone call gain from a second thread? MiniLM, one ONNX Runtime session
with one thread against one with two (spinning off, as lai opens them), by call size.

    .venv/bin/python bench/lone_threads.py            # int8 and fp32, quiet and busy

Each cell is the median of repeated calls (at least 20, about 0.5 s of work per cell),
the two sessions alternating, twice. "busy": another process holds one core. The
answer sets ``runtimes.LONE_THREADS_FROM_MS``. Appends to bench/results/lone_threads.jsonl
with the cores other processes used.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record
from lepton_ai.models import onnx_cache
from lepton_ai.models.folder import inspect_folder
from lepton_ai.models.registry import MINILM
from lepton_ai.models.runtimes import OnnxRuntime
from lepton_ai.settings import settings

SIZES = [(1, 16), (1, 32), (1, 64), (1, 128), (1, 256), (4, 64), (8, 128)]


def median_ms(session: object, feed: dict[str, np.ndarray]) -> float:
    session.run(None, feed)  # type: ignore[attr-defined]
    times: list[float] = []
    while len(times) < 20 or sum(times) < 0.5:
        tick = time.perf_counter()
        session.run(None, feed)  # type: ignore[attr-defined]
        times.append(time.perf_counter() - tick)
    return round(1000 * statistics.median(times), 2)


def main() -> None:
    rows = []
    for precision in ("int8", "fp32"):
        checked = onnx_cache.cached(inspect_folder(MINILM.path()), settings.cache_dir, precision)
        if checked is None:
            sys.exit("run `lai models prepare all-MiniLM-L6-v2` first")
        runtime = OnnxRuntime(checked.file, workers=2)
        one, two = runtime._open(threads=1), runtime._open(threads=2)
        for busy in (False, True):
            spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) \
                if busy else None
            time.sleep(0.5)
            group: list[dict] = []
            try:
                with LoadMeter([os.getpid()] + ([spinner.pid] if spinner else [])) as meter:
                    for batch, length in SIZES:
                        ids = np.full((batch, length), 2023, dtype=np.int64)
                        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
                        if "token_type_ids" in runtime.input_names:
                            feed["token_type_ids"] = np.zeros_like(ids)
                        pairs = [(median_ms(one, feed), median_ms(two, feed)) for _ in range(2)]
                        group.append({"precision": precision, "busy": busy,
                                      "size": f"{batch}x{length}",
                                      "one_thread_ms": [p[0] for p in pairs],
                                      "two_threads_ms": [p[1] for p in pairs]})
                        print(group[-1], flush=True)
            finally:
                if spinner:
                    spinner.kill()
            # the spinner is counted as ours: this is the load beyond it
            rows += [{**row, "foreign_cores": round(meter.foreign_cores, 2)} for row in group]
    record("lone_threads", {"code": code_version(), "rows": rows})


if __name__ == "__main__":
    main()
