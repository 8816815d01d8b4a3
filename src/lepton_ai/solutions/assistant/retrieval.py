"""Hybrid retrieval: dense cosine plus saturated BM25, ranked by entry.

Each passage gets ``dense + w · bm25 / (bm25 + s)``. The saturation maps BM25's
unbounded, corpus-dependent scale onto [0, 1) without looking at the other hits
of the query, so one strong lexical match (an exact product name, a Chinese term
the encoder does not know) lifts a passage, while many weak ones cannot outvote
the meaning. Reciprocal-rank fusion was measured too and lost to the dense half
alone on BANKING77 (docs/benchmarks.md): ranks throw away how far apart scores
are, which is exactly what a confidence needs. An entry scores as its best passage.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.solutions.assistant.knowledge_base import KnowledgeBase
from lepton_ai.solutions.assistant.lexical import LexicalIndex
from lepton_ai.solutions.assistant.sources import Entry

MODES = ("hybrid", "dense", "lexical")
#: Query vectors kept per retriever (see :meth:`HybridRetriever.embed`).
QUERY_CACHE = 256


@dataclass(frozen=True)
class Candidate:
    """One entry matched to a message: its fused score and the passage that matched."""

    entry: Entry
    score: float
    dense: float
    lexical: float
    field: str
    text: str
    #: Mean score of the entry's best ``SUPPORT`` passages: several phrasings agreeing.
    support: float = 0.0


#: How many of an entry's best passages make its support.
SUPPORT = 3


@dataclass(frozen=True)
class FusionSettings:
    """How the two halves are combined (see the module docstring)."""

    lexical_weight: float = 0.15
    saturation: float = 5.0


class HybridRetriever:
    """Ranks a knowledge base's entries for a message.

    ``mode``: ``"hybrid"`` (default), or ``"dense"`` / ``"lexical"`` alone (for
    comparisons). Passages are stored grouped by entry, so an entry's score is a
    segment maximum.
    """

    def __init__(self, kb: KnowledgeBase, mode: str = "hybrid",
                 fusion: FusionSettings | None = None) -> None:
        if mode not in MODES:
            raise LeptonError(E.E1010, option="mode", expected=" or ".join(map(repr, MODES)),
                              got=mode)
        self.kb = kb
        self.mode = mode
        self.fusion = fusion or FusionSettings()
        owners = [p.entry for p in kb.passages]
        starts = [row for row, owner in enumerate(owners) if row == 0 or owners[row - 1] != owner]
        self._starts = np.asarray(starts, dtype=np.int64)
        self._entries = [kb.entries[owners[row]] for row in starts]
        self._encoders: dict[str, Any] = {}
        self._queries: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    def encoder(self, space: str) -> Any:
        """The embedding model of a space (loaded on first use)."""
        if space not in self._encoders:
            from lepton_ai.models.loader import load_encoder

            self._encoders[space] = load_encoder(self.kb.models[space])
        return self._encoders[space]

    @cached_property
    def lexical_index(self) -> LexicalIndex:
        """The BM25 index over every passage (built on first use)."""
        return LexicalIndex([p.text for p in self.kb.passages])

    def embed(self, text: str, space: str) -> np.ndarray:
        """The unit vector of ``text`` as a query in ``space``.

        The last ``QUERY_CACHE`` are kept: a turn embeds its message for ranking and
        again to pick a document's sentences, and a follow-up re-reads its topic.
        """
        key = (space, text)
        with self._cache_lock:
            if key in self._queries:
                self._queries.move_to_end(key)
                return self._queries[key]
        from lepton_ai.tasks.embed import encode_texts

        vector = encode_texts(self.encoder(space), [text], role="query", show_progress=False)[0]
        with self._cache_lock:
            self._queries[key] = vector
            if len(self._queries) > QUERY_CACHE:
                self._queries.popitem(last=False)
        return vector

    def passage_scores(self, query: str, vector: np.ndarray | None = None,
                       space: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(fused, dense, lexical)`` scores of every passage for ``query``.

        ``space``: where to match (default: :meth:`KnowledgeBase.space_for`);
        ``vector``: the query's vector in that space when already known.
        """
        size = len(self.kb.passages)
        space = space or self.kb.space_for(query)
        if self.mode != "lexical" and vector is None:
            vector = self.embed(query, space)
        dense = (self.kb.vectors[space] @ vector if self.mode != "lexical"
                 else np.zeros(size, dtype=np.float32))
        lexical = (self.lexical_index.scores(query) if self.mode != "dense"
                   else np.zeros(size, dtype=np.float32))
        if self.mode == "lexical":
            return lexical, dense, lexical
        if self.mode == "dense":
            return dense, dense, lexical
        settings = self.fusion
        fused = dense + settings.lexical_weight * lexical / (lexical + settings.saturation)
        return fused, dense, lexical

    def entry_rows(self, entry_id: str) -> slice:
        """The passage rows of one entry (they are contiguous)."""
        group = next(n for n, entry in enumerate(self._entries) if entry.id == entry_id)
        end = self._starts[group + 1] if group + 1 < len(self._starts) else len(self.kb.passages)
        return slice(int(self._starts[group]), int(end))

    def rank(self, query: str, k: int = 5, *, vector: np.ndarray | None = None,
             space: str | None = None, exclude: int | slice | None = None,
             only: set[str] | None = None) -> list[Candidate]:
        """The ``k`` best entries for ``query``, best first.

        ``vector`` and ``space`` as in :meth:`passage_scores`; ``exclude``: passage
        rows left out (a row or a slice: the calibration's leave-out tests);
        ``only``: rank just these entry ids.
        """
        if not self.kb.passages:
            return []
        fused, dense, lexical = self.passage_scores(query, vector, space)
        if exclude is not None or only is not None:
            fused = fused.copy()
        if exclude is not None:
            fused[exclude] = -np.inf
        if only is not None:
            keep = np.zeros(len(fused), dtype=bool)
            for entry_id in only:
                keep[self.entry_rows(entry_id)] = True
            fused[~keep] = -np.inf
        best = np.maximum.reduceat(fused, self._starts)
        if k < len(best):  # partition first: a full sort of 10,000 entries costs ~1 ms
            top = np.argpartition(-best, k)[:k]
            order = top[np.argsort(-best[top], kind="stable")]
        else:
            order = np.argsort(-best, kind="stable")
        ends = np.append(self._starts[1:], len(fused))
        candidates = []
        for group in order:
            if not np.isfinite(best[group]):
                continue
            start, end = self._starts[group], ends[group]
            scores = fused[start:end]
            row = int(start + np.argmax(scores))
            passage = self.kb.passages[row]
            finite = scores[np.isfinite(scores)]
            support = float(np.sort(finite)[-SUPPORT:].mean())
            candidates.append(Candidate(self._entries[group], float(best[group]),
                                        float(dense[row]), float(lexical[row]),
                                        passage.field, passage.text, support))
        return candidates
