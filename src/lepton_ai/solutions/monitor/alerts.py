"""The alert engine: counts every mention per key, runs the rules on the keys a batch
touched, keeps an alert from repeating within its cool-down, and gathers each
alert's evidence (the window's numbers, its most negative documents, their key
phrases and a short extractive summary).
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from lepton_ai.solutions.monitor.configuration import RuleConfig
from lepton_ai.solutions.monitor.rules import RollingCounts, WindowFigures, evaluate

#: Documents an alert's evidence quotes.
QUOTED = 5
#: Recent documents kept per key for evidence.
RECENT_KEPT = 200


@dataclass(frozen=True)
class Mention:
    """One document's mention of one key, as the engine counts it."""

    kind: str
    key: str
    time: datetime
    negative: bool
    polarity: float
    document: str
    text: str


@dataclass
class Alert:
    """A rule that fired for a key, with its evidence."""

    id: str
    monitor: str
    rule: str
    kind: str
    key: str
    fired_at: datetime
    figures: WindowFigures
    documents: list[dict[str, Any]]
    key_phrases: list[str] = field(default_factory=list)
    summary: str = ""

    def evidence(self) -> dict[str, Any]:
        """Everything an alert carries, as plain JSON-ready values."""
        figures = asdict(self.figures)
        figures["negative_share"] = round(self.figures.negative_share, 4)
        figures["baseline_share"] = round(self.figures.baseline_share, 4)
        return {"figures": figures, "documents": self.documents,
                "key_phrases": self.key_phrases, "summary": self.summary}

    def payload(self) -> dict[str, Any]:
        """What channels send: who, what, when, and the evidence."""
        return {"id": self.id, "monitor": self.monitor, "rule": self.rule, "kind": self.kind,
                "key": self.key, "fired_at": self.fired_at.isoformat(), **self.evidence()}

    def headline(self) -> str:
        """One line for logs and e-mail subjects."""
        f = self.figures
        return (f"[{self.monitor}] {self.rule}: {self.kind} {self.key!r} — {f.negative} of "
                f"{f.volume} negative in {f.window_end - f.window_start + timedelta(minutes=1)}"
                f" (expected {f.expected_negative:g})")


class AlertEngine:
    """Rolling counts per key and the rules over them.

    Args:
        monitor: the monitor's name (in alert ids and payloads).
        rules: the configured rules.
    """

    def __init__(self, monitor: str, rules: Sequence[RuleConfig]) -> None:
        self.monitor = monitor
        self.rules = list(rules)
        longest = max((timedelta(minutes=r.window_minutes) + timedelta(days=r.baseline_days)
                       for r in self.rules), default=timedelta(days=1))
        self.horizon = longest + timedelta(minutes=1)
        self._window = max((timedelta(minutes=r.window_minutes) for r in self.rules),
                           default=timedelta(hours=1))
        self._counts: dict[tuple[str, str], RollingCounts] = {}
        self._recent: dict[tuple[str, str], deque[Mention]] = {}
        self._last_fired: dict[tuple[str, str, str], datetime] = {}
        self._newest: datetime | None = None

    def observe(self, mentions: Iterable[Mention]) -> list[Alert]:
        """Count ``mentions`` (one batch), then run the rules on the keys they touched."""
        touched = self.count(mentions)
        alerts = []
        for key, now in touched.items():
            for rule in self.rules:
                if rule.by == key[0]:
                    alert = self._check(rule, key, now)
                    if alert is not None:
                        alerts.append(alert)
        self._forget_old()
        return alerts

    def count(self, mentions: Iterable[Mention]) -> dict[tuple[str, str], datetime]:
        """Count ``mentions`` without running the rules (history read back after a
        restart); returns each key touched with its newest mention's time."""
        touched: dict[tuple[str, str], datetime] = {}
        for mention in mentions:
            key = (mention.kind, mention.key)
            counts = self._counts.get(key)
            if counts is None:
                counts = self._counts[key] = RollingCounts(self.horizon)
            counts.add(mention.time, mention.negative)
            recent = self._recent.setdefault(key, deque(maxlen=RECENT_KEPT))
            recent.append(mention)
            touched[key] = max(touched.get(key, mention.time), mention.time)
            if self._newest is None or mention.time > self._newest:
                self._newest = mention.time
        return touched

    def _check(self, rule: RuleConfig, key: tuple[str, str], now: datetime) -> Alert | None:
        last = self._last_fired.get((rule.name, *key))
        if last is not None and now - last < timedelta(minutes=rule.cooldown_minutes):
            return None
        figures = evaluate(rule, self._counts[key], now)
        if figures is None:
            return None
        self._last_fired[(rule.name, *key)] = now
        in_window = [m for m in self._recent[key] if m.time >= figures.window_start]
        quoted = sorted((m for m in in_window if m.negative), key=lambda m: m.polarity)[:QUOTED]
        identity = f"{self.monitor}\x1f{rule.name}\x1f{key[0]}\x1f{key[1]}\x1f{now.isoformat()}"
        return Alert(
            id=hashlib.sha1(identity.encode()).hexdigest()[:32], monitor=self.monitor,
            rule=rule.name, kind=key[0], key=key[1], fired_at=now, figures=figures,
            documents=[{"id": m.document, "time": m.time.isoformat(), "text": m.text,
                        "polarity": m.polarity} for m in quoted])

    def _forget_old(self) -> None:
        if self._newest is None:
            return
        for key in list(self._counts):
            counts = self._counts[key]
            counts.forget_before(self._newest)
            if not counts:
                del self._counts[key]
                self._recent.pop(key, None)

    @property
    def keys(self) -> int:
        """Keys with mentions inside the horizon."""
        return len(self._counts)


def add_summaries(alert: Alert, lang: str | None = None) -> Alert:
    """Fill in the alert's key phrases and extractive summary from its quoted documents."""
    from lepton_ai.tasks.keywords import keywords
    from lepton_ai.tasks.summarize import summarize

    texts = [document["text"] for document in alert.documents]
    if not texts:
        return alert
    joined = "\n".join(texts)
    language = lang or "auto"
    alert.key_phrases = [k.phrase for k in keywords(joined, 8, lang=language)]  # type: ignore[arg-type]
    # Several documents joined: no document's first sentence deserves a head start.
    alert.summary = summarize(joined, method="extractive", max_sentences=2, lead=False).text
    return alert
