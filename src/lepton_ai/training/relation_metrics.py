"""The SemEval-2010 Task 8 official score, reimplemented (the Perl scorer is not shipped).

Labels are directed relations written ``Name(e1,e2)`` / ``Name(e2,e1)`` plus an
"other" label. The official score is "(9+1)-way evaluation with directionality
taken into account": per relation name, precision = exact directed matches /
predictions of that name in either direction, recall = exact matches / gold of
that name; F1 per name; macro-F1 = their mean over the names in the gold key,
"other" excluded. Micro scores pool the same counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

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
