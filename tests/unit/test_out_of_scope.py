"""Classifiers that abstain: threshold fitting, predictions, evaluation, training."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.evaluation.out_of_scope import (
    OUT_OF_SCOPE,
    decide,
    fit_threshold,
    out_of_scope_metrics,
)
from lepton_ai.training.pipeline import train

from .test_train_tiny import write_topics

LABELS = ["a", "b"]
pytestmark = pytest.mark.filterwarnings("ignore:.*LAI-W103")  # the tiny encoder's 16 tokens


def test_below_the_threshold_a_prediction_is_out_of_scope() -> None:
    assert decide(np.array([0.9, 0.1]), LABELS, 0.6) == "a"
    assert decide(np.array([0.55, 0.45]), LABELS, 0.6) == OUT_OF_SCOPE
    assert decide(np.array([0.55, 0.45]), LABELS, None) == "a"


def test_without_out_of_scope_examples_the_threshold_keeps_95_percent() -> None:
    rng = np.random.default_rng(0)
    top = rng.uniform(0.5, 1.0, size=200)
    probabilities = np.stack([top, 1 - top], axis=1)
    fitted = fit_threshold(probabilities, ["a"] * 200, LABELS)
    assert fitted["validation"]["in_scope_rejected"] == pytest.approx(0.05, abs=0.01)


def test_with_out_of_scope_examples_the_threshold_separates_them() -> None:
    inside = np.array([[0.95, 0.05]] * 50 + [[0.8, 0.2]] * 50)
    outside = np.array([[0.6, 0.4]] * 50)
    probabilities = np.vstack([inside, outside])
    gold = ["a"] * 100 + [OUT_OF_SCOPE] * 50
    fitted = fit_threshold(probabilities, gold, LABELS)
    assert 0.6 < fitted["threshold"] <= 0.8
    metrics = out_of_scope_metrics(probabilities, gold, LABELS, fitted["threshold"])
    assert metrics["in_scope_accuracy"] == 1.0 and metrics["out_of_scope_recall"] == 1.0


def test_a_model_trained_to_abstain_says_so_in_predictions_and_evaluation(
        tmp_path: Path, tiny_encoder_dir: Path, quiet: Path) -> None:
    model = train(write_topics(tmp_path / "t.csv"), base=tiny_encoder_dir, out=tmp_path / "m",
                  method="head", out_of_scope=True)
    threshold = model.out_of_scope_threshold
    assert threshold is not None and 0 < threshold < 1
    assert model.metrics["out_of_scope"]["in_scope_rejected"] <= 0.2
    # A text far from every topic; with a low bar nothing abstains, with a high one all do
    model.manifest.config["out_of_scope_threshold"] = 0.999
    assert model.predict("zebra quantum violin") == OUT_OF_SCOPE
    result = lai.classify("zebra quantum violin", model=tmp_path / "m")
    assert result.label in (OUT_OF_SCOPE, *model.labels)
    data = tmp_path / "eval.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("text", "label"), ("cat dog mat", "pets"),
                                      ("zebra quantum violin", OUT_OF_SCOPE)])
    report = model.evaluate(data)
    assert report["out_of_scope"]["out_of_scope_examples"] == 1
    assert report["out_of_scope"]["out_of_scope_recall"] == 1.0


def test_abstaining_needs_a_single_label_model_with_validation(
        tmp_path: Path, tiny_encoder_dir: Path, quiet: Path) -> None:
    with pytest.raises(LeptonError) as caught:
        train(write_topics(tmp_path / "t.csv"), base=tiny_encoder_dir, out=tmp_path / "m",
              method="head", out_of_scope=True, eval_fraction=0.0)
    assert caught.value.code in ("LAI-E511", "LAI-E512", "LAI-E501")
