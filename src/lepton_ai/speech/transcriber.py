"""Audio in, text with timestamps and the detected language out."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.speech.model import NAME, whisper_model
from lepton_ai.speech.window import FULL_WINDOW_FRAMES, encoder_window, fitted_frames

AUDIO_SUFFIXES = (".wav", ".mp3", ".flac", ".ogg", ".opus", ".m4a", ".webm")
#: Whisper's language codes are ISO 639-1 (plus a few); these were verified here.
VERIFIED_LANGUAGES = ("en",)


@dataclass(frozen=True)
class Segment:
    """A stretch of speech: seconds from the start, and its text."""

    start: float
    end: float
    text: str


@dataclass(frozen=True)
class Transcript:
    """What was said: the whole text, its segments, the language (detected or given),
    the model's probability of that language, and the audio's length in seconds."""

    text: str
    segments: list[Segment]
    language: str
    language_probability: float
    duration: float
    model: str = NAME

    def subtitles(self, kind: str = "srt") -> str:
        """The segments as SRT (``"srt"``) or WebVTT (``"vtt"``) cues."""
        def stamp(seconds: float) -> str:
            whole = int(seconds)
            millis = min(999, round((seconds - whole) * 1000))
            clock = f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
            return f"{clock},{millis:03d}" if kind == "srt" else f"{clock}.{millis:03d}"

        cues = [f"{stamp(s.start)} --> {stamp(s.end)}\n{s.text}\n" for s in self.segments]
        if kind == "srt":
            return "\n".join(f"{index}\n{cue}" for index, cue in enumerate(cues, start=1))
        return "WEBVTT\n\n" + "\n".join(cues)


def transcribe(audio: str | Path | bytes | Any, *, language: str | None = None,
               beam_size: int = 5, fit_window: bool = True) -> Transcript:
    """The text of a recording (a path, its bytes, or 16 kHz mono float samples).

    ``language``: an ISO 639-1 code to skip detection (``"en"``, ``"zh"``); the model
    knows Whisper's 99 languages, of which English was verified here (docs/speech.md).
    ``fit_window``: encode three times the speech of Whisper's 30-second window, at least
    10 s (:mod:`~lepton_ai.speech.window`): about 2× faster on short clips, with no more
    words misheard on the sentences measured; ``False`` encodes the full window, as
    Whisper was trained.
    """
    if not 1 <= beam_size <= 10:
        raise LeptonError(E.E1407, language=f"beam_size={beam_size}",
                          examples="a beam size from 1 to 10")
    source = _source(audio)
    model = whisper_model()
    if language is not None and language not in model.supported_languages:
        raise LeptonError(E.E1407, language=language,
                          examples="en, zh, ja, de, fr, es (ISO 639-1)")
    try:
        samples = _samples(source)
        frames = fitted_frames(len(samples)) if fit_window else FULL_WINDOW_FRAMES
        with encoder_window(frames):
            pieces, info = model.transcribe(samples, language=language, beam_size=beam_size)
            segments = [Segment(round(float(piece.start), 2), round(float(piece.end), 2),
                                piece.text.strip()) for piece in pieces]
    except LeptonError:
        raise
    except Exception as error:  # PyAV's decoding errors have no common base worth naming
        if type(error).__module__.startswith("av"):
            raise LeptonError(E.E1405, name=_name(audio), detail=str(error),
                              allowed=", ".join(AUDIO_SUFFIXES)) from None
        raise
    text = " ".join(segment.text for segment in segments if segment.text).strip()
    return Transcript(text, segments, info.language, round(float(info.language_probability), 4),
                      round(float(info.duration), 2))


def _samples(source: Any) -> Any:
    """16 kHz mono float samples: decoded (and resampled) by PyAV unless given so."""
    if isinstance(source, (str, io.BytesIO)):
        from faster_whisper.audio import decode_audio

        return decode_audio(source)
    return source


def _source(audio: str | Path | bytes | Any) -> Any:
    if isinstance(audio, (str, Path)):
        path = Path(audio)
        if not path.is_file():
            raise LeptonError(E.E301, path=path, cwd=Path.cwd())
        if path.suffix.lower() not in AUDIO_SUFFIXES:
            raise LeptonError(E.E1405, name=path.name, detail=f"{path.suffix or 'no suffix'} "
                              "is not an audio type read here", allowed=", ".join(AUDIO_SUFFIXES))
        return str(path)
    if isinstance(audio, bytes):
        return io.BytesIO(audio)
    return audio  # samples: faster-whisper checks them


def _name(audio: str | Path | bytes | Any) -> str:
    return Path(audio).name if isinstance(audio, (str, Path)) else "the audio"
