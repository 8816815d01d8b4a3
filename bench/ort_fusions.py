"""What ONNX Runtime's residual-layer-norm and bias-GELU fusions cost on this CPU.

    .venv/bin/python bench/ort_fusions.py [--model all-MiniLM-L6-v2] [--rounds 5]

Exports the model once, then builds it two ways: every fusion of ONNX Runtime's BERT
optimizer (the recipe before 2026-12-07), and lepton-ai's recipe, which leaves
``SkipLayerNormalization`` and ``BiasGelu`` out of the file and out of the session
(``onnx_cache.SLOW_FUSIONS``). Each is quantized the same way. One-thread sessions, as
the throughput runtime opens them, run batches of several shapes, the two recipes
alternating, median of ``--rounds`` rounds; then the pooled vectors' smallest cosine
between the recipes and to the fp32 file. Appends a JSON line to
bench/results/ort_fusions.jsonl.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record

SHAPES = [(32, 48), (32, 128), (1, 16)]


def build(folder: Path, model: str) -> dict[str, Path]:
    """The four files: {all, lepton} × {fp32, int8}."""
    import json

    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    from lepton_ai.models import onnx_cache
    from lepton_ai.models.folder import inspect_folder
    from lepton_ai.models.registry import resolve

    info = inspect_folder(resolve(model).path())
    config = json.loads((info.path / "config.json").read_text())
    raw = folder / "raw.onnx"
    onnx_cache._export(info, raw)
    files = {"all-fp32": folder / "all-fp32.onnx", "lepton-fp32": folder / "lepton-fp32.onnx"}
    optimize_model(str(raw), model_type="bert", num_heads=config["num_attention_heads"],
                   hidden_size=config["hidden_size"],
                   optimization_options=FusionOptions("bert")).save_model_to_file(
        str(files["all-fp32"]))
    onnx_cache._optimize(raw, info, files["lepton-fp32"])
    for recipe in ("all", "lepton"):
        files[f"{recipe}-int8"] = folder / f"{recipe}-int8.onnx"
        onnx_cache._quantize_int8(files[f"{recipe}-fp32"], files[f"{recipe}-int8"])
    return files


def session(file: Path, recipe: str):  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    from lepton_ai.models.onnx_cache import SLOW_FUSIONS

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    disabled = list(SLOW_FUSIONS) if recipe == "lepton" else []
    return ort.InferenceSession(str(file), options, providers=["CPUExecutionProvider"],
                                disabled_optimizers=disabled)


def feed_for(sess, batch: int, length: int, seed: int = 0) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    feed = {"input_ids": rng.integers(1000, 20000, (batch, length)).astype(np.int64),
            "attention_mask": np.ones((batch, length), np.int64)}
    if "token_type_ids" in {i.name for i in sess.get_inputs()}:
        feed["token_type_ids"] = np.zeros((batch, length), np.int64)
    return feed


def pooled(sess, feed: dict[str, np.ndarray]) -> np.ndarray:  # type: ignore[no-untyped-def]
    mean = sess.run(None, feed)[0].mean(axis=1)
    return mean / np.linalg.norm(mean, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory() as scratch:
        files = build(Path(scratch), args.model)
        sessions = {name: session(file, name.split("-")[0]) for name, file in files.items()}
        timings: dict[str, dict[str, list[float]]] = {
            f"{b}x{n}": {name: [] for name in sessions} for b, n in SHAPES}
        with LoadMeter([os.getpid()]) as load:
            for _ in range(args.rounds):
                for batch, length in SHAPES:
                    repeats = max(2, 2048 // (batch * length))
                    for name, sess in sessions.items():
                        feed = feed_for(sess, batch, length)
                        sess.run(None, feed)
                        started = time.perf_counter()
                        for _ in range(repeats):
                            sess.run(None, feed)
                        timings[f"{batch}x{length}"][name].append(
                            (time.perf_counter() - started) / repeats * 1000)
        check = feed_for(sessions["all-fp32"], 16, 40, seed=1)
        vectors = {name: pooled(sess, check) for name, sess in sessions.items()}
    medians = {shape: {name: round(statistics.median(ms), 2) for name, ms in by.items()}
               for shape, by in timings.items()}
    speedups = {shape: {p: round(by[f"all-{p}"] / by[f"lepton-{p}"], 3) for p in ("fp32", "int8")}
                for shape, by in medians.items()}

    def low(a: str, b: str) -> float:
        return round(float(np.min(np.sum(vectors[a] * vectors[b], axis=1))), 5)

    record("ort_fusions", {
        "model": args.model, "code": code_version(), "rounds": args.rounds,
        "ms_per_batch_median": medians, "speedup_lepton_over_all": speedups,
        "min_cosine": {"int8 recipes": low("all-int8", "lepton-int8"),
                       "fp32 recipes": low("all-fp32", "lepton-fp32"),
                       "lepton int8 to fp32": low("lepton-int8", "all-fp32"),
                       "all int8 to fp32": low("all-int8", "all-fp32")},
        "foreign_cores": round(load.foreign_cores, 2),
    })


if __name__ == "__main__":
    main()
