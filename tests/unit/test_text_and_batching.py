import threading
import time

import numpy as np
import pytest

from lepton_ai.models.batching import plan_batches, run_batches
from lepton_ai.text import has_cjk, needs_multilingual, token_windows


def test_windows_cover_every_token_with_overlap():
    ids = list(range(1000))
    spans = token_windows(ids, size=254, overlap=32)
    covered = set()
    for start, end in spans:
        assert end - start <= 254
        covered.update(range(start, end))
    assert covered == set(ids)
    assert all(spans[i][1] - spans[i + 1][0] == 32 for i in range(len(spans) - 1))


def test_short_text_is_one_window():
    assert token_windows([1, 2, 3], size=10, overlap=2) == [(0, 3)]


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (4, 4), (4, -1)])
def test_windows_reject_bad_parameters(size, overlap):
    with pytest.raises(ValueError):
        token_windows([1, 2, 3], size=size, overlap=overlap)


def test_batches_are_sorted_capped_and_complete():
    rng = np.random.default_rng(0)
    lengths = rng.integers(1, 300, size=500).tolist()
    batches = plan_batches(lengths, token_budget=2048, max_batch_size=64)
    seen = np.concatenate(batches)
    assert sorted(seen.tolist()) == list(range(500))
    for batch in batches:
        longest = max(lengths[i] for i in batch)
        assert len(batch) <= 64
        assert len(batch) == 1 or len(batch) * longest <= 2048
    firsts = [lengths[b[0]] for b in batches]
    assert firsts == sorted(firsts, reverse=True)


def test_no_row_of_a_batch_is_mostly_padding():
    from lepton_ai.models.batching import MAX_PADDING

    rng = np.random.default_rng(1)
    lengths = rng.integers(5, 60, size=32).tolist()
    for batch in plan_batches(lengths, token_budget=4096, max_batch_size=64):
        longest = max(lengths[i] for i in batch)
        assert all(lengths[i] >= longest * (1 - MAX_PADDING) for i in batch)


def test_a_call_is_split_so_every_worker_gets_a_batch():
    equal = [10] * 16
    assert len(plan_batches(equal, token_budget=4096, max_batch_size=64)) == 1
    split = plan_batches(equal, token_budget=4096, max_batch_size=64, workers=2)
    assert [len(b) for b in split] == [8, 8]
    assert len(plan_batches([10] * 3, 4096, 64, workers=2)) == 1  # too few to split


def test_a_text_longer_than_the_budget_still_runs_alone():
    assert [b.tolist() for b in plan_batches([5000, 3], 100, 8)] == [[0], [1]]


def test_run_batches_in_threads_visits_each_batch_once():
    out = np.zeros(10)

    def work(batch):
        out[batch] += 1

    run_batches([np.arange(0, 5), np.arange(5, 10)], work, workers=2)
    assert out.tolist() == [1] * 10


def test_run_batches_reuses_its_helper_threads_and_raises_work_errors():
    seen: set[str] = set()

    def work(batch):
        seen.add(threading.current_thread().name)
        time.sleep(0.001)  # let both threads take batches

    for _ in range(20):
        run_batches([np.arange(i, i + 1) for i in range(6)], work, workers=2)
    assert threading.current_thread().name in seen
    helpers = seen - {threading.current_thread().name}
    assert len(helpers) == 1  # one helper, the same one for every call

    def failing(batch):
        if batch[0] == 3:
            raise ValueError("bad batch")

    with pytest.raises(ValueError, match="bad batch"):
        run_batches([np.arange(i, i + 1) for i in range(6)], failing, workers=2)


def test_a_call_does_not_wait_for_another_calls_busy_helper():
    release = threading.Event()
    blocked = threading.Thread(target=run_batches, args=(
        [np.arange(i, i + 1) for i in range(4)], lambda batch: release.wait(10), 2))
    blocked.start()
    time.sleep(0.05)  # its caller and the one helper thread are now both busy
    started = time.perf_counter()
    out = np.zeros(6)

    def work(batch):
        out[batch] += 1

    run_batches([np.arange(i, i + 1) for i in range(6)], work, workers=2)
    took = time.perf_counter() - started
    release.set()
    blocked.join()
    assert out.tolist() == [1] * 6
    assert took < 1.0  # done by its own thread, not after the other call's batches


def test_script_detection():
    assert has_cjk("机器学习") and has_cjk("mixed 中文 text")
    assert not has_cjk("plain English, café")
    assert needs_multilingual(["hello", "привет", "你好"])
    assert needs_multilingual(["مرحبا"])
    assert not needs_multilingual(["hello", "naïve résumé"])
