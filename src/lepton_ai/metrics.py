"""Scores of predictions against gold labels: one module for training, evaluation and
benchmarks.

- Classification: accuracy, macro/micro/weighted precision/recall/F1 over the labels
  present, per-label table, confusion matrix, expected calibration error; multi-label
  variants.
- Entities: micro and per-type precision/recall/F1 over BIO tag sequences (seqeval,
  conlleval-compatible).
- Relations: the SemEval-2010 Task 8 official score, reimplemented (the Perl scorer is
  not shipped). Labels are directed relations written ``Name(e1,e2)`` /
  ``Name(e2,e1)`` plus an "other" label. The official score is "(9+1)-way evaluation
  with directionality taken into account": per relation name, precision = exact
  directed matches / predictions of that name in either direction, recall = exact
  matches / gold of that name; F1 per name; macro-F1 = their mean over the names in
  the gold key, "other" excluded. Micro scores pool the same counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from lepton_ai.data.labelled import LabelledSet

#: Calibration bins for the expected calibration error.
ECE_BINS = 15
#: How many of the most confident errors a report shows (report.md), and how many it
#: keeps in ``errors`` for browsing (the console's error browser).
SHOWN_ERRORS = 10
KEPT_ERRORS = 500


def single_label_metrics(
    labels: list[str], data: LabelledSet, probabilities: np.ndarray
) -> dict[str, Any]:
    """Accuracy, macro/micro/weighted P/R/F1, per-label table, confusion matrix, ECE."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    position = {name: i for i, name in enumerate(labels)}
    truth = np.array([position[example[0]] for example in data.labels])
    predicted = probabilities.argmax(1)
    confidence = probabilities.max(1)
    everything = list(range(len(labels)))
    report: dict[str, Any] = {"accuracy": float((truth == predicted).mean())}
    report.update(averaged_scores(truth, predicted, sorted(set(truth) | set(predicted))))
    p, r, f, support = precision_recall_fscore_support(
        truth, predicted, labels=everything, zero_division=0
    )
    report["per_label"] = [
        {"label": labels[i], "precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
         "support": int(support[i])}
        for i in everything
    ]
    report["confusion_matrix"] = confusion_matrix(truth, predicted, labels=everything).tolist()
    report["ece"] = expected_calibration_error(confidence, truth == predicted)
    report["calibration"] = calibration_bins(confidence, truth == predicted)
    wrong = np.flatnonzero(truth != predicted)
    worst = wrong[np.argsort(-confidence[wrong], kind="stable")][:KEPT_ERRORS]
    report["errors"] = [
        {"row": data.rows[i], "text": data.texts[i][:200], "label": labels[truth[i]],
         "predicted": labels[predicted[i]], "confidence": float(confidence[i])}
        for i in worst
    ]
    report["confident_errors"] = report["errors"][:SHOWN_ERRORS]
    return report


def multi_label_metrics(
    labels: list[str], data: LabelledSet, probabilities: np.ndarray
) -> dict[str, Any]:
    """Subset accuracy and macro/micro/weighted P/R/F1 over labels."""
    from sklearn.metrics import precision_recall_fscore_support

    position = {name: i for i, name in enumerate(labels)}
    truth = np.zeros_like(probabilities, dtype=int)
    for row, example in enumerate(data.labels):
        truth[row, [position[name] for name in example]] = 1
    predicted = (probabilities >= 0.5).astype(int)
    report: dict[str, Any] = {"accuracy": float((truth == predicted).all(1).mean())}
    report.update(averaged_scores(
        truth, predicted, np.flatnonzero(truth.any(0) | predicted.any(0)).tolist()
    ))
    p, r, f, support = precision_recall_fscore_support(truth, predicted, zero_division=0)
    report["per_label"] = [
        {"label": labels[i], "precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
         "support": int(support[i])}
        for i in range(len(labels))
    ]
    return report


def averaged_scores(
    truth: np.ndarray, predicted: np.ndarray, occurring: list[int]
) -> dict[str, Any]:
    """Macro, micro and weighted P/R/F1 over the labels that occur in truth or predictions.

    A label absent from both has no defined score; counting it as 0 (as averaging over
    every trained label would) drags macro figures down for evaluation sets that cover
    only some labels, e.g. the new examples of a continual update. These are the
    labels scikit-learn averages over by default.
    """
    from sklearn.metrics import precision_recall_fscore_support

    scores: dict[str, Any] = {"averaged_labels": len(occurring)}
    for average in ("macro", "micro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            truth, predicted, labels=occurring or None, average=average, zero_division=0
        )
        scores[average] = {"precision": float(p), "recall": float(r), "f1": float(f)}
    return scores


def calibration_bins(confidence: np.ndarray, correct: np.ndarray) -> list[dict[str, float]]:
    """The reliability diagram: for each of ``ECE_BINS`` equal-width confidence bins that
    holds predictions, its bounds, how many, their mean confidence and their accuracy."""
    edges = np.linspace(0.0, 1.0, ECE_BINS + 1)
    bins = np.clip(np.digitize(confidence, edges[1:-1]), 0, ECE_BINS - 1)
    found = []
    for b in range(ECE_BINS):
        members = bins == b
        if members.any():
            found.append({"low": float(edges[b]), "high": float(edges[b + 1]),
                          "count": int(members.sum()),
                          "confidence": float(confidence[members].mean()),
                          "accuracy": float(correct[members].mean())})
    return found


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray) -> float:
    """ECE: |accuracy − confidence| averaged over equal-width confidence bins."""
    if not len(confidence):
        return 0.0
    return float(sum(b["count"] * abs(b["accuracy"] - b["confidence"])
                     for b in calibration_bins(confidence, correct)) / len(confidence))


def entity_scores(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, Any]:
    """Micro precision/recall/F1 over entities, and the same per entity type."""
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    per_type = classification_report(gold, predicted, output_dict=True, zero_division=0)
    return {
        "precision": float(precision_score(gold, predicted, zero_division=0)),
        "recall": float(recall_score(gold, predicted, zero_division=0)),
        "f1": float(f1_score(gold, predicted, zero_division=0)),
        "per_type": [
            {"label": name, "precision": float(v["precision"]), "recall": float(v["recall"]),
             "f1": float(v["f1-score"]), "support": int(v["support"])}
            for name, v in per_type.items() if "avg" not in name
        ],
    }


_DIRECTED = re.compile(r"^(?P<name>.+)\((?P<first>e[12]),(?P<second>e[12])\)$")


def parse_label(label: str) -> tuple[str, bool | None]:
    """``(name, e1 first)``: ``Cause-Effect(e2,e1)`` gives ``("Cause-Effect", False)``;
    an undirected label gives ``(label, None)``."""
    match = _DIRECTED.match(label)
    if match is None:
        return label, None
    return match.group("name"), match.group("first") == "e1"


def relation_name(label: str) -> str:
    """``Cause-Effect(e2,e1)`` → ``Cause-Effect``; undirected labels stay as they are."""
    return parse_label(label)[0]


def official_scores(
    gold: Sequence[str], predicted: Sequence[str], other: str = "Other"
) -> dict[str, Any]:
    """Macro/micro precision, recall and F1 (×100) over relation names, ``other`` excluded."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted must have the same length")
    correct: Counter[str] = Counter()
    proposed: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    wrong_direction = 0
    for truth, guess in zip(gold, predicted, strict=True):
        truth_name, guess_name = relation_name(truth), relation_name(guess)
        answers[truth_name] += 1
        proposed[guess_name] += 1
        if truth == guess:
            correct[truth_name] += 1
        elif truth_name == guess_name:
            wrong_direction += 1
    names = sorted(n for n in answers if n != other)
    per_relation = {}
    for name in names:
        precision = 100.0 * correct[name] / proposed[name] if proposed[name] else 0.0
        recall = 100.0 * correct[name] / answers[name]
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_relation[name] = {"precision": precision, "recall": recall, "f1": f1,
                              "support": answers[name]}
    micro_correct = sum(correct[n] for n in names)
    micro_proposed = sum(v for n, v in proposed.items() if n != other)
    micro_answers = sum(answers[n] for n in names)
    micro_p = 100.0 * micro_correct / micro_proposed if micro_proposed else 0.0
    micro_r = 100.0 * micro_correct / micro_answers if micro_answers else 0.0
    count = len(names) or 1
    return {
        "macro_f1": sum(r["f1"] for r in per_relation.values()) / count,
        "macro_precision": sum(r["precision"] for r in per_relation.values()) / count,
        "macro_recall": sum(r["recall"] for r in per_relation.values()) / count,
        "micro_f1": 2 * micro_p * micro_r / (micro_p + micro_r) if micro_p + micro_r else 0.0,
        "accuracy": 100.0 * sum(g == p for g, p in zip(gold, predicted, strict=True))
        / max(len(gold), 1),
        "wrong_direction": wrong_direction,
        "per_relation": per_relation,
    }
