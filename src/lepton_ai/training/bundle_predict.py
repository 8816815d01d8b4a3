"""Predict with an exported lepton-ai classifier, on its own.

Needs only onnxruntime, tokenizers and numpy (no torch, no lepton-ai)::

    pip install onnxruntime tokenizers numpy
    python predict.py < texts.txt        # one text per line in, one JSON line out

Each line out is ``{"label": ..., "score": ...}`` (``"labels"`` too for a multi-label
model). The steps are lepton-ai's: tokenize, cut long texts into overlapping windows,
run the encoder, mean- (or CLS-) pool, L2-normalise, average the windows weighted by
length, then the head (bundle.json says which; with the TF-IDF of word n-grams
when it weighs them) and the decision.
"""

import json
import math
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
import onnxruntime
from tokenizers import Tokenizer

HERE = Path(__file__).resolve().parent
#: bundle.json, read by main() (importing this file reads nothing).
CONFIG = {}


def windows(count, size, overlap):
    if count <= size:
        return [(0, count)]
    spans, start = [], 0
    while True:
        spans.append((start, min(start + size, count)))
        if spans[-1][1] == count:
            return spans
        start += size - overlap


def vector(text, tokenizer, session):
    ids = tokenizer.encode(text, add_special_tokens=False).ids
    total = 0.0
    for start, end in windows(len(ids), CONFIG["window"], CONFIG["overlap"]):
        piece = CONFIG["prefix"] + ids[start:end] + CONFIG["suffix"]
        feed = {"input_ids": np.array([piece], dtype=np.int64),
                "attention_mask": np.ones((1, len(piece)), dtype=np.int64)}
        if CONFIG["token_type_ids"]:
            feed["token_type_ids"] = np.zeros((1, len(piece)), dtype=np.int64)
        hidden = session.run(None, feed)[0][0]
        pooled = hidden[0] if CONFIG["pooling"] == "cls" else hidden.mean(axis=0)
        total = total + pooled / max(np.linalg.norm(pooled), 1e-12) * len(piece)
    return total / max(np.linalg.norm(total), 1e-12)


HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(f"[{HAN}]|[^\\W{HAN}]+")


def ngram_scores(text, ngrams, weight):
    """The head's n-gram part: sublinear TF-IDF of 1..max_n token n-grams, L2-normalised."""
    tokens = TOKEN.findall(unicodedata.normalize("NFKC", text).lower())
    grams = list(tokens)
    for n in range(2, ngrams["max_n"] + 1):
        grams += [" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)]
    counts = Counter(g for g in grams if g in ngrams["index"])
    if not counts:
        return 0.0
    columns = [ngrams["index"][g] for g in counts]
    values = np.array([(1.0 + math.log(c)) * ngrams["idf"][i]
                       for c, i in zip(counts.values(), columns, strict=True)], dtype=np.float32)
    return weight[:, columns] @ (values / np.linalg.norm(values))


def decide(text, scores, head, ngrams):
    if CONFIG["head"] == "mlp":
        scores = np.maximum(scores @ head["hidden.weight"].T + head["hidden.bias"], 0.0)
    scores = scores @ head["out.weight"].T + head["out.bias"]
    if ngrams is not None:
        scores = scores + ngram_scores(text, ngrams, head[CONFIG["ngram_weight"]])
    labels = CONFIG["labels"]
    if CONFIG["multi_label"]:
        probabilities = 1.0 / (1.0 + np.exp(-scores))
        chosen = [labels[i] for i in np.flatnonzero(probabilities >= 0.5)]
        best = int(np.argmax(probabilities))
        return {"label": labels[best], "score": float(probabilities[best]), "labels": chosen}
    probabilities = np.exp(scores - scores.max())
    probabilities /= probabilities.sum()
    best = int(np.argmax(probabilities))
    threshold = CONFIG["out_of_scope_threshold"]
    if threshold is not None and probabilities[best] < threshold:
        return {"label": "out_of_scope", "score": float(1.0 - probabilities[best])}
    return {"label": labels[best], "score": float(probabilities[best])}


def main():
    CONFIG.update(json.loads((HERE / "bundle.json").read_text(encoding="utf-8")))
    tokenizer = Tokenizer.from_file(str(HERE / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    # The fusions lai leaves out too (lepton_ai.models.onnx_cache.SLOW_FUSIONS): their
    # CPU kernels are slower than the plain operators they replace.
    session = onnxruntime.InferenceSession(
        str(HERE / "model.onnx"), providers=["CPUExecutionProvider"],
        disabled_optimizers=["SkipLayerNormFusion", "BiasGeluFusion"])
    head = dict(np.load(HERE / "head.npz", allow_pickle=False))
    ngrams = None
    if CONFIG.get("ngram_weight"):
        saved = json.loads((HERE / "ngrams.json").read_text(encoding="utf-8"))
        ngrams = {"max_n": saved["max_n"], "idf": saved["idf"],
                  "index": {term: i for i, term in enumerate(saved["terms"])}}
    for line in sys.stdin:
        text = line.rstrip("\n")
        if text.strip():
            found = vector(text, tokenizer, session).astype(np.float32)
            result = decide(text, found, head, ngrams)
            print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
