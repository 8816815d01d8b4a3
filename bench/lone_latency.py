"""Latency of one short sentence through ONNX Runtime sessions of different threading.

    .venv/bin/python bench/lone_latency.py

Why lone requests use a 2-thread session without spinning: measures p50/p99 of
200 calls on a 13-token sentence, quiet and with another process holding one core.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import numpy as np
import onnxruntime as ort

from lepton_ai.models import onnx_cache
from lepton_ai.models.folder import inspect_folder
from lepton_ai.models.registry import MINILM
from lepton_ai.settings import settings


def session(path: str, threads: int, spinning: bool) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.add_session_config_entry("session.intra_op.allow_spinning", "1" if spinning else "0")
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def main() -> None:
    checked = onnx_cache.cached(inspect_folder(MINILM.path()), settings.cache_dir, "fp32")
    if checked is None:
        sys.exit("run `lai models prepare` first")
    ids = np.array([[101] + [2023] * 11 + [102]])
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": 0 * ids}
    sessions = {
        "1 thread": session(str(checked.file), 1, True),
        "2 threads, spinning": session(str(checked.file), 2, True),
        "2 threads, no spinning": session(str(checked.file), 2, False),
    }
    print("| session | machine | p50 ms | p99 ms |")
    print("|---|---|---|---|")
    for busy in (False, True):
        spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
        time.sleep(0.5)
        try:
            for name, sess in sessions.items():
                sess.run(None, feed)
                times = []
                for _ in range(200):
                    start = time.perf_counter()
                    sess.run(None, feed)
                    times.append(1000 * (time.perf_counter() - start))
                print(f"| {name} | {'busy' if busy else 'quiet'} | "
                      f"{statistics.median(times):.1f} | {np.percentile(times, 99):.1f} |")
        finally:
            if spinner is not None:
                spinner.kill()


if __name__ == "__main__":
    main()
