"""Int8 recipes for MiniLM: STS-B Spearman, worst cosine to fp32, and speed.

    .venv/bin/python bench/quantization.py

Starts from the checked fp32 ONNX file in the cache (`lai models prepare`), makes
each dynamic-quantization variant in a temporary folder, and embeds the distinct
STS-B test sentences once per variant (all sentences in one call, so each variant
sees the same batches).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import stsb_pairs
from lepton_ai.models import onnx_cache
from lepton_ai.models.encoders import TransformerEncoder
from lepton_ai.models.folder import inspect_folder
from lepton_ai.models.registry import MINILM
from lepton_ai.models.runtimes import OnnxRuntime
from lepton_ai.settings import settings


def variants(fp32: Path, folder: Path) -> dict[str, Path]:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    extra = {"DefaultTensorType": onnx.TensorProto.FLOAT}
    names = [n.name for n in onnx.load(str(fp32)).graph.node if n.op_type == "MatMul"]
    ffn_out = [n for n in names if "/output/dense" in n and "attention" not in n]
    recipes = {
        "per-tensor (ORT default)": {},
        "per-channel": {"per_channel": True},
        "per-channel, reduce_range (shipped)": {"per_channel": True, "reduce_range": True},
        "per-channel, uint8 weights": {"per_channel": True, "weight_type": QuantType.QUInt8},
        "per-channel, FFN output in fp32": {"per_channel": True, "nodes_to_exclude": ffn_out},
    }
    out = {}
    for i, (name, options) in enumerate(recipes.items()):
        target = folder / f"v{i}.onnx"
        options.setdefault("weight_type", QuantType.QInt8)
        quantize_dynamic(str(fp32), str(target), extra_options=extra, **options)
        out[name] = target
    return out


def main() -> None:
    info = inspect_folder(MINILM.path())
    checked = onnx_cache.cached(info, settings.cache_dir, "fp32")
    if checked is None:
        sys.exit("run `lai models prepare` first")
    pairs = stsb_pairs("test")
    sentences = list(dict.fromkeys([a for _, a, _ in pairs] + [b for _, _, b in pairs]))
    position = {s: i for i, s in enumerate(sentences)}
    gold = np.array([g for g, _, _ in pairs])
    left = [position[a] for _, a, _ in pairs]
    right = [position[b] for _, _, b in pairs]

    def evaluate(model_file: Path) -> tuple[float, np.ndarray, float]:
        encoder = TransformerEncoder(MINILM, info, OnnxRuntime(model_file, settings.threads))
        encoder.encode(sentences[:64])
        times = []
        for _ in range(3):
            start = time.perf_counter()
            vectors = encoder.encode(sentences)
            times.append(len(sentences) / (time.perf_counter() - start))
        score = spearmanr(np.sum(vectors[left] * vectors[right], axis=1), gold).statistic * 100
        return float(score), vectors, statistics.median(times)

    reference_score, reference, reference_speed = evaluate(checked.file)
    print(f"{len(sentences)} distinct sentences")
    print("| recipe | STS-B Spearman | min cosine to fp32 | 1st percentile | sent/s |")
    print("|---|---|---|---|---|")
    print(f"| fp32 (exact) | {reference_score:.2f} | 1.0000 | 1.0000 | {reference_speed:.0f} |")
    with tempfile.TemporaryDirectory() as scratch:
        for name, file in variants(checked.file, Path(scratch)).items():
            score, vectors, speed = evaluate(file)
            cosines = np.sum(vectors * reference, axis=1)
            print(f"| {name} | {score:.2f} | {cosines.min():.4f} | "
                  f"{np.percentile(cosines, 1):.4f} | {speed:.0f} |", flush=True)


if __name__ == "__main__":
    main()
