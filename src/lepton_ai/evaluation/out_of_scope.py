"""Classifiers that abstain: the out-of-scope label, its threshold and its metrics.

A classifier trained with ``out_of_scope=True`` (``lai train --out-of-scope``)
keeps a rejection threshold on its top probability, calibrated on the validation
split: with examples labelled ``out_of_scope`` there (the data has such a label),
the threshold that maximises the mean of in-scope accuracy and out-of-scope
recall; without, the one that still accepts ``ACCEPT_IN_SCOPE`` of the in-scope
validation examples. Below it a prediction is ``out_of_scope`` (its score is
1 − the top probability). The data may also teach ``out_of_scope`` as a class of
its own; that prediction stands whatever the threshold.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

OUT_OF_SCOPE = "out_of_scope"
#: Without out-of-scope examples: the share of in-scope validation texts kept.
ACCEPT_IN_SCOPE = 0.95


def decide(row: np.ndarray, labels: Sequence[str], threshold: float | None) -> str:
    """The label of one row of probabilities, ``OUT_OF_SCOPE`` below ``threshold``."""
    best = int(np.argmax(row))
    if threshold is not None and float(row[best]) < threshold:
        return OUT_OF_SCOPE
    return labels[best]


def fit_threshold(probabilities: np.ndarray, gold: Sequence[str],
                  labels: Sequence[str]) -> dict[str, Any]:
    """The rejection threshold from validation probabilities and their gold labels."""
    top = probabilities.max(axis=1)
    inside = np.array([label != OUT_OF_SCOPE for label in gold])
    if inside.all():
        threshold = float(np.quantile(top[inside], 1 - ACCEPT_IN_SCOPE))
        rule = f"keeps {ACCEPT_IN_SCOPE:.0%} of in-scope validation texts"
    else:
        candidates = np.unique(np.concatenate([top, [0.0, 1.01]]))
        scores = [_balance(out_of_scope_metrics(probabilities, gold, labels, t))
                  for t in candidates]
        threshold = float(candidates[int(np.argmax(scores))])
        rule = "best mean of in-scope accuracy and out-of-scope recall on validation"
    return {"threshold": round(threshold, 6), "rule": rule,
            "validation": out_of_scope_metrics(probabilities, gold, labels, threshold)}


def _balance(metrics: dict[str, float]) -> float:
    return (metrics["in_scope_accuracy"] + metrics["out_of_scope_recall"]) / 2


def out_of_scope_metrics(probabilities: np.ndarray, gold: Sequence[str],
                         labels: Sequence[str], threshold: float | None) -> dict[str, float]:
    """In-scope accuracy (abstaining counts as wrong), out-of-scope recall, and the
    share of in-scope texts rejected."""
    predicted = [decide(row, labels, threshold) for row in probabilities]
    inside = [(p, g) for p, g in zip(predicted, gold, strict=True) if g != OUT_OF_SCOPE]
    outside = [p for p, g in zip(predicted, gold, strict=True) if g == OUT_OF_SCOPE]
    return {
        "in_scope_accuracy": round(float(np.mean([p == g for p, g in inside])), 4)
        if inside else 0.0,
        "out_of_scope_recall": round(float(np.mean([p == OUT_OF_SCOPE for p in outside])), 4)
        if outside else 0.0,
        "in_scope_rejected": round(float(np.mean([p == OUT_OF_SCOPE for p, _ in inside])), 4)
        if inside else 0.0,
        "in_scope_examples": len(inside), "out_of_scope_examples": len(outside),
    }
