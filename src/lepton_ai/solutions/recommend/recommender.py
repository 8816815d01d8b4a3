"""``lai.Recommender``: items for a user, a history or a description of interests, each
with the reason it was picked.

    rec = lai.Recommender("rec/")
    rec.recommend(user="u17", k=10)                    # from the user's stored history
    rec.recommend(history=["B00X", "B00Y"], k=10)      # from items (ids)
    rec.recommend(text="我想买实验室用的移液器", k=10)     # cold start: a description
    rec.recommend(user="u17", filters={"category": ["pipettes", "tips"], "available": True})
    rec.record("u17", "B00Z", "purchase")              # counts from the next call on

A history is scored three ways and the standardised scores add up: the item
embeddings (recency-weighted profiles of the history against every item; a long
history is split into a few interests, and an item scores by the interest it is
closest to), the item texts' words (TF-IDF similarity to the history's items: model
numbers and brands that embeddings blur) and co-occurrence (what other users'
sequences put next to these items). The weights were chosen on the validation split
of amazon_scientific (docs/benchmarks.md). Business filters keep only items whose
attributes match; with ``diversity`` > 0 the list is re-ranked by maximal marginal
relevance.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError, W, warn
from lepton_ai.solutions.recommend.candidates import Candidates
from lepton_ai.solutions.recommend.feedback import NEGATIVE, FeedbackLog, check_event
from lepton_ai.solutions.recommend.items import attribute_value
from lepton_ai.solutions.recommend.recommender_build import MANIFEST
from lepton_ai.solutions.recommend.signals import interests, recency_weights, standardised

#: The most recent items of a history that are used (older ones are ignored, LAI-W1203).
MAX_HISTORY = 200
#: Candidates re-ranked for diversity, per item asked for.
POOL_PER_ITEM = 5

#: A filter: one value, or any of several (``{"category": ["a", "b"], "available": True}``).
Filters = Mapping[str, Any]


@dataclass(frozen=True)
class Recommendation:
    """One recommended item, its score and why it was picked."""

    item: str
    score: float
    reason: str
    because: str | None
    text: str

    def as_json(self) -> dict[str, Any]:
        """Plain values for the CLI and HTTP."""
        return {"item": self.item, "score": round(self.score, 4), "reason": self.reason,
                "because": self.because, "text": self.text}


class Recommender:
    """A recommender folder from ``lai recommend build``, loaded (never unpickles).

    Args:
        folder: the recommender folder.
        feedback: where :meth:`record` writes and recommendations read recorded events;
            by default ``feedback.db`` in the folder. ``feedback_url`` names another
            database (``postgresql+psycopg://...``) instead.
    """

    def __init__(self, folder: str | Path, *, feedback: FeedbackLog | None = None,
                 feedback_url: str | None = None) -> None:
        self.folder = Path(folder)
        if not (self.folder / MANIFEST).is_file():
            raise LeptonError(E.E1202, path=self.folder)
        self.manifest = json.loads((self.folder / MANIFEST).read_text(encoding="utf-8"))
        weights = self.manifest.get("weights", {})
        self.embedding_weight = float(weights.get("embedding", 1.0))
        self.cooccurrence_weight = float(weights.get("cooccurrence", 0.5))
        self.words_weight = float(weights.get("words", 0.5))
        self.decay = float(weights.get("recency_decay", 0.7))
        rows = [json.loads(line) for line in
                (self.folder / "items.jsonl").read_text(encoding="utf-8").splitlines()]
        self.ids = [row["id"] for row in rows]
        self.texts = [row["text"] for row in rows]
        self.attributes: list[dict[str, str]] = [row.get("attributes", {}) for row in rows]
        self.position = {item: index for index, item in enumerate(self.ids)}
        self.vectors = np.load(self.folder / "vectors.npy", allow_pickle=False)
        self.users: dict[str, list[str]] = json.loads(
            (self.folder / "users.json").read_text(encoding="utf-8"))
        self.together = _sparse(self.folder / "cooccurrence.npz")
        self.words = _sparse(self.folder / "words.npz")
        self.candidates = Candidates.load(self.folder, self.vectors, self.words)
        name = self.folder.resolve().name
        self.feedback = feedback or (FeedbackLog(feedback_url, name) if feedback_url
                                     else FeedbackLog.beside(self.folder, name))
        self._folded = int(self.manifest.get("feedback_folded_through", 0))
        self._attribute_codes: dict[str, tuple[np.ndarray, dict[str, int]]] = {}

    def record(self, user: str, item: str, event: str = "view",
               at: datetime | None = None) -> int:
        """Record what ``user`` did with ``item``; the next recommendation for them
        counts it. ``event``: view, click, cart, purchase, like (more like this) or
        dislike, hide (never shown to them again). Returns the event's id."""
        check_event(event)
        if item not in self.position:
            raise LeptonError(E.E1206, item=item, path=self.folder)
        return self.feedback.record(user, item, event, at)

    def history_of(self, user: str) -> list[str]:
        """The items of ``user``, oldest first: those of the build and those recorded
        since (LAI-E1203 when there are none)."""
        history, _ = self._history_and_hidden(user)
        return history

    def _history_and_hidden(self, user: str) -> tuple[list[str], set[str]]:
        recorded = self.feedback.events(user=user)
        if user not in self.users and not recorded:
            raise LeptonError(E.E1203, user=user)
        history = list(self.users.get(user, []))
        history += [e.item for e in recorded if e.positive and e.id > self._folded]
        hidden = {e.item for e in recorded if e.event in NEGATIVE}
        return [i for i in history if i not in hidden], hidden

    def recommend(self, user: str | None = None, *, history: Sequence[str] | None = None,
                  text: str | None = None, k: int = 10, exclude_seen: bool = True,
                  diversity: float = 0.0, filters: Filters | None = None
                  ) -> list[Recommendation]:
        """The ``k`` best items (fewer when the catalogue or the filters leave fewer),
        best first."""
        hidden: set[str] = set()
        if user is not None:
            stored, hidden = self._history_and_hidden(user)
            history = [*stored, *(history or [])]
        history = list(history or [])
        if len(history) > MAX_HISTORY:
            warn(W.W1203, count=len(history), kept=MAX_HISTORY)
        seen = [self.position[i] for i in history[-MAX_HISTORY:] if i in self.position]
        if not seen and not text:
            raise LeptonError(E.E1204, detail="None of the history's ids is in the catalogue."
                              if history else "")
        allowed = self.allowed(filters) if filters else None
        left_out = [self.position[i] for i in hidden if i in self.position]
        if exclude_seen:
            left_out += seen
        scores, parts = self._scores(seen, text)
        self._leave_out(scores, left_out, allowed)
        if self.candidates is not None and np.count_nonzero(np.isfinite(scores)) < k:
            # The candidates left fewer than k (filters, a long history): score them all.
            scores, parts = self._scores(seen, text, exact=True)
            self._leave_out(scores, left_out, allowed)
        pool = min(len(scores), max(k * POOL_PER_ITEM, 50))
        candidates = np.argpartition(-scores, pool - 1)[:pool]
        candidates = candidates[np.argsort(-scores[candidates])]
        candidates = candidates[np.isfinite(scores[candidates])]
        chosen = _diverse(candidates, scores, self.vectors, k, diversity)
        return self._explained(chosen, scores, seen, parts, text)

    @staticmethod
    def _leave_out(scores: np.ndarray, items: list[int], allowed: np.ndarray | None) -> None:
        scores[items] = -np.inf
        if allowed is not None:
            scores[~allowed] = -np.inf

    def allowed(self, filters: Filters) -> np.ndarray:
        """Which items pass every filter (a boolean per item)."""
        mask = np.ones(len(self.ids), dtype=bool)
        for name, wanted in filters.items():
            codes, vocabulary = self._codes(name)
            values = wanted if isinstance(wanted, list | tuple | set) else [wanted]
            keep = [vocabulary[v] for v in map(attribute_value, values) if v in vocabulary]
            mask &= np.isin(codes, keep)
        return mask

    def _codes(self, name: str) -> tuple[np.ndarray, dict[str, int]]:
        if name not in self._attribute_codes:
            found = sorted({key for row in self.attributes for key in row})
            if name not in found:
                import difflib

                close = difflib.get_close_matches(name, found, n=1)
                raise LeptonError(E.E1208, name=name, found=", ".join(found) or "none",
                                  hint=f" Did you mean {close[0]!r}?" if close else "")
            vocabulary: dict[str, int] = {}
            codes = np.array([vocabulary.setdefault(row.get(name, ""), len(vocabulary))
                              for row in self.attributes], dtype=np.int32)
            self._attribute_codes[name] = (codes, vocabulary)
        return self._attribute_codes[name]

    def _scores(self, seen: list[int], text: str | None, *, exact: bool = False
                ) -> tuple[np.ndarray, dict[str, Any]]:
        """Every item's fused score (-inf for items a large catalogue's candidates
        leave out, or all of them scored when ``exact``) and the parts that explain."""
        weights = recency_weights(len(seen), self.decay) if seen else np.zeros(0)
        profiles = interests(self.vectors[seen], weights) if seen else []
        if text:
            from lepton_ai.tasks.embed import embed

            query = np.asarray(embed(text, model=self.manifest.get("model")), dtype=np.float32)
            profiles = [p + query for p in profiles] if profiles else [query]
        matrix = np.stack(profiles, axis=1)
        parts: dict[str, Any] = {"weights": weights}
        signals: list[tuple[float, Any]] = [
            (self.embedding_weight, lambda rows: (self._rows(self.vectors, rows) @ matrix
                                                  ).max(axis=1))]
        together = word_weights = None
        if seen and self.together is not None and self.cooccurrence_weight:
            parts["together"] = self.together[seen]
            together = np.asarray(parts["together"].T @ weights).ravel()
            if together.any():
                signals.append((self.cooccurrence_weight, lambda rows: together[rows]))
        if seen and self.words is not None and self.words_weight:
            # The history's weighted terms first: one sparse row, not a row per item.
            word_weights = np.asarray(self.words[seen].T @ weights).ravel()
            if word_weights.any():
                signals.append((self.words_weight, lambda rows: np.asarray(
                    self._rows(self.words, rows) @ word_weights).ravel()))
        if self.candidates is None or exact:
            fused = sum(weight * standardised(values(slice(None)))
                        for weight, values in signals)
            return np.asarray(fused, dtype=np.float64), parts
        items = self.candidates.find(matrix.T, together, word_weights)
        sample = self.candidates.sample
        scores = np.full(len(self.ids), -np.inf)
        scores[items] = sum(weight * standardised(values(items), values(sample))
                            for weight, values in signals)
        return scores, parts

    def _rows(self, matrix: Any, rows: Any) -> Any:
        """``matrix`` itself for every row (a slice), the candidates' sample rows as
        taken once at the first request, or the ``rows`` asked for."""
        if isinstance(rows, slice):
            return matrix
        if self.candidates is not None and rows is self.candidates.sample:
            return self.candidates.sample_rows(matrix)
        return matrix[rows]

    def _explained(self, chosen: list[int], scores: np.ndarray, seen: list[int],
                   parts: dict[str, Any], text: str | None) -> list[Recommendation]:
        """Each pick with its reason: the history item other users chose it with most,
        else the history item most like it, else the description it matches."""
        if not chosen:
            return []
        if not seen:
            return [Recommendation(self.ids[i], float(scores[i]), f"matches {text!r}", None,
                                   self.texts[i]) for i in chosen]
        together = parts.get("together")
        with_items = (np.asarray(together[:, chosen].toarray()) if together is not None
                      else np.zeros((len(seen), len(chosen))))
        alike = self.vectors[seen] @ self.vectors[chosen].T
        picks = []
        for column, index in enumerate(chosen):
            if with_items[:, column].max() > 0:
                best = seen[int(with_items[:, column].argmax())]
                reason = f"often chosen with {self.ids[best]}"
            else:
                best = seen[int(alike[:, column].argmax())]
                reason = f"similar to {self.ids[best]}"
            picks.append(Recommendation(self.ids[index], float(scores[index]), reason,
                                        self.ids[best], self.texts[index]))
        return picks


def _sparse(path: Path) -> Any:
    if not path.is_file():
        return None
    from scipy.sparse import load_npz  # reads plain arrays; no pickles allowed

    return load_npz(path).tocsr()


def _diverse(candidates: np.ndarray, scores: np.ndarray, vectors: np.ndarray, k: int,
             diversity: float) -> list[int]:
    """The first ``k`` candidates, or (``diversity`` > 0) a maximal-marginal-relevance
    pick that trades score for difference from the items already picked."""
    if diversity <= 0 or len(candidates) == 0:
        return [int(i) for i in candidates[:k]]
    values = scores[candidates]
    relevance = (values - values.min()) / (float(values.max() - values.min()) or 1.0)
    similarity = vectors[candidates] @ vectors[candidates].T
    overlap = np.zeros(len(candidates))
    available = np.ones(len(candidates), dtype=bool)
    chosen: list[int] = []
    for _ in range(min(k, len(candidates))):
        value = np.where(available, (1 - diversity) * relevance - diversity * overlap,
                         -np.inf)
        best = int(value.argmax())
        chosen.append(int(candidates[best]))
        available[best] = False
        overlap = np.maximum(overlap, similarity[best])
    return chosen
