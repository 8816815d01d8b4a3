"""``lai.Recommender``: items for a user, a history or a description of interests, each
with the reason it was picked.

    rec = lai.Recommender("rec/")
    rec.recommend(user="u17", k=10)                    # from the user's stored history
    rec.recommend(history=["B00X", "B00Y"], k=10)      # from items (ids)
    rec.recommend(text="我想买实验室用的移液器", k=10)     # cold start: a description

A history is scored three ways and the standardised scores add up: the item
embeddings (a recency-weighted profile of the history against every item), the
item texts' words (TF-IDF similarity to the history's items: model numbers and
brands that embeddings blur) and co-occurrence (what other users' sequences put
next to these items). The weights were chosen on the validation split of
amazon_scientific (docs/benchmarks.md). With ``diversity`` > 0 the list is re-ranked by
maximal marginal relevance.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.solutions.recommend.recommender_build import MANIFEST
from lepton_ai.solutions.recommend.signals import recency_weights, standardised

#: The most recent items of a history that are used (older ones are ignored).
MAX_HISTORY = 200
#: Candidates re-ranked for diversity, per item asked for.
POOL_PER_ITEM = 5


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
    """A recommender folder from ``lai recommend build``, loaded (never unpickles)."""

    def __init__(self, folder: str | Path) -> None:
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
        self.position = {item: index for index, item in enumerate(self.ids)}
        self.vectors = np.load(self.folder / "vectors.npy", allow_pickle=False)
        self.users: dict[str, list[str]] = json.loads(
            (self.folder / "users.json").read_text(encoding="utf-8"))
        self.together = _sparse(self.folder / "cooccurrence.npz")
        self.words = _sparse(self.folder / "words.npz")

    def history_of(self, user: str) -> list[str]:
        """The stored items of ``user``, oldest first (LAI-E1203 when unknown)."""
        if user not in self.users:
            raise LeptonError(E.E1203, user=user)
        return self.users[user]

    def recommend(self, user: str | None = None, *, history: Sequence[str] | None = None,
                  text: str | None = None, k: int = 10, exclude_seen: bool = True,
                  diversity: float = 0.0) -> list[Recommendation]:
        """The ``k`` best items (fewer when the catalogue is smaller), best first."""
        if user is not None:
            history = [*self.history_of(user), *(history or [])]
        seen = [self.position[i] for i in history or [] if i in self.position]
        seen = seen[-MAX_HISTORY:]
        if not seen and not text:
            raise LeptonError(E.E1204, detail="None of the history's ids is in the catalogue."
                              if history else "")
        scores, parts = self._scores(seen, text)
        if exclude_seen and seen:
            scores[seen] = -np.inf
        pool = min(len(scores), max(k * POOL_PER_ITEM, 50))
        candidates = np.argpartition(-scores, pool - 1)[:pool]
        candidates = candidates[np.argsort(-scores[candidates])]
        candidates = candidates[np.isfinite(scores[candidates])]
        chosen = _diverse(candidates, scores, self.vectors, k, diversity)
        return [self._explained(int(i), float(scores[i]), seen, parts, text) for i in chosen]

    def _scores(self, seen: list[int], text: str | None) -> tuple[np.ndarray, dict[str, Any]]:
        profile = np.zeros(self.vectors.shape[1], dtype=np.float32)
        weights = recency_weights(len(seen), self.decay) if seen else np.zeros(0)
        if seen:
            profile += weights.astype(np.float32) @ self.vectors[seen]
        if text:
            from lepton_ai.tasks.embed import embed

            profile += np.asarray(embed(text, model=self.manifest.get("model")),
                                  dtype=np.float32)
        scores = self.embedding_weight * standardised(self.vectors @ profile)
        parts: dict[str, Any] = {"weights": weights}
        for name, matrix, weight in (("together", self.together, self.cooccurrence_weight),
                                     ("words", self.words, self.words_weight)):
            if matrix is None or not seen or weight == 0:
                continue
            rows = matrix[seen] if name == "together" else matrix[seen] @ matrix.T
            signal = np.asarray(weights @ rows.toarray()).ravel()
            if signal.any():
                scores = scores + weight * standardised(signal)
                parts[name] = rows
        return scores, parts

    def _explained(self, index: int, score: float, seen: list[int], parts: dict[str, Any],
                   text: str | None) -> Recommendation:
        if not seen:
            return Recommendation(self.ids[index], score, f"matches {text!r}", None,
                                  self.texts[index])
        together = parts.get("together")
        if together is not None:
            column = np.asarray(together[:, index].toarray()).ravel()
            if column.max() > 0:
                best = seen[int(column.argmax())]
                return Recommendation(self.ids[index], score,
                                      f"often chosen with {self.ids[best]}", self.ids[best],
                                      self.texts[index])
        similarity = self.vectors[seen] @ self.vectors[index]
        best = seen[int(similarity.argmax())]
        return Recommendation(self.ids[index], score, f"similar to {self.ids[best]}",
                              self.ids[best], self.texts[index])


def _sparse(path: Path) -> Any:
    if not path.is_file():
        return None
    from scipy.sparse import load_npz  # reads plain arrays; no pickles allowed

    return load_npz(path).tocsr()


def _diverse(candidates: np.ndarray, scores: np.ndarray, vectors: np.ndarray, k: int,
             diversity: float) -> list[int]:
    """The first ``k`` candidates, or (``diversity`` > 0) a maximal-marginal-relevance
    pick that trades score for difference from the items already picked."""
    if diversity <= 0:
        return [int(i) for i in candidates[:k]]
    pool = list(candidates)
    chosen: list[int] = []
    values = scores[candidates]
    span = float(values.max() - values.min()) or 1.0
    while pool and len(chosen) < k:
        def value(i: int) -> float:
            relevance = (scores[i] - values.min()) / span
            overlap = max((float(vectors[i] @ vectors[j]) for j in chosen), default=0.0)
            return (1 - diversity) * relevance - diversity * overlap

        best = max(pool, key=value)
        pool.remove(best)
        chosen.append(int(best))
    return chosen
