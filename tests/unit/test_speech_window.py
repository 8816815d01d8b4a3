"""The encoder window fitted to a recording's length, and its scope (no model needed)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from lepton_ai.speech.window import (
    FULL_WINDOW_FRAMES,
    SHORTEST_WINDOW_FRAMES,
    encoder_window,
    fitted_frames,
    window_frames,
)

SECOND = 16_000  # samples


def test_the_window_is_three_times_the_speech_in_whole_seconds() -> None:
    assert fitted_frames(2 * SECOND) == SHORTEST_WINDOW_FRAMES  # short clips: 10 s
    assert fitted_frames(0) == SHORTEST_WINDOW_FRAMES
    assert fitted_frames(5 * SECOND) == 1600  # 501 frames × 3, rounded up to a second
    assert fitted_frames(int(7.6 * SECOND)) == 2300
    for seconds in (0.5, 3.0, 4.2, 6.25, 9.9):
        frames = fitted_frames(int(seconds * SECOND))
        assert frames % 100 == 0 and frames >= seconds * 100 * 3
    assert fitted_frames(10 * SECOND) == FULL_WINDOW_FRAMES
    assert fitted_frames(600 * SECOND) == FULL_WINDOW_FRAMES  # long audio: Whisper's 30 s


def test_the_window_holds_inside_its_block_only_and_nests() -> None:
    assert window_frames() == FULL_WINDOW_FRAMES
    with encoder_window(1200):
        assert window_frames() == 1200
        with encoder_window(99_999):
            assert window_frames() == FULL_WINDOW_FRAMES  # never past Whisper's window
        assert window_frames() == 1200
    assert window_frames() == FULL_WINDOW_FRAMES


def test_each_thread_keeps_its_own_window() -> None:
    def seen(frames: int) -> int:
        with encoder_window(frames):
            return window_frames()

    with encoder_window(1000), ThreadPoolExecutor(4) as pool:
        assert list(pool.map(seen, [1100, 1700, 2500, 3000])) == [1100, 1700, 2500, 3000]
        assert window_frames() == 1000
