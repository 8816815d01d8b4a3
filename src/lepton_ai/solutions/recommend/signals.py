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


def standardised(scores: np.ndarray) -> np.ndarray:
    """``scores`` with mean 0 and standard deviation 1 (so different signals add up)."""
    spread = float(scores.std())
    return (scores - scores.mean()) / (spread if spread > 0 else 1.0)
