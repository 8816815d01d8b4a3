"""The dynamic batcher: sharing, bounds, deadlines, errors — with plain Python work."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.serve.batcher import BatcherLimits, BatchStats, DynamicBatcher, estimated_tokens


def make(predict, **limits) -> tuple[DynamicBatcher, list[BatchStats]]:
    seen: list[BatchStats] = []
    batcher = DynamicBatcher("test", predict, ThreadPoolExecutor(2), BatcherLimits(**limits),
                             cost=lambda item: 1, on_batch=seen.append)
    return batcher, seen


def test_lone_request_does_not_wait_for_company() -> None:
    batcher, seen = make(lambda items: [x * 2 for x in items], max_wait_s=30.0, timeout_s=60.0)

    async def main() -> list[int]:
        try:
            # A batcher that waited max_wait_s for company would miss this 5 s bound.
            return await asyncio.wait_for(batcher.submit([1, 2, 3]), 5.0)
        finally:
            await batcher.close()

    assert asyncio.run(main()) == [2, 4, 6]
    assert [s.requests for s in seen] == [1]


def test_requests_queued_during_a_batch_share_the_next_one_and_get_their_own_results() -> None:
    release = threading.Event()

    def predict(items: list[int]) -> list[int]:
        if items == [0]:
            release.wait(10)
        return [x * 10 for x in items]

    batcher, seen = make(predict)

    async def main() -> list[list[int]]:
        first = asyncio.create_task(batcher.submit([0]))
        await asyncio.sleep(0.05)  # the first batch is now running
        others = [asyncio.create_task(batcher.submit([i, i + 100])) for i in range(1, 11)]
        await asyncio.sleep(0.05)
        release.set()
        results = await asyncio.gather(first, *others)
        await batcher.close()
        return results

    results = asyncio.run(main())
    assert results[0] == [0]
    assert results[1:] == [[i * 10, (i + 100) * 10] for i in range(1, 11)]
    assert [s.requests for s in seen] == [1, 10]
    assert [s.items for s in seen] == [1, 20]


def test_two_pipelines_run_two_batches_at_once() -> None:
    running, both_running = [], threading.Event()
    lock = threading.Lock()

    def predict(items: list[int]) -> list[int]:
        with lock:
            running.append(items)
            if len(running) == 2:
                both_running.set()
        both_running.wait(10)  # only returns once a second batch runs beside this one
        time.sleep(0.1)
        return items

    seen: list[BatchStats] = []
    batcher = DynamicBatcher("test", predict, ThreadPoolExecutor(2), BatcherLimits(),
                             cost=lambda item: 1, pipelines=2, on_batch=seen.append)

    async def main() -> list[list[int]]:
        first = asyncio.create_task(batcher.submit([1]))
        await asyncio.sleep(0.05)  # the first batch is running
        second = asyncio.create_task(batcher.submit([2, 3]))
        try:
            return await asyncio.wait_for(asyncio.gather(first, second), 5.0)
        finally:
            await batcher.close()

    assert asyncio.run(main()) == [[1], [2, 3]]
    assert sorted(map(len, running)) == [1, 2] and both_running.is_set()


def test_overlapping_pipelines_do_not_halve_the_measured_rate() -> None:
    """Admission divides queued work by this rate: halved, it would refuse too early."""

    def predict(items: list[int]) -> list[int]:
        time.sleep(0.05)  # stands for model work that releases the GIL
        return items

    seen: list[BatchStats] = []
    batcher = DynamicBatcher("test", predict, ThreadPoolExecutor(2),
                             BatcherLimits(max_batch_items=2), cost=lambda item: 1,
                             pipelines=2, on_batch=seen.append)

    async def client() -> None:
        for _ in range(8):
            await batcher.submit([1])

    async def main() -> float:
        started = time.perf_counter()
        try:
            await asyncio.gather(*(client() for _ in range(4)))
        finally:
            await batcher.close()
        return time.perf_counter() - started

    wall = asyncio.run(main())
    per_batch = sum(s.items for s in seen) / sum(s.seconds for s in seen)
    combined = 32 / wall
    assert combined > 1.5 * per_batch  # the two pipelines did overlap
    assert batcher._throughput is not None
    assert 0.7 * combined < batcher._throughput < 1.5 * combined


def queue_behind_a_running_batch(pairs: int, before: list[int] | None = None,
                                 **limits: float) -> list[BatchStats]:
    """Every batch, when ``pairs`` two-item requests queue while a one-item batch runs
    (after a first, unblocked request of ``before`` items when given)."""
    release = threading.Event()

    def predict(items: list[int]) -> list[int]:
        if items == [-1]:
            release.wait(10)
        return items

    batcher, seen = make(predict, **limits)

    async def main() -> None:
        if before:
            await batcher.submit(before)
        blocker = asyncio.create_task(batcher.submit([-1]))
        await asyncio.sleep(0.05)
        tasks = [asyncio.create_task(batcher.submit([i, i])) for i in range(pairs)]
        await asyncio.sleep(0.05)
        release.set()
        await asyncio.gather(blocker, *tasks)
        await batcher.close()

    asyncio.run(main())
    return seen


def test_batches_respect_the_item_cap() -> None:
    seen = queue_behind_a_running_batch(5, max_batch_items=4)
    assert all(s.items <= 4 for s in seen)
    assert sum(s.items for s in seen) == 11


@pytest.mark.parametrize(("seconds", "largest"), [(0.0, 4), (0.1, 20)])
def test_batches_grow_past_the_token_cap_up_to_max_batch_seconds_of_work(
        seconds: float, largest: int) -> None:
    # A first batch of 1,000 items runs at once: thousands of items/s measured.
    seen = queue_behind_a_running_batch(10, before=list(range(1000)), max_batch_cost=4,
                                        max_batch_seconds=seconds)
    assert max(s.items for s in seen[2:]) == largest
    assert sum(s.items for s in seen[2:]) == 20


def test_full_queue_is_refused_at_once_with_e801() -> None:
    release = threading.Event()
    batcher, _ = make(lambda items: (release.wait(10), items)[1], max_queue_items=3)

    async def main() -> str:
        running = asyncio.create_task(batcher.submit([1]))
        await asyncio.sleep(0.05)
        queued = asyncio.create_task(batcher.submit([2, 3]))
        await asyncio.sleep(0.01)
        try:
            await batcher.submit([4, 5])
        except LeptonError as error:
            code = error.code
        release.set()
        await asyncio.gather(running, queued)
        await batcher.close()
        return code

    assert asyncio.run(main()) == "LAI-E801"


def test_work_left_in_running_batches_counts_towards_the_admission_bound() -> None:
    release = threading.Event()

    def predict(items: list[int]) -> list[int]:
        if len(items) == 100:
            release.wait(10)
        else:
            time.sleep(0.1)  # 10 items in 0.1 s: a measured rate of ~100 items/s
        return items

    batcher, _ = make(predict, max_queue_seconds=0.5)

    async def main() -> tuple[str, float]:
        await batcher.submit(list(range(10)))
        running = asyncio.create_task(batcher.submit(list(range(100))))
        await asyncio.sleep(0.05)  # ~1 s of work running, nothing queued
        wait = batcher.estimated_wait()
        try:
            await batcher.submit([1])
            code = "admitted"
        except LeptonError as error:
            code = error.code
        release.set()
        await running
        await batcher.close()
        return code, wait

    code, wait = asyncio.run(main())
    assert 0.6 < wait < 1.2
    assert code == "LAI-E801"


def test_deadline_gives_e802_and_withdraws_the_queued_texts() -> None:
    release = threading.Event()
    batcher, _ = make(lambda items: (release.wait(10), items)[1], timeout_s=0.2)

    async def main() -> tuple[str, str, int]:
        running = asyncio.create_task(batcher.submit([1]))
        await asyncio.sleep(0.05)
        codes = []
        for task in (running, asyncio.create_task(batcher.submit([2, 3]))):
            try:
                await task
            except LeptonError as error:
                codes.append(error.code)
        depth = batcher.queued_items
        release.set()
        await batcher.close()
        return codes[0], codes[1], depth

    first, second, depth = asyncio.run(main())
    assert first == second == "LAI-E802"
    assert depth == 0


def test_a_failing_batch_answers_its_callers_and_the_loop_goes_on() -> None:
    def predict(items: list[int]) -> list[int]:
        if 13 in items:
            raise ValueError("unlucky")
        return items

    batcher, _ = make(predict)

    async def main() -> list[int]:
        with pytest.raises(ValueError, match="unlucky"):
            await batcher.submit([13])
        result = await batcher.submit([7])
        await batcher.close()
        return result

    assert asyncio.run(main()) == [7]


def test_token_estimate_counts_chinese_characters_and_english_words() -> None:
    assert estimated_tokens("你好世界") == 4 + 2
    assert 6 <= estimated_tokens("the cat sat on the mat") <= 12
