"""Length-sorted, token-capped batches and the workers that run them.

Sorting by length and padding per batch avoids most wasted work on short texts;
capping each batch by tokens (batch size × padded length) keeps memory flat on
long ones. Batches run on ``workers`` threads, each executing single-threaded
kernels on its own batch: when another process takes a core, only one worker
slows down instead of every operator waiting for the slowest thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")


def plan_batches(
    lengths: Sequence[int], token_budget: int, max_batch_size: int
) -> list[np.ndarray]:
    """Group indices into batches, longest first, each within the token budget.

    >>> [b.tolist() for b in plan_batches([3, 10, 5, 4], token_budget=12, max_batch_size=8)]
    [[1], [2, 3], [0]]
    """
    if not lengths:
        return []
    order = np.argsort(-np.asarray(lengths), kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    while start < len(order):
        longest = max(1, int(lengths[order[start]]))
        size = max(1, min(max_batch_size, token_budget // longest))
        batches.append(order[start : start + size])
        start += size
    return batches


def run_batches(batches: Sequence[T], work: Callable[[T], None], workers: int) -> None:
    """Run ``work`` on every batch with ``workers`` threads.

    ``work`` must be thread-safe (it writes its own rows of a shared output).
    """
    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            work(batch)
        return
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lepton-encode") as pool:
        list(pool.map(work, batches))
