"""faster-whisper's model with an encoder window that fits the audio (see
:mod:`~lepton_ai.speech.window`). Imported only when the model is built: faster-whisper
is an optional extra."""

from __future__ import annotations

from typing import Any

import numpy as np
from faster_whisper import WhisperModel

from lepton_ai.speech.window import window_frames


class WindowedWhisper(WhisperModel):
    """Encodes the first :func:`~lepton_ai.speech.window.window_frames` frames of each
    window, not always 3,000; decoding, timestamps and fallbacks are faster-whisper's."""

    def encode(self, features: np.ndarray) -> Any:  # a ctranslate2.StorageView
        frames = window_frames()
        if features.shape[-1] > frames:
            features = np.ascontiguousarray(features[..., :frames])
        return super().encode(features)
