"""Candidates for a large catalogue: which items are worth scoring for a history.

Scoring every item costs a pass over all the item vectors (8 ms for 100,000 items of
384 dimensions on 2 cores) and the TF-IDF matrix (5 ms more). From
``GRAPH_THRESHOLD`` items on, a build adds an HNSW graph of the item vectors
(hnswlib, ``hnsw.bin``, its own binary format: nothing unpickled), and a
recommendation scores only the union of

- the items nearest each interest profile in the graph,
- the items other users' sequences put next to the history (co-occurrence), and
- the items that share the history's most telling words (its highest-weighted
  TF-IDF terms, rare ones first),

standardising each signal with its mean and spread over a fixed random sample of
the catalogue instead of over every item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

#: From this many items on, a build adds the graph and recommendations use candidates.
GRAPH_THRESHOLD = 50_000
GRAPH_FILE = "hnsw.bin"
#: Graph settings: a build of 100,000 items takes ~20 s on 2 cores with these.
GRAPH_M = 12
GRAPH_EF_CONSTRUCTION = 64
#: Candidates: nearest items per interest, most co-occurring items, and the items
#: holding each of the history's strongest words.
NEAREST = 300
TOGETHER = 300
WORD_TERMS = 8
PER_WORD = 100
#: Items whose signals set the mean and spread used to standardise candidates.
SAMPLE = 2_000


def build_graph(vectors: np.ndarray, folder: Path) -> None:
    """Save an HNSW graph of ``vectors`` (inner product: they are unit length)."""
    import hnswlib

    from lepton_ai.settings import settings

    graph = hnswlib.Index(space="ip", dim=vectors.shape[1])
    graph.init_index(max_elements=len(vectors), ef_construction=GRAPH_EF_CONSTRUCTION,
                     M=GRAPH_M)
    graph.set_num_threads(settings.threads)
    graph.add_items(vectors, np.arange(len(vectors)))
    graph.save_index(str(folder / GRAPH_FILE))


class Candidates:
    """The graph, the word postings and the sample of one recommender folder."""

    def __init__(self, graph: Any, words: Any, items: int) -> None:
        self.graph = graph
        self.postings = words.T.tocsr() if words is not None else None
        self.items = items
        self.sample = np.sort(np.random.default_rng(0).choice(
            items, min(SAMPLE, items), replace=False))
        self._sample_rows: dict[int, Any] = {}

    def sample_rows(self, matrix: Any) -> Any:
        """The sample's rows of ``matrix`` (item vectors or words), taken once."""
        if id(matrix) not in self._sample_rows:
            self._sample_rows[id(matrix)] = matrix[self.sample]
        return self._sample_rows[id(matrix)]

    @classmethod
    def load(cls, folder: Path, vectors: np.ndarray, words: Any) -> Candidates | None:
        """The folder's candidates, or None when it has no graph (a small catalogue)."""
        if not (folder / GRAPH_FILE).is_file():
            return None
        import hnswlib

        from lepton_ai.settings import settings

        graph = hnswlib.Index(space="ip", dim=vectors.shape[1])
        graph.load_index(str(folder / GRAPH_FILE), max_elements=len(vectors))
        graph.set_ef(NEAREST)
        graph.set_num_threads(settings.threads)
        return cls(graph, words, len(vectors))

    def find(self, profiles: np.ndarray, together: np.ndarray | None,
             word_weights: np.ndarray | None) -> np.ndarray:
        """Sorted ids of the items to score. ``profiles``: one row per interest;
        ``together``: the co-occurrence signal of every item; ``word_weights``: the
        history's weight per vocabulary term."""
        found = [self.graph.knn_query(profiles, k=min(NEAREST, self.items))[0].ravel()]
        if together is not None and together.any():
            count = min(TOGETHER, int(np.count_nonzero(together)))
            found.append(np.argpartition(-together, count - 1)[:count])
        if self.postings is not None and word_weights is not None and word_weights.any():
            terms = np.flatnonzero(word_weights)
            terms = terms[np.argsort(-word_weights[terms])][:WORD_TERMS]
            for term in terms:
                start, end = self.postings.indptr[term], self.postings.indptr[term + 1]
                holders = self.postings.indices[start:end]
                if len(holders) > PER_WORD:  # the items where the word weighs most
                    weights = self.postings.data[start:end]
                    holders = holders[np.argpartition(-weights, PER_WORD - 1)[:PER_WORD]]
                found.append(holders)
        return np.unique(np.concatenate(found).astype(np.int64))
