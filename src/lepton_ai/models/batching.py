"""Length-sorted, token-capped batches and the workers that run them.

Sorting by length and padding per batch avoids most wasted work on short texts;
capping each batch by tokens (batch size × padded length) keeps memory flat on
long ones. Batches run on ``workers`` threads, each executing single-threaded
kernels on its own batch: when another process takes a core, only one worker
slows down instead of every operator waiting for the slowest thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np

T = TypeVar("T")


#: Fewest texts per batch when a call is split so that every worker gets one.
MIN_SPLIT_BATCH = 4
#: Largest share of a batch row that may be padding (texts are grouped by length).
MAX_PADDING = 0.1


def plan_batches(
    lengths: Sequence[int], token_budget: int, max_batch_size: int, workers: int = 1
) -> list[np.ndarray]:
    """Group indices into batches, longest first, each within the token budget.

    With ``workers`` > 1, a call of at least ``workers × MIN_SPLIT_BATCH`` texts is
    cut into at least ``workers`` batches, so no worker idles while another runs
    the whole call (a served batch of 30 short sentences runs as two of 15).

    >>> [b.tolist() for b in plan_batches([3, 10, 5, 4], token_budget=12, max_batch_size=8)]
    [[1], [2, 3], [0]]
    """
    if not lengths:
        return []
    if workers > 1 and len(lengths) >= workers * MIN_SPLIT_BATCH:
        max_batch_size = min(max_batch_size, -(-len(lengths) // workers))
    order = np.argsort(-np.asarray(lengths), kind="stable")
    batches: list[np.ndarray] = []
    start = 0
    while start < len(order):
        longest = max(1, int(lengths[order[start]]))
        size = max(1, min(max_batch_size, token_budget // longest))
        end = start + 1
        # Stop where padding would exceed MAX_PADDING of a row: on CPU, padded
        # positions cost as much as real ones.
        while (end < len(order) and end - start < size
               and lengths[order[end]] >= longest * (1 - MAX_PADDING)):
            end += 1
        batches.append(order[start:end])
        start = end
    return batches


def run_batches(batches: Sequence[T], work: Callable[[T], None], workers: int) -> None:
    """Run ``work`` on every batch with ``workers`` threads: the calling thread and
    ``workers - 1`` helpers from a pool kept for the process (starting threads on
    every call cost ~10% of the throughput at calls of 32 short sentences).

    ``work`` must be thread-safe (it writes its own rows of a shared output) and must
    not call ``run_batches`` itself.
    """
    if workers <= 1 or len(batches) <= 1:
        for batch in batches:
            work(batch)
        return
    pending = iter(batches)
    lock = threading.Lock()

    def drain() -> None:
        while True:
            with lock:
                batch = next(pending, _DONE)
            if batch is _DONE:
                return
            work(batch)  # type: ignore[arg-type]

    pool = _helper_pool(workers - 1)
    helpers = [pool.submit(drain) for _ in range(min(workers, len(batches)) - 1)]
    try:
        drain()
    finally:
        for helper in helpers:
            # A helper still queued behind another call's work is not needed any more;
            # one that started is finishing one of our batches.
            if not helper.cancel():
                helper.result()


_DONE = object()
_POOLS: dict[tuple[int, int], ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _helper_pool(size: int) -> ThreadPoolExecutor:
    """The process's pool of ``size`` helper threads (a forked child makes its own:
    the parent's threads do not exist there)."""
    key = (os.getpid(), size)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = ThreadPoolExecutor(max_workers=size,
                                             thread_name_prefix="lepton-encode")
        return _POOLS[key]
