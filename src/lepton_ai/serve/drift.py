"""Drift of a served model: are its inputs and predictions still like its training data?

Each served version keeps its last ``window`` predictions and input lengths and
compares their distributions with the training data's, recorded in the model
directory's manifest (``data.label_counts``, and ``data.length_counts`` for models
trained by this version; an older model's first ``window`` inputs stand in for the
latter). The measure is the population stability index,
PSI = Σ (observed − expected) · ln(observed / expected) over the labels (or length
bins): 0 when nothing moved, under 0.1 read as stable, over 0.25 as a shift worth
a look — the thresholds credit-risk teams have used for decades. PSI rather than a
chi-square test: with thousands of requests a chi-square test calls every
harmless wobble significant, while PSI measures how far the mix moved.
``/metrics`` exposes it as ``lai_drift_psi{model,version,signal}``; the shipped
Prometheus rule (deploy/prometheus/alerts.yml) fires when it stays above 0.25.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lepton_ai.text.length_profile import length_bin

#: Predictions compared at a time.
WINDOW = 1000
#: Fewer observations than this give no PSI (too noisy to read).
MINIMUM = 200
#: PSI at and above which a distribution counts as shifted.
SHIFTED = 0.25
_FLOOR = 1e-4


def psi(observed: Mapping[object, int], expected: Mapping[object, float]) -> float:
    """Population stability index of ``observed`` counts against ``expected`` weights."""
    seen = sum(observed.values())
    total = sum(expected.values())
    if not seen or not total:
        return 0.0
    index = 0.0
    for key in set(observed) | set(expected):
        actual = max(observed.get(key, 0) / seen, _FLOOR)
        reference = max(expected.get(key, 0) / total, _FLOOR)
        index += (actual - reference) * math.log(actual / reference)
    return index


class DriftWatch:
    """The recent predictions and input lengths of one served model version.

    Args:
        label_counts: the training data's label counts (None: predictions not compared).
        length_reference: the training data's length-bin counts (None: the first
            ``window`` inputs become the reference).
        window: how many recent requests' texts are compared.
    """

    def __init__(self, label_counts: Mapping[str, int] | None,
                 length_reference: Sequence[int] | None = None, window: int = WINDOW) -> None:
        self.label_reference = dict(label_counts or {})
        self.length_reference: dict[int, float] | None = (
            dict(enumerate(length_reference)) if length_reference else None)
        self.window = window
        self._labels: deque[str] = deque(maxlen=window)
        self._lengths: deque[int] = deque(maxlen=window)
        self._first_lengths: list[int] = []
        self.observed = 0
        self._lock = threading.Lock()

    def observe(self, labels: Sequence[str | None], texts: Sequence[str]) -> None:
        """Record one batch: its predicted labels (None for none) and its texts."""
        with self._lock:
            self._labels.extend(label for label in labels if label is not None)
            bins = [length_bin(len(text)) for text in texts]
            self._lengths.extend(bins)
            if self.length_reference is None:
                self._first_lengths.extend(bins)
                if len(self._first_lengths) >= self.window:
                    self.length_reference = dict(Counter(self._first_lengths[:self.window]))
                    self._first_lengths = []
            self.observed += len(texts)

    def prediction_psi(self) -> float | None:
        """PSI of the recent predicted labels against training (None: too few yet)."""
        with self._lock:
            if not self.label_reference or len(self._labels) < MINIMUM:
                return None
            return psi(Counter(self._labels), self.label_reference)

    def length_psi(self) -> float | None:
        """PSI of the recent input lengths against the reference (None: too few yet)."""
        with self._lock:
            if self.length_reference is None or len(self._lengths) < MINIMUM:
                return None
            return psi(Counter(self._lengths), self.length_reference)

    def describe(self) -> dict[str, float | int | None]:
        """The current figures, for ``/metrics`` and the model's description."""
        prediction, length = self.prediction_psi(), self.length_psi()
        return {"observed": self.observed,
                "prediction_psi": None if prediction is None else round(prediction, 4),
                "input_length_psi": None if length is None else round(length, 4)}


@dataclass
class DriftNotice:
    """A served model whose drift stayed above :data:`SHIFTED` (sent like an alert)."""

    id: str
    model: str
    version: str
    signal: str
    psi: float
    observed: int
    since: float

    def payload(self) -> dict[str, object]:
        """The JSON a webhook receives."""
        return {"id": self.id, "kind": "drift", "model": self.model, "version": self.version,
                "signal": self.signal, "psi": round(self.psi, 4), "threshold": SHIFTED,
                "observed_texts": self.observed, "above_since": self.since}

    def headline(self) -> str:
        """One line for logs and e-mail subjects."""
        return (f"{self.model}@{self.version}: {self.signal} drifted, PSI {self.psi:.2f} "
                f"(above {SHIFTED} since {time.strftime('%H:%M:%S', time.gmtime(self.since))})")


class DriftAlarm:
    """Turns drift figures into notices: a signal must stay at or above
    :data:`SHIFTED` for ``hold_s`` seconds, and the same signal of the same version is
    not announced again for ``cooldown_s`` — Prometheus's ``for:`` and
    de-duplication, for servers without Prometheus."""

    def __init__(self, hold_s: float = 120.0, cooldown_s: float = 6 * 3600.0) -> None:
        self.hold_s = hold_s
        self.cooldown_s = cooldown_s
        self._above: dict[tuple[str, str, str], float] = {}
        self._announced: dict[tuple[str, str, str], float] = {}

    def check(self, figures: Sequence[tuple[str, str, dict[str, Any]]],
              now: float) -> list[DriftNotice]:
        """Notices due now, from (model, version, :meth:`DriftWatch.describe`) triples."""
        notices = []
        for model, version, described in figures:
            for signal in ("prediction", "input_length"):
                key = (model, version, signal)
                value = described.get(f"{signal}_psi")
                if value is None or value < SHIFTED:
                    self._above.pop(key, None)
                    continue
                since = self._above.setdefault(key, now)
                last = self._announced.get(key)
                if now - since >= self.hold_s and (last is None
                                                    or now - last >= self.cooldown_s):
                    self._announced[key] = now
                    notices.append(DriftNotice(f"drift-{model}-{version}-{signal}-{int(now)}",
                                               model, version, signal, float(value),
                                               int(described.get("observed") or 0), since))
        return notices
