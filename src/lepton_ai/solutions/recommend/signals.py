"""What interactions teach beyond the item texts: which items go together, and which
are popular.

Co-occurrence: items near each other in a user's sequence (within ``WINDOW`` steps,
weighted 1 / distance) count as going together; each column is divided by the
square root of that item's popularity, so a bestseller does not go with everything
(item-kNN with a cosine-like normalisation).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

#: How many steps apart in a sequence two items still count as going together.
WINDOW = 3


def cooccurrence(sequences: Iterable[Sequence[int]], items: int, window: int = WINDOW
                 ) -> tuple[object, np.ndarray]:
    """(normalised co-occurrence as a CSR matrix, popularity per item)."""
    from scipy.sparse import coo_matrix

    rows: list[int] = []
    columns: list[int] = []
    values: list[float] = []
    popularity = np.zeros(items, dtype=np.float64)
    for sequence in sequences:
        for position, item in enumerate(sequence):
            popularity[item] += 1
            for other in range(max(0, position - window),
                               min(len(sequence), position + window + 1)):
                if other != position and sequence[other] != item:
                    rows.append(item)
                    columns.append(sequence[other])
                    values.append(1.0 / abs(position - other))
    matrix = coo_matrix((values, (rows, columns)), shape=(items, items)).tocsr()
    scale = 1.0 / np.sqrt(np.maximum(popularity, 1.0))
    return matrix.multiply(scale[None, :]).tocsr(), popularity


def recency_weights(length: int, decay: float) -> np.ndarray:
    """Weights of a history's items, oldest first: the newest 1, each older ``decay``
    times the next, summing to 1."""
    weights = decay ** np.arange(length - 1, -1, -1, dtype=np.float64)
    return weights / weights.sum()


def standardised(scores: np.ndarray, population: np.ndarray | None = None) -> np.ndarray:
    """``scores`` less the mean of ``population`` (by default the scores themselves),
    divided by its standard deviation, so different signals add up."""
    population = scores if population is None else population
    spread = float(population.std())
    return (scores - population.mean()) / (spread if spread > 0 else 1.0)


#: A history this long or longer may be split into interests (shorter ones are one).
INTEREST_MIN_HISTORY = 12
#: At most this many interests per history, each of at least ``INTEREST_MIN_ITEMS``.
MAX_INTERESTS = 3
INTEREST_MIN_ITEMS = 4
#: Two clusters are two interests when merging them would multiply their spread by
#: more than this.
SPLIT_SPREAD_RATIO = 2.0


def interests(vectors: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
    """A history's profiles: its recency-weighted mean, or for a long history that
    spans distinct interests, one unit-length profile per interest, so a user who buys
    pipettes and sandpaper is matched to both rather than to their blurred mean.

    Interests are found by spherical k-means (seeded with the newest item, then the
    items least like the seeds). Two clusters stay apart only when merging them would
    more than double their spread (1 - mean cosine of the items to their centre): a
    ratio, so it does not depend on the embedding model's cosine scale, and one broad
    interest split in two fails it. Small clusters join their nearest neighbour.
    """
    profile = weights.astype(np.float32) @ vectors
    count = min(MAX_INTERESTS, len(vectors) // INTEREST_MIN_ITEMS)
    if len(vectors) < INTEREST_MIN_HISTORY or count < 2:
        return [profile]
    labels = _spherical_kmeans(vectors, count)
    while True:
        groups = [np.flatnonzero(labels == c) for c in np.unique(labels)]
        if len(groups) < 2:
            return [profile]
        centres = np.stack([_unit(vectors[g].sum(axis=0)) for g in groups])
        small = min(range(len(groups)), key=lambda n: len(groups[n]))
        if len(groups[small]) < INTEREST_MIN_ITEMS:
            alike = centres[small] @ centres.T
            alike[small] = -np.inf
            a, b = small, int(alike.argmax())
        else:
            growth, a, b = min((_spread(vectors[np.concatenate([groups[a], groups[b]])])
                                / max(_spread(vectors[groups[a]]),
                                      _spread(vectors[groups[b]]), 1e-6), a, b)
                               for a in range(len(groups))
                               for b in range(a + 1, len(groups)))
            if growth > SPLIT_SPREAD_RATIO:
                break
        labels[groups[b]] = labels[groups[a][0]]
    return [_unit(weights[g].astype(np.float32) @ vectors[g]) for g in groups]


def _spread(vectors: np.ndarray) -> float:
    """1 - the mean cosine of unit vectors to their (unit) centre."""
    return 1.0 - float((vectors @ _unit(vectors.sum(axis=0))).mean())


def _spherical_kmeans(vectors: np.ndarray, count: int, rounds: int = 8) -> np.ndarray:
    seeds = [len(vectors) - 1]
    while len(seeds) < count:
        seeds.append(int((vectors @ vectors[seeds].T).max(axis=1).argmin()))
    centres = vectors[seeds]
    for _ in range(rounds):
        labels = (vectors @ centres.T).argmax(axis=1)
        centres = np.stack([_unit(vectors[labels == c].sum(axis=0)) if (labels == c).any()
                            else centres[c] for c in range(count)])
    return (vectors @ centres.T).argmax(axis=1)


def _unit(vector: np.ndarray) -> np.ndarray:
    return vector / max(float(np.linalg.norm(vector)), 1e-12)
