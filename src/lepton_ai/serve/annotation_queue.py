"""The texts a served classifier was least sure about in production traffic.

The console's Annotate page labels them when no table is uploaded: uncertainty
sampling over what users really send. Opt-in (``lai serve --annotation-queue N``), as
it keeps users' texts: at most ``N`` per served model, in memory only (a restart
empties it), and redacted before they are kept when the server runs in privacy mode.
Keeping is done off the request path: a prediction is never slower for it.
"""

from __future__ import annotations

import hashlib
import heapq
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(order=True)
class _Kept:
    # The heap's root is the kept text with the widest margin: the first to give way.
    sort_key: float
    digest: str = field(compare=False)
    item: dict[str, Any] = field(compare=False)


def margin_of(scores: dict[str, float]) -> float:
    """The gap between the two highest label scores (0: a coin toss)."""
    ranked = [*sorted(scores.values(), reverse=True), 0.0]
    return ranked[0] - ranked[1]


class UncertainQueue:
    """The ``capacity`` least-sure predictions of each served model, each text once.

    Args:
        capacity: texts kept per model name.
        redact: applied to each text before it is kept (privacy mode), or None.
    """

    def __init__(self, capacity: int, redact: Any = None) -> None:
        self.capacity = capacity
        self._redact = redact
        self._kept: dict[str, list[_Kept]] = {}
        self._digests: dict[str, set[str]] = {}
        self._lock = threading.Lock()

    def offer(self, model: str, version: str, texts: Sequence[str],
              results: Sequence[Any]) -> int:
        """Keep those of ``texts`` (with their ``results``: Classifications) that are
        less sure than what is kept for ``model``; returns how many were kept."""
        candidates = []
        for text, result in zip(texts, results, strict=True):
            scores = getattr(result, "scores", None)
            if not isinstance(scores, dict) or len(scores) < 2:
                continue  # not a single-label classification
            candidates.append((margin_of(scores), text, result))
        if not candidates:
            return 0
        kept = 0
        for margin, text, result in candidates:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
            with self._lock:
                if not self._wanted(model, digest, margin):
                    continue
            shown = self._redact(text) if self._redact is not None else text
            item = {"text": shown, "predicted": result.label, "confidence": result.score,
                    "margin": round(margin, 6), "scores": result.scores, "version": version,
                    "seen": time.time()}
            with self._lock:
                if self._wanted(model, digest, margin):
                    self._keep(model, _Kept(-margin, digest, item))
                    kept += 1
        return kept

    def _wanted(self, model: str, digest: str, margin: float) -> bool:
        heap = self._kept.get(model, [])
        if digest in self._digests.get(model, ()):
            return False
        return len(heap) < self.capacity or margin < -heap[0].sort_key

    def _keep(self, model: str, entry: _Kept) -> None:
        heap = self._kept.setdefault(model, [])
        digests = self._digests.setdefault(model, set())
        if len(heap) >= self.capacity:
            digests.discard(heapq.heapreplace(heap, entry).digest)
        else:
            heapq.heappush(heap, entry)
        digests.add(entry.digest)

    def items(self, model: str, k: int) -> list[dict[str, Any]]:
        """The ``k`` least-sure kept texts of ``model``, closest call first, each with
        its ``row`` (its place in this list), as an upload's queue has them."""
        with self._lock:
            entries = sorted(self._kept.get(model, []), key=lambda kept: -kept.sort_key)[:k]
        return [{"row": row, **entry.item} for row, entry in enumerate(entries)]

    def take(self, model: str, k: int) -> list[dict[str, Any]]:
        """As :meth:`items`, and those texts leave the queue: each is handed out for
        labelling once (a text sent again later may come back)."""
        with self._lock:
            heap = self._kept.get(model, [])
            chosen = sorted(heap, key=lambda kept: -kept.sort_key)[:k]
            handed = {kept.digest for kept in chosen}
            left = [kept for kept in heap if kept.digest not in handed]
            heapq.heapify(left)
            self._kept[model] = left
            self._digests[model] = {kept.digest for kept in left}
        return [{"row": row, **entry.item} for row, entry in enumerate(chosen)]
