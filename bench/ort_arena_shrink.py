"""What handing ONNX Runtime's arena back after a run costs, and what it saves.

    .venv/bin/python bench/ort_arena_shrink.py

The default encoder's int8 export (all-MiniLM-L6-v2, one session with one thread, as
lepton-ai's throughput runtime opens it) runs batches of several shapes with and
without the run option ``memory.enable_memory_arena_shrinkage``, alternating, median
of three rounds; then one process-wide check of the memory a 16 × 256 batch leaves
behind each way. Appends a JSON line to bench/results/ort_arena_shrink.jsonl.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record

SHAPES = [(1, 12), (16, 45), (64, 45), (16, 256)]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    import onnxruntime as ort

    from lepton_ai.models import load_encoder

    runtime = load_encoder("all-MiniLM-L6-v2", backend="onnx", precision="int8").runtime
    model_file = str(runtime.model_file)  # type: ignore[attr-defined]

    def session() -> ort.InferenceSession:
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(model_file, options, providers=["CPUExecutionProvider"])

    shrink = ort.RunOptions()
    shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def feed(batch: int, length: int) -> dict[str, np.ndarray]:
        ids = np.full((batch, length), 2000, dtype=np.int64)
        return {"input_ids": ids, "attention_mask": np.ones_like(ids),
                "token_type_ids": np.zeros_like(ids)}

    kept = {}
    for name, options in (("plain", None), ("shrink", shrink)):
        probe = session()
        probe.run(None, feed(16, 40))
        before = rss_mb()
        probe.run(None, feed(16, 256), options)
        kept[name] = round(rss_mb() - before, 1)
        del probe

    timed = session()
    milliseconds: dict[str, dict[str, float]] = {}
    with LoadMeter([os.getpid()]) as load:
        for shape in SHAPES:
            inputs = feed(*shape)
            rounds: dict[str, list[float]] = {"plain": [], "shrink": []}
            repeats = max(3, 200 // shape[0] // max(1, shape[1] // 45))
            for _ in range(3):
                for name, options in (("plain", None), ("shrink", shrink)):
                    timed.run(None, inputs, options)
                    started = time.perf_counter()
                    for _ in range(repeats):
                        timed.run(None, inputs, options)
                    rounds[name].append((time.perf_counter() - started) / repeats * 1000)
            milliseconds[f"{shape[0]}x{shape[1]}"] = {
                name: round(sorted(values)[1], 2) for name, values in rounds.items()}
    record("ort_arena_shrink", {
        "ms_per_run": milliseconds, "mb_kept_after_16x256": kept,
        "foreign_cpu_cores": round(load.foreign_cores, 2), "code": code_version(),
    })


if __name__ == "__main__":
    main()
