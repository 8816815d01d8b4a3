"""Alert rules over rolling counts of one key (a watched entity, topic or source).

Counts are kept per key in one-minute buckets over the baseline horizon, in stream
time (the documents' own times), so replaying a day of data behaves as living
through it. A rule looks at the window that ends at the newest mention and compares
it with the key's baseline: the ``baseline_days`` before the window.

Why these tests: a surge of negative talk about a name is first of all *more* of it,
so ``surge`` asks whether the window's negative count is implausible under the
baseline rate (one-sided Poisson test, the standard model of independent arrivals;
a floor rate keeps a name with no history from alerting on its first two
complaints). ``share`` asks whether the window's negative *share* is above the
baseline share (one-sided binomial test), for busy names whose volume moves with
the news anyway. ``threshold`` is the plain rule people write by hand. EWMA and
CUSUM chart a single well-behaved series; the keys here are thousands of sparse
count series, where exact tests of counts keep the false-alarm rate where
``p_value`` puts it.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from lepton_ai.solutions.monitor.configuration import RuleConfig

MINUTE = timedelta(minutes=1)


@dataclass(frozen=True)
class WindowFigures:
    """The numbers a rule decided on."""

    window_start: datetime
    window_end: datetime
    volume: int
    negative: int
    baseline_volume: int
    baseline_negative: int
    baseline_days: float
    expected_negative: float
    p_value: float | None

    @property
    def negative_share(self) -> float:
        """The window's negative share."""
        return self.negative / self.volume if self.volume else 0.0

    @property
    def baseline_share(self) -> float:
        """The baseline's negative share."""
        return self.baseline_negative / self.baseline_volume if self.baseline_volume else 0.0


class RollingCounts:
    """Mentions and negative mentions of one key per minute, over a horizon."""

    def __init__(self, horizon: timedelta) -> None:
        self.horizon = horizon
        self._minutes: dict[int, list[int]] = {}
        self._oldest_first: list[int] = []  # a heap of the minutes held

    @property
    def total(self) -> list[int]:
        """[volume, negative] over the whole horizon."""
        return [sum(slot[0] for slot in self._minutes.values()),
                sum(slot[1] for slot in self._minutes.values())]

    def add(self, when: datetime, negative: bool) -> None:
        """Count one mention at ``when`` (late arrivals too)."""
        minute = _minute(when)
        slot = self._minutes.get(minute)
        if slot is None:
            slot = self._minutes[minute] = [0, 0]
            heapq.heappush(self._oldest_first, minute)
        slot[0] += 1
        slot[1] += negative

    def forget_before(self, when: datetime) -> None:
        """Drop minutes older than the horizon before ``when``."""
        cutoff = _minute(when - self.horizon)
        while self._oldest_first and self._oldest_first[0] < cutoff:
            del self._minutes[heapq.heappop(self._oldest_first)]

    def between(self, start: datetime, end: datetime) -> tuple[int, int]:
        """(volume, negative) of the minutes in [start, end]."""
        first, last = _minute(start), _minute(end)
        volume = negative = 0
        if last - first < len(self._minutes):
            for minute in range(first, last + 1):
                slot = self._minutes.get(minute)
                if slot is not None:
                    volume += slot[0]
                    negative += slot[1]
        else:
            for minute, slot in self._minutes.items():
                if first <= minute <= last:
                    volume += slot[0]
                    negative += slot[1]
        return volume, negative

    def __bool__(self) -> bool:
        return bool(self._minutes)


def evaluate(rule: RuleConfig, counts: RollingCounts, now: datetime) -> WindowFigures | None:
    """The window's figures when ``rule`` fires at ``now``, else None."""
    window = timedelta(minutes=rule.window_minutes)
    start = now - window + MINUTE
    volume, negative = counts.between(start, now)
    if negative < rule.min_negative or volume < rule.min_volume:
        return None
    base_start = start - timedelta(days=rule.baseline_days)
    base_volume, base_negative = counts.between(base_start, start - MINUTE)
    days = rule.baseline_days
    if rule.kind == "surge":
        rate_per_day = max(base_negative / days, rule.min_baseline_per_day)
        expected = rate_per_day * window / timedelta(days=1)
        p = poisson_tail(negative, expected)
        fires = p < rule.p_value
    elif rule.kind == "share":
        # A baseline share shrunk towards one half by one pseudo-document each way:
        # a name never criticised before is not taken to be criticism-proof.
        share = (base_negative + 1) / (base_volume + 2)
        expected = share * volume
        p = binomial_tail(negative, volume, share)
        fires = p < rule.p_value
    else:
        expected, p = float("nan"), None
        fires = negative / volume >= rule.negative_share
    if not fires:
        return None
    return WindowFigures(start, now, volume, negative, base_volume, base_negative, days,
                         round(expected, 4), p)


def poisson_tail(count: int, expected: float) -> float:
    """P(X >= count) for X ~ Poisson(expected)."""
    from scipy.stats import poisson

    return float(poisson.sf(count - 1, max(expected, 1e-12)))


def binomial_tail(count: int, trials: int, share: float) -> float:
    """P(X >= count) for X ~ Binomial(trials, share)."""
    from scipy.stats import binom

    return float(binom.sf(count - 1, trials, min(max(share, 1e-12), 1.0)))


def _minute(when: datetime) -> int:
    return math.floor(when.timestamp() / 60)
