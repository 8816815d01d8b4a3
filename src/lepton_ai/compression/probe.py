"""One row of the before/after table, measured in a process of its own.

    python -m lepton_ai.compression.probe MODEL_DIR EVAL.jsonl --precision int8
    python -m lepton_ai.compression.probe TAGGER_DIR EVAL.conll --kind tagger
    python -m lepton_ai.compression.probe ENCODER PAIRS.jsonl --kind encoder

Loads the model, scores it on the labelled file, times it at batch 1 and batch 32, and
prints one JSON object. A fresh process per model keeps each peak RSS its own (a
model loaded earlier in the same process would count in the next one's).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Single texts timed for the batch-1 rate and the median latency.
SINGLE_TEXTS = 128
#: Batches of 32 in one pass timed for the batch-32 rate.
BATCHES_OF_32 = 32
#: Passes repeat until this long has been timed: one pass of a static model takes
#: 30 ms, too short a window on a shared machine (its ratio to the teacher varied
#: 17-22x over single passes).
MIN_BATCH_SECONDS = 2.0


def measure(folder: Path, evaluation: Path, precision: str) -> dict[str, Any]:
    """Accuracy, macro F1, texts/s at batch 1 and 32, p50 latency and peak RSS."""
    from lepton_ai.data.labelled import read_labelled
    from lepton_ai.tasks.classify import TextClassifier

    data = read_labelled(evaluation, "text", "label")
    started = time.perf_counter()
    model = TextClassifier.load(folder, precision=None if precision == "own" else precision)
    model.predict(data.texts[:1])
    load_seconds = time.perf_counter() - started
    report = model.evaluate(data)
    return {
        "accuracy": round(100 * report["accuracy"], 2),
        "macro_f1": round(100 * report["macro"]["f1"], 2),
        **timed(model.predict, data.texts),
        "peak_rss_mb": peak_rss_mb(),
        "load_s": round(load_seconds, 2),
        "backend": model.encoder.backend,
    }


def timed(run: Callable[[list[str]], object], pool: list[str]) -> dict[str, float]:
    """Texts/s at batch 1 and 32 and the median latency of one text, over ``pool``."""
    texts = (pool * (1 + 1024 // max(1, len(pool))))[:1024]
    latencies = []
    for text in texts[:SINGLE_TEXTS]:
        tick = time.perf_counter()
        run([text])
        latencies.append(time.perf_counter() - tick)
    passes, tick = 0, time.perf_counter()
    while passes == 0 or time.perf_counter() - tick < MIN_BATCH_SECONDS:
        for start in range(0, 32 * BATCHES_OF_32, 32):
            run(texts[start : start + 32])
        passes += 1
    batch_seconds = time.perf_counter() - tick
    return {
        "texts_per_s_batch1": round(len(latencies) / sum(latencies), 1),
        "texts_per_s_batch32": round(32 * BATCHES_OF_32 * passes / batch_seconds, 1),
        "p50_ms": round(1000 * statistics.median(latencies), 2),
    }


def peak_rss_mb() -> float:
    """This process's peak resident memory (MB). ``ru_maxrss`` would not do: Linux keeps
    it across exec, so a child started by a large parent reports the parent's peak;
    ``VmHWM`` belongs to the process's own address space."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def measure_tagger(folder: Path, evaluation: Path, precision: str) -> dict[str, Any]:
    """Entity F1, texts/s at batch 1 and 32, p50 latency and peak RSS."""
    from lepton_ai.data.tagged import read_tagged
    from lepton_ai.tasks.tagger import load_tagger

    sentences = read_tagged(evaluation)
    started = time.perf_counter()
    model = load_tagger(folder, None if precision == "own" else precision)
    model.predict(" ".join(sentences[0].tokens))
    load_seconds = time.perf_counter() - started
    report = model.evaluate(sentences)
    return {
        "entity_f1": round(100 * report["f1"], 2),
        **timed(model.predict, [" ".join(s.tokens) for s in sentences]),
        "peak_rss_mb": peak_rss_mb(),
        "load_s": round(load_seconds, 2),
        "backend": model.runtime.name,
    }


def measure_encoder(name: str, pairs_file: Path, precision: str) -> dict[str, Any]:
    """STS Spearman, sentences/s at batch 1 and 32, p50 latency and peak RSS."""
    from lepton_ai.models.loader import load_encoder
    from lepton_ai.training.pair_training import read_pairs, spearman

    pairs = read_pairs(pairs_file)
    started = time.perf_counter()
    encoder = load_encoder(name, "auto", None if precision == "own" else precision)
    encoder.encode(pairs.first[:1])
    load_seconds = time.perf_counter() - started
    quality = spearman(encoder.encode(pairs.first), encoder.encode(pairs.second), pairs.scores)
    return {
        "spearman": quality,
        **timed(encoder.encode, pairs.first),
        "peak_rss_mb": peak_rss_mb(),
        "load_s": round(load_seconds, 2),
        "backend": encoder.backend,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("evaluation", type=Path)
    parser.add_argument("--precision", default="own", choices=("own", "fp32", "int8"))
    parser.add_argument("--kind", default="classifier",
                        choices=("classifier", "tagger", "encoder"))
    args = parser.parse_args()
    if args.kind == "tagger":
        print(json.dumps(measure_tagger(Path(args.model), args.evaluation, args.precision)))
    elif args.kind == "encoder":
        print(json.dumps(measure_encoder(args.model, args.evaluation, args.precision)))
    else:
        print(json.dumps(measure(Path(args.model), args.evaluation, args.precision)))


if __name__ == "__main__":
    main()
