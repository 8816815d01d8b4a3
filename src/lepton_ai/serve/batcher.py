"""Dynamic batching across concurrent requests, with a bounded queue.

Requests of one route put their texts in one queue; a loop takes what is queued
(up to a token cap) and runs it as one batched model call on a worker thread.
While a batch runs, the next requests accumulate, so batches grow with load
and a lone request goes straight through. The loop waits a few milliseconds
for more only when the previous batch was larger than what is queued now:
concurrent clients are then likely to be sending.

Admission is bounded twice: by queued texts, and by the estimated time to
clear the backlog — the queued cost plus what running batches have left, over
the measured throughput (counting running batches keeps the bound true when
several pipelines pull work from the queue at once). Work beyond either bound
is refused at once (HTTP 429) rather than queued into seconds of latency; a
request that still misses its deadline is answered 503 and its texts, if not
yet started, are dropped from the queue.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from lepton_ai.errors import E, LeptonError

#: Measured throughput (cost units per second) is smoothed with this weight.
EWMA_WEIGHT = 0.2


def estimated_tokens(text: str) -> int:
    """A cheap token estimate used for batch caps: UTF-8 bytes ÷ 3, plus specials.

    Exact for Chinese (3 bytes per character, ~1 token each); ~1.5× over for
    English (~4.5 bytes per token), which errs towards smaller batches.
    """
    return len(text.encode("utf-8")) // 3 + 2


@dataclass
class _Request:
    items: list[Any]
    cost: int
    future: asyncio.Future[list[Any]]
    started: bool = False


@dataclass
class BatchStats:
    """What the batcher reports to metrics after each batch."""

    items: int
    requests: int
    seconds: float


@dataclass
class BatcherLimits:
    """Bounds of one batcher (see :class:`~lepton_ai.serve.config.ServeConfig`).

    A batch holds up to ``max_batch_cost`` (estimated tokens), or more where the
    measured rate clears more within ``max_batch_seconds``: on a fast CPU a
    fixed token cap makes short batches (~25 ms of ~50 short sentences at
    ~1,900 sentences/s), whose per-batch costs show; on a slow one the token cap
    keeps batches short.
    """

    max_batch_cost: int = 1024
    max_batch_seconds: float = 0.1
    max_batch_items: int = 256
    max_queue_items: int = 1024
    max_queue_seconds: float = 0.5
    max_wait_s: float = 0.002
    timeout_s: float = 10.0


@dataclass
class DynamicBatcher:
    """One queue and its batching loops for one route (and model version).

    ``predict`` takes a flat list of items and returns one result per item; it
    runs on ``executor`` so the event loop stays free. ``cost`` estimates the
    work of one item (tokens).
    """

    name: str
    predict: Callable[[list[Any]], Sequence[Any]]
    executor: Executor
    limits: BatcherLimits = field(default_factory=BatcherLimits)
    cost: Callable[[Any], int] = lambda item: 1
    pipelines: int = 1
    on_batch: Callable[[BatchStats], None] | None = None
    _queue: deque[_Request] = field(default_factory=deque, init=False)
    _queued_items: int = field(default=0, init=False)
    _queued_cost: int = field(default=0, init=False)
    _throughput: float | None = field(default=None, init=False)
    _last_batch_requests: int = field(default=1, init=False)
    _last_done: float = field(default=0.0, init=False)
    _smoothed_cost: float = field(default=0.0, init=False)
    _smoothed_busy: float = field(default=0.0, init=False)
    _running: dict[int, tuple[int, float]] = field(default_factory=dict, init=False)
    _arrived: asyncio.Event | None = field(default=None, init=False)
    _loops: list[asyncio.Task[None]] = field(default_factory=list, init=False)

    @property
    def queued_items(self) -> int:
        """Texts waiting (not yet in a running batch)."""
        return self._queued_items

    def estimated_wait(self, extra_cost: int = 0) -> float:
        """Seconds to clear the backlog (plus ``extra_cost``) at the measured rate.

        The backlog is the queued cost plus what the running batches have left.
        """
        if not self._throughput:
            return 0.0
        return (self._queued_cost + self._running_cost_left() + extra_cost) / self._throughput

    def _running_cost_left(self) -> float:
        """Cost the running batches have still to do, assuming they share the
        measured rate evenly since each started."""
        if not self._running or not self._throughput:
            return 0.0
        now = time.perf_counter()
        share = self._throughput / len(self._running)
        return sum(max(0.0, cost - (now - started) * share)
                   for cost, started in self._running.values())

    async def submit(self, items: list[Any]) -> list[Any]:
        """Queue ``items`` as one request; their results, in order.

        Raises LAI-E801 (queue full) at once, or LAI-E802 after the deadline.
        """
        if not items:
            return []
        self._ensure_started()
        cost = sum(self.cost(item) for item in items)
        self._admit(len(items), cost)
        loop = asyncio.get_running_loop()
        request = _Request(items, cost, loop.create_future())
        self._queue.append(request)
        self._queued_items += len(items)
        self._queued_cost += cost
        assert self._arrived is not None
        self._arrived.set()
        try:
            return await asyncio.wait_for(asyncio.shield(request.future), self.limits.timeout_s)
        except TimeoutError:
            self._withdraw(request)
            raise LeptonError(E.E802, timeout=self.limits.timeout_s) from None
        except asyncio.CancelledError:  # the client went away
            self._withdraw(request)
            raise

    def _admit(self, count: int, cost: int) -> None:
        full = self._queued_items + count > self.limits.max_queue_items
        wait = self.estimated_wait(cost)
        busy = self._queued_items or self._running  # an idle batcher admits any request
        if full or (busy and wait > self.limits.max_queue_seconds):
            retry_after = max(1, round(wait))
            detail = (f"{self._queued_items} texts queued and {len(self._running)} batches "
                      f"running for {self.name}")
            raise LeptonError(E.E801, detail=detail, wait=wait, retry_after=retry_after)

    def _withdraw(self, request: _Request) -> None:
        if not request.started and request in self._queue:
            self._queue.remove(request)
            self._queued_items -= len(request.items)
            self._queued_cost -= request.cost
        if not request.future.done():
            request.future.cancel()

    def _ensure_started(self) -> None:
        if self._loops:
            return
        self._arrived = asyncio.Event()
        self._loops = [asyncio.create_task(self._run(), name=f"batcher-{self.name}-{i}")
                       for i in range(max(1, self.pipelines))]

    async def close(self) -> None:
        """Stop the loops; queued requests are answered with LAI-E802."""
        for task in self._loops:
            task.cancel()
        await asyncio.gather(*self._loops, return_exceptions=True)
        self._loops = []
        while self._queue:
            request = self._queue.popleft()
            if not request.future.done():
                request.future.set_exception(LeptonError(E.E802, timeout=0.0))

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = await self._next_batch()
            items = [item for request in batch for item in request.items]
            cost = sum(request.cost for request in batch)
            started = time.perf_counter()
            self._running[id(batch)] = (cost, started)
            try:
                results = await loop.run_in_executor(self.executor, self.predict, items)
            except Exception as error:  # answered to every caller of the batch
                for request in batch:
                    if not request.future.done():
                        request.future.set_exception(error)
                continue
            finally:
                del self._running[id(batch)]
            seconds = time.perf_counter() - started
            self._record(BatchStats(len(items), len(batch), seconds), cost, started)
            position = 0
            for request in batch:
                part = list(results[position : position + len(request.items)])
                position += len(request.items)
                if not request.future.done():
                    request.future.set_result(part)

    def _record(self, stats: BatchStats, cost: int, started: float) -> None:
        # The rate of the whole batcher, not of one batch: with overlapping pipelines
        # batches share the cores, so a batch adds only the busy time not already
        # counted (since the previous batch finished), and the rate is smoothed cost
        # over smoothed busy time (a batch ending just after another adds ~no time).
        done = started + stats.seconds
        busy = done - max(started, self._last_done)
        self._last_done = max(done, self._last_done)
        if self._throughput is None:
            self._smoothed_cost, self._smoothed_busy = float(cost), max(busy, 1e-6)
        else:
            self._smoothed_cost += EWMA_WEIGHT * (cost - self._smoothed_cost)
            self._smoothed_busy += EWMA_WEIGHT * (busy - self._smoothed_busy)
        self._throughput = self._smoothed_cost / max(self._smoothed_busy, 1e-6)
        self._last_batch_requests = stats.requests
        if self.on_batch is not None:
            self.on_batch(stats)

    async def _next_batch(self) -> list[_Request]:
        assert self._arrived is not None
        batch: list[_Request] = []
        while not batch:
            while not self._queue:
                self._arrived.clear()
                await self._arrived.wait()
            self._take(self._queue.popleft(), batch)
        deadline = time.perf_counter() + self.limits.max_wait_s
        expected = self._last_batch_requests
        while len(batch) < expected and not self._batch_full(batch):
            self._drain_into(batch)
            remaining = deadline - time.perf_counter()
            if len(batch) >= expected or remaining <= 0 or self._batch_full(batch):
                break
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                break
        self._drain_into(batch)
        return batch

    def batch_cost_cap(self) -> float:
        """Most cost in one batch: the token cap, or ``max_batch_seconds`` of work
        at the measured rate when that is more."""
        timed = (self._throughput or 0.0) * self.limits.max_batch_seconds
        return max(float(self.limits.max_batch_cost), timed)

    def _batch_full(self, batch: list[_Request]) -> bool:
        items = sum(len(r.items) for r in batch)
        cost = sum(r.cost for r in batch)
        return items >= self.limits.max_batch_items or cost >= self.batch_cost_cap()

    def _drain_into(self, batch: list[_Request]) -> None:
        items = sum(len(r.items) for r in batch)
        cost = sum(r.cost for r in batch)
        cap = self.batch_cost_cap()
        while self._queue:
            following = self._queue[0]
            if (items + len(following.items) > self.limits.max_batch_items
                    or cost + following.cost > cap):
                return
            self._take(self._queue.popleft(), batch)
            items += len(following.items)
            cost += following.cost

    def _take(self, request: _Request, batch: list[_Request]) -> None:
        self._queued_items -= len(request.items)
        self._queued_cost -= request.cost
        if not request.future.done():  # a withdrawn request is dropped here
            request.started = True
            batch.append(request)
