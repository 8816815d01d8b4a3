"""Drift of a served model's predictions and input lengths (population stability index)."""

from __future__ import annotations

import math
import random

import pytest

from lepton_ai.serve.drift import MINIMUM, SHIFTED, DriftWatch, psi
from lepton_ai.text.length_profile import LENGTH_EDGES, length_bin, length_counts


def test_psi_is_zero_for_the_same_mix_and_grows_with_the_shift() -> None:
    reference = {"neg": 20, "neu": 40, "pos": 40}
    assert psi({"neg": 2, "neu": 4, "pos": 4}, reference) == pytest.approx(0.0)
    expected = (0.8 - 0.2) * math.log(0.8 / 0.2) + (0.1 - 0.4) * math.log(0.1 / 0.4) * 2
    assert psi({"neg": 80, "neu": 10, "pos": 10}, reference) == pytest.approx(expected)
    assert psi({"other": 5}, reference) > 5  # a label never seen in training


def test_length_bins_cover_every_length() -> None:
    assert [length_bin(n) for n in (0, 20, 21, 2000, 10_000)] == [0, 0, 1, 6, len(LENGTH_EDGES)]
    assert length_counts(["a" * 10, "b" * 60, "c" * 5000]) == [1, 0, 1, 0, 0, 0, 0, 1]


def test_a_shifted_label_mix_reads_as_drift_and_an_unshifted_one_does_not() -> None:
    rng = random.Random(0)
    reference = {"neg": 2000, "neu": 4000, "pos": 4000}
    steady, shifted = DriftWatch(reference), DriftWatch(reference)
    assert steady.prediction_psi() is None  # nothing to compare yet
    for _ in range(50):
        batch = rng.choices(["neg", "neu", "pos"], [2, 4, 4], k=20)
        steady.observe(batch, ["text"] * 20)
        moved = rng.choices(["neg", "neu", "pos"], [8, 1, 1], k=20)
        shifted.observe(moved, ["text"] * 20)
    assert steady.prediction_psi() < 0.02 and shifted.prediction_psi() > SHIFTED


def test_without_a_training_profile_the_first_window_of_lengths_is_the_reference() -> None:
    watch = DriftWatch(None, window=MINIMUM)
    watch.observe([None] * MINIMUM, ["short"] * MINIMUM)
    assert watch.length_psi() == pytest.approx(0.0) and watch.prediction_psi() is None
    watch.observe([None] * MINIMUM, ["long " * 100] * MINIMUM)
    assert watch.length_psi() > SHIFTED
    assert watch.describe()["observed"] == 2 * MINIMUM


def test_a_notice_waits_for_the_hold_time_and_then_its_cool_down() -> None:
    from lepton_ai.serve.drift import DriftAlarm

    alarm = DriftAlarm(hold_s=120, cooldown_s=3600)
    high = [("m", "1", {"prediction_psi": 0.9, "input_length_psi": 0.01, "observed": 500})]
    low = [("m", "1", {"prediction_psi": 0.05, "input_length_psi": None, "observed": 900})]
    assert alarm.check(high, 0) == [] and alarm.check(high, 60) == []
    (notice,) = alarm.check(high, 120)
    assert (notice.signal, notice.psi, notice.since) == ("prediction", 0.9, 0)
    assert notice.payload()["threshold"] == SHIFTED and "PSI 0.90" in notice.headline()
    assert alarm.check(high, 600) == []  # cooling down
    assert alarm.check(low, 700) == [] and alarm.check(high, 800) == []  # the hold restarts
    assert alarm.check(high, 3720) != []
