"""Splitting token sequences that exceed a model's window.

Rule (documented in docs/embeddings.md): a text whose content tokens exceed the
window ``size`` is cut into windows of ``size`` tokens that overlap by
``overlap`` tokens; nothing is dropped. Each window is embedded separately and
the caller pools the window vectors, weighted by their token counts.
"""

from __future__ import annotations


def token_windows(ids: list[int], size: int, overlap: int) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans over ``ids`` covering every token.

    >>> token_windows(list(range(10)), size=4, overlap=1)
    [(0, 4), (3, 7), (6, 10)]
    """
    if size <= 0:
        raise ValueError("size must be positive")
    if not 0 <= overlap < size:
        raise ValueError("overlap must be in [0, size)")
    if len(ids) <= size:
        return [(0, len(ids))]
    step = size - overlap
    spans: list[tuple[int, int]] = []
    start = 0
    while True:
        end = min(start + size, len(ids))
        spans.append((start, end))
        if end == len(ids):
            return spans
        start += step
