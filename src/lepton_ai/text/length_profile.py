"""Input lengths in a few fixed bins: recorded for the training data in a model's
manifest, and compared with what a served model receives (serve/drift.py)."""

from __future__ import annotations

from collections.abc import Sequence

#: Bin upper edges in characters; the last bin takes everything longer.
LENGTH_EDGES = (20, 50, 100, 200, 500, 1000, 2000)


def length_bin(length: int) -> int:
    """The index of the bin a text of ``length`` characters falls in."""
    for index, edge in enumerate(LENGTH_EDGES):
        if length <= edge:
            return index
    return len(LENGTH_EDGES)


def length_counts(texts: Sequence[str]) -> list[int]:
    """How many of ``texts`` fall in each bin."""
    counts = [0] * (len(LENGTH_EDGES) + 1)
    for text in texts:
        counts[length_bin(len(text))] += 1
    return counts
