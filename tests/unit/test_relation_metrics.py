"""The reimplemented SemEval-2010 Task 8 scorer, checked by hand-counted cases."""

from __future__ import annotations

import pytest

from lepton_ai.metrics import official_scores, relation_name


def test_relation_name_strips_the_direction():
    assert relation_name("Cause-Effect(e2,e1)") == "Cause-Effect"
    assert relation_name("Other") == "Other"


def test_wrong_direction_counts_against_precision_and_recall():
    gold = ["A(e1,e2)", "A(e1,e2)", "B(e2,e1)", "Other", "Other"]
    predicted = ["A(e1,e2)", "A(e2,e1)", "B(e2,e1)", "B(e1,e2)", "Other"]
    scores = official_scores(gold, predicted)
    # A: 1 correct, 2 proposed, 2 gold -> P 50, R 50, F1 50
    # B: 1 correct, 2 proposed (one on an Other sentence), 1 gold -> P 50, R 100, F1 66.67
    assert scores["per_relation"]["A"]["f1"] == pytest.approx(50.0)
    assert scores["per_relation"]["B"]["f1"] == pytest.approx(200 / 3)
    assert scores["macro_f1"] == pytest.approx((50 + 200 / 3) / 2)
    assert scores["wrong_direction"] == 1
    # micro: 2 correct / 4 proposed, 2 / 3 gold
    assert scores["micro_f1"] == pytest.approx(2 * 50 * (200 / 3) / (50 + 200 / 3))
    assert "Other" not in scores["per_relation"]


def test_perfect_and_length_mismatch():
    assert official_scores(["A(e1,e2)", "Other"], ["A(e1,e2)", "Other"])["macro_f1"] == 100.0
    with pytest.raises(ValueError):
        official_scores(["A(e1,e2)"], [])
