"""Where a short clip's transcription time goes: Whisper's encoder by window size.

    .venv/bin/python bench/speech_encoder.py

One espeak-ng sentence (the first of bench/speech_espeak.py). Times, median of 10:
decoding the WAV and computing its features, then the encoder alone on windows of
3,000 (Whisper's 30 s), 1,500, 1,000 and 600 frames of 10 ms, and a whole
``lai.transcribe`` call with the fitted and the full window. Appends to
bench/results/speech_encoder.jsonl with the cores other processes used.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version, record
from lepton_ai.speech.model import whisper_model
from speech_espeak import speak, spoken_sentences

WINDOWS = (3000, 1500, 1000, 600)


def median_ms(work: Callable[[], object], repeats: int = 10) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times) * 1000, 1)


def main() -> None:
    from faster_whisper.audio import decode_audio

    path = Path(tempfile.mkdtemp(prefix="lai-speech-encoder-")) / "clip.wav"
    seconds = speak(spoken_sentences(1)[0], "en-us", path)
    model = whisper_model()
    lai.transcribe(path, language="en")  # load outside the timing
    features = model.feature_extractor(decode_audio(str(path)))
    with LoadMeter([os.getpid()]) as meter:
        decoding = median_ms(lambda: model.feature_extractor(decode_audio(str(path))))
        encoder = {}
        for frames in WINDOWS:
            window = np.zeros((features.shape[0], frames), dtype=np.float32)
            kept = min(frames, features.shape[1])
            window[:, :kept] = features[:, :kept]
            encoder[frames] = median_ms(lambda window=window: model.encode(window))
        fitted = median_ms(lambda: lai.transcribe(path, language="en"))
        full = median_ms(lambda: lai.transcribe(path, language="en", fit_window=False))
    record("speech_encoder", {
        "code": code_version(), "clip_seconds": round(seconds, 2),
        "decode_and_features_ms": decoding, "encoder_ms_by_window": encoder,
        "transcribe_ms": {"fitted": fitted, "full": full},
        "threads": lai.settings.threads, "foreign_cores": round(meter.foreign_cores, 2)})
    print(decoding, encoder, fitted, full)


if __name__ == "__main__":
    main()
