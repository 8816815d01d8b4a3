"""Static (calibrated) against dynamic int8 for a compressed classifier's encoder.

    .venv/bin/python bench/quantize_static.py bench/results/models/banking77-distil3

`lai compress --quantize` offers dynamic int8 only. This measures what ONNX Runtime's
static quantization (QDQ or QOperator form, per-channel int8 weights, uint8 activations
calibrated on 300 training texts with MinMax) gives on this machine, to decide whether to offer it.
The same classifier runs with the fp32 encoder, the dynamic int8 encoder lepton-ai
builds, and the static int8 one. It is measured in one process, on BANKING77 test:
accuracy, and texts/s at batch 32 and at batch 1, over three alternating rounds (median).
Appends to bench/results/quantize_static.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.models.encoders import TransformerEncoder
from lepton_ai.models.runtimes import OnnxRuntime
from lepton_ai.settings import settings
from lepton_ai.tasks.classify import TextClassifier


def rows(split: str) -> tuple[list[str], list[str]]:
    with open(SHARED_DATA / "banking77" / f"{split}.csv", encoding="utf-8") as handle:
        found = list(csv.DictReader(handle))
    return [r["text"] for r in found], [r["category"] for r in found]


def calibrated(model: TextClassifier, fp32: Path, texts: list[str], out: Path,
               layout: str) -> Path:
    """The fp32 encoder quantized statically, calibrated on ``texts``."""
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    encoder = model.encoder
    names = encoder.runtime.input_names

    class Batches(CalibrationDataReader):
        def __init__(self) -> None:
            pieces, _ = encoder.pieces(texts)
            self.feeds = []
            for start in range(0, len(pieces), 16):
                ids, mask = encoder._pad(pieces[start : start + 16])
                feed = {"input_ids": ids, "attention_mask": mask}
                if "token_type_ids" in names:
                    feed["token_type_ids"] = np.zeros_like(ids)
                self.feeds.append(feed)
            self.position = 0

        def get_next(self) -> dict | None:
            if self.position == len(self.feeds):
                return None
            self.position += 1
            return self.feeds[self.position - 1]

    prepared = out.with_name("prepared.onnx")
    quant_pre_process(str(fp32), str(prepared), skip_symbolic_shape=True)
    quantize_static(str(prepared), str(out), Batches(),
                    quant_format=QuantFormat.QDQ if layout == "qdq" else QuantFormat.QOperator,
                    per_channel=True, activation_type=QuantType.QUInt8,
                    weight_type=QuantType.QInt8)
    return out


def speed(model: TextClassifier, texts: list[str]) -> tuple[float, float]:
    model.predict(texts[:32])
    tick = time.perf_counter()
    for start in range(0, 1024, 32):
        model.predict(texts[start : start + 32])
    batch32 = 1024 / (time.perf_counter() - tick)
    tick = time.perf_counter()
    for text in texts[:128]:
        model.predict([text])
    return batch32, 128 / (time.perf_counter() - tick)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--format", choices=("qdq", "qoperator"), default="qdq",
                        help="how the quantized graph is written (ONNX Runtime's two forms)")
    args = parser.parse_args()
    train_texts, _ = rows("train")
    test_texts, test_labels = rows("test")
    models = {p: TextClassifier.load(args.model, precision=p) for p in ("fp32", "int8")}
    fp32_file = models["fp32"].encoder.runtime.model_file
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        static_file = calibrated(models["fp32"], fp32_file,
                                 train_texts[::len(train_texts) // 300][:300],
                                 Path(scratch) / "static.onnx", args.format)
        calibration_seconds = time.perf_counter() - started
        base = models["fp32"]  # encoders are shared through the model store: build a new one
        encoder = TransformerEncoder(base.encoder.spec, base.encoder.info,
                                     OnnxRuntime(static_file, settings.threads,
                                                 name="onnx-static-int8"))
        models["static-int8"] = TextClassifier(encoder, base.head, base.manifest, base.folder)
        results: dict[str, dict] = {}
        with LoadMeter([os.getpid()]) as meter:
            for name, model in models.items():
                predicted = model.predict(test_texts)
                results[name] = {"accuracy": round(100 * float(np.mean(
                    [p == t for p, t in zip(predicted, test_labels, strict=True)])), 2),
                    "batch32": [], "batch1": [],
                    "size_mb": round(model.encoder.runtime.model_file.stat().st_size / 1e6, 1)}
            for _ in range(args.rounds):
                for name, model in models.items():
                    b32, b1 = speed(model, test_texts)
                    results[name]["batch32"].append(round(b32, 1))
                    results[name]["batch1"].append(round(b1, 1))
        for found in results.values():
            found["batch32_median"] = statistics.median(found["batch32"])
            found["batch1_median"] = statistics.median(found["batch1"])
    record("quantize_static", {"model": str(args.model), "format": args.format,
                               "results": results,
                               "calibration_texts": 300,
                               "calibration_seconds": round(calibration_seconds, 1),
                               "foreign_cpu_cores": round(meter.foreign_cores, 2),
                               "code": code_version()})


if __name__ == "__main__":
    main()
