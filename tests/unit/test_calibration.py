"""The reliability diagram's bins and the expected calibration error made from them."""

import numpy as np
import pytest

from lepton_ai.evaluation.reports import plot_reliability
from lepton_ai.metrics import ECE_BINS, calibration_bins, expected_calibration_error


def test_bins_hold_their_predictions_and_give_the_ece():
    confidence = np.array([0.95, 0.95, 0.55, 0.55, 1.0])
    correct = np.array([True, False, True, True, True])
    bins = calibration_bins(confidence, correct)
    assert [b["count"] for b in bins] == [2, 3]  # 1.0 falls in the last bin, not past it
    low, high = bins
    assert low["accuracy"] == 1.0 and low["confidence"] == pytest.approx(0.55)
    assert high["accuracy"] == pytest.approx(2 / 3) and high["high"] == 1.0
    expected = (2 * 0.45 + 3 * abs(2 / 3 - (0.95 + 0.95 + 1.0) / 3)) / 5
    assert expected_calibration_error(confidence, correct) == pytest.approx(expected)
    assert len(calibration_bins(np.linspace(0, 1, 1000), np.ones(1000, bool))) == ECE_BINS


def test_the_diagram_is_drawn(tmp_path):
    bins = calibration_bins(np.array([0.3, 0.9, 0.92]), np.array([False, True, True]))
    plot_reliability(bins, 0.1, tmp_path / "calibration.png")
    assert (tmp_path / "calibration.png").read_bytes()[:4] == b"\x89PNG"
