"""How much of Whisper's 30-second window to encode.

Whisper pads every call to 30 s (3,000 mel frames of 10 ms) and its encoder's cost grows
faster than the window: on 2 cores, 3,000 frames take 0.43–0.57 s, 1,000 frames
0.07–0.09 s (bench/speech_encoder.py). A 2-second clip thus spends most of its time
encoding silence. CTranslate2's encoder takes a shorter window (the positions it keeps
are the window's first ones), so :func:`fitted_frames` sizes the window to the audio:
three times the speech, never under 10 s (docs/benchmarks.md, "Fitted encoder
window"). A 6-s floor misheard more words; windows the speech filled more of (the
speech plus 2–10 s) misheard 1.4–2.6 points more on four-sentence clips, for little
speed (decoding dominates there). Audio of 10 s and more keeps the full window.

:func:`encoder_window` sets the window for the calls made inside it (a context
variable, so concurrent requests on other threads keep their own); the model class
that reads it is built in :mod:`~lepton_ai.speech.model`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SAMPLES_PER_FRAME = 160  # 10 ms at Whisper's 16 kHz
FULL_WINDOW_FRAMES = 3000
SHORTEST_WINDOW_FRAMES = 1000
WINDOW_PER_SPEECH = 3  # the speech fills at most a third of the window
STEP_FRAMES = 100  # windows come in whole seconds: fewer shapes, same cost

_frames: ContextVar[int] = ContextVar("whisper_window_frames", default=FULL_WINDOW_FRAMES)


def fitted_frames(samples: int) -> int:
    """Frames to encode for audio of ``samples`` 16 kHz samples (see the module's text)."""
    wanted = max(SHORTEST_WINDOW_FRAMES, (samples // SAMPLES_PER_FRAME + 1) * WINDOW_PER_SPEECH)
    return int(min(FULL_WINDOW_FRAMES, -(-wanted // STEP_FRAMES) * STEP_FRAMES))


def window_frames() -> int:
    """The window set by the innermost :func:`encoder_window` (else the full 3,000)."""
    return _frames.get()


@contextmanager
def encoder_window(frames: int) -> Iterator[None]:
    """Encode at most ``frames`` of each window for the Whisper calls made inside."""
    token = _frames.set(min(FULL_WINDOW_FRAMES, max(1, frames)))
    try:
        yield
    finally:
        _frames.reset(token)
