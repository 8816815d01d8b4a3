"""Confidence that the top entry is right, calibrated on the knowledge base itself.

At build time FAQ phrasings become test questions, in two ways:

- *answerable*: a phrasing whose entry has another one is matched with its own
  passage left out; the test passes when its entry comes first;
- *unanswerable*: for a share of the entries (``UNANSWERABLE_SHARE`` of the tests)
  the whole entry is left out and one of its phrasings sent: whatever comes first
  is wrong, which is what a question the base cannot answer looks like.

Each outcome is recorded with three features of the ranking (the top score, its
margin over the second, the mean of the top entry's best passages), and a
logistic regression on them turns any ranking into a probability that answering
would be right. The company's own paraphrases are
the closest thing to its customers' messages that exists before the first
customer writes; the answerable tests' hit rate is reported as the base's
expected accuracy. With too few paraphrases (< ``MIN_EXAMPLES``) the embedding
model's prior weights below are used.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from lepton_ai.solutions.assistant.retrieval import Candidate, HybridRetriever

MIN_EXAMPLES = 30
MAX_EXAMPLES = 2000
#: Share of the tests that ask about an entry left out of the base.
UNANSWERABLE_SHARE = 0.3
#: Used when a base has too few paraphrases to calibrate on, per embedding model
#: (their cosines live on different scales): the weights this calibration fitted on
#: BANKING77's train split (CC BY 4.0) built as a 77-entry base with 5 phrasings
#: each, with model= each model (bench/assistant_banking77.py --k 5, 2026-12-06).
PRIORS: dict[str, dict[str, float]] = {
    "all-MiniLM-L6-v2": {"top": -1.7666, "margin": 11.8547, "support": 8.2241,
                         "bias": -5.5505},
    "multilingual-e5-small-q4": {"top": -8.4227, "margin": 32.5911, "support": 34.7964,
                                 "bias": -26.1685},
    "use-multilingual-v3": {"top": -2.8419, "margin": 12.6385, "support": 6.8554,
                            "bias": -3.6008},
}
#: For models without a prior of their own.
DEFAULT_PRIOR = PRIORS["all-MiniLM-L6-v2"]


def features(candidates: Sequence[Candidate]) -> tuple[float, float, float]:
    """``(top score, margin over the second, support of the top)`` of a ranking."""
    if not candidates:
        return 0.0, 0.0, 0.0
    top = candidates[0].score
    second = candidates[1].score if len(candidates) > 1 else 0.0
    return top, top - second, candidates[0].support


def confidence(candidates: Sequence[Candidate], calibration: dict[str, Any]) -> float:
    """The calibrated probability that ``candidates[0]`` is the right entry."""
    if not candidates:
        return 0.0
    top, margin, support = features(candidates)
    weights = calibration.get("weights") or DEFAULT_PRIOR
    z = (weights["top"] * top + weights["margin"] * margin
         + weights.get("support", 0.0) * support + weights["bias"])
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1e-3, steps: int = 50) -> np.ndarray:
    """Weights (last one the bias) of an L2-regularised logistic regression, by Newton steps."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weights = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ weights, -50, 50)))
        gradient = design.T @ (p - y) + l2 * weights
        hessian = (design * (p * (1 - p))[:, None]).T @ design + l2 * np.eye(len(weights))
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.abs(step).max() < 1e-6:
            break
    return weights


def calibrate(retriever: HybridRetriever, space: str, seed: int = 0) -> dict[str, Any]:
    """Leave-out tests of the base's own paraphrases that are matched in ``space``;
    the fitted weights and the answerable tests' hit rate."""
    kb = retriever.kb
    rows = [row for row, passage in enumerate(kb.passages)
            if passage.field in ("question", "alternative")
            and len(kb.entries[passage.entry].phrasings()) > 1
            and kb.space_for(passage.text) == space]
    prior = PRIORS.get(kb.models[space], DEFAULT_PRIOR)
    if len(rows) < MIN_EXAMPLES:
        return {"examples": len(rows), "weights": prior, "prior": True,
                "note": f"fewer than {MIN_EXAMPLES} paraphrases: prior weights"}
    generator = random.Random(seed)
    generator.shuffle(rows)
    rows = rows[:MAX_EXAMPLES]
    vectors = kb.vectors[space]
    samples, hits = [], []
    for row in rows:
        passage = kb.passages[row]
        ranked = retriever.rank(passage.text, k=2, vector=vectors[row], space=space,
                                exclude=row)
        samples.append(features(ranked))
        hits.append(float(bool(ranked) and ranked[0].entry.id == passage.entry))
    answerable = float(np.mean(hits))
    unanswerable = int(len(rows) * UNANSWERABLE_SHARE / (1 - UNANSWERABLE_SHARE))
    if len(kb.entries) > 2:
        for row in (generator.choice(rows) for _ in range(unanswerable)):
            passage = kb.passages[row]
            ranked = retriever.rank(passage.text, k=2, vector=vectors[row], space=space,
                                    exclude=retriever.entry_rows(passage.entry))
            samples.append(features(ranked))
            hits.append(0.0)
    x, y = np.asarray(samples), np.asarray(hits)
    result: dict[str, Any] = {"examples": len(rows), "unanswerable_examples": len(y) - len(rows),
                              "hit_at_1": round(answerable, 4)}
    if y.min() == y.max():
        return {**result, "weights": prior, "prior": True,
                "note": "all tests had one outcome: prior weights"}
    weights = fit_logistic(x, y)
    result["weights"] = {name: round(float(value), 4) for name, value in
                         zip(("top", "margin", "support", "bias"), weights, strict=True)}
    return result
