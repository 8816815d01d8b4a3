"""Speech to text with the packaged Whisper base: sentences spoken by Debian's espeak-ng,
timestamps, refusals, the command and the OpenAI-shaped route."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.errors import LeptonError
from lepton_ai.serve.app import build_app
from lepton_ai.serve.config import ServeConfig

ESPEAK = shutil.which("espeak-ng")
SENTENCE = "Please send the invoice to the finance department before Friday."


@pytest.fixture(scope="module")
def spoken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert ESPEAK, "no espeak-ng on PATH: `make test` installs Debian's espeak-ng package"
    path = tmp_path_factory.mktemp("speech") / "invoice.wav"
    subprocess.run([ESPEAK, "-v", "en-us", "-s", "150", "-w", str(path), SENTENCE], check=True)
    return path


def words(text: str) -> list[str]:
    return "".join(c.lower() if c.isalnum() or c.isspace() else " " for c in text).split()


def test_a_spoken_sentence_comes_back_with_timestamps(spoken: Path) -> None:
    transcript = lai.transcribe(spoken)
    assert transcript.language == "en" and transcript.duration > 2
    heard, said = words(transcript.text), words(SENTENCE)
    assert len(set(heard) & set(said)) >= len(said) - 2  # espeak is robotic: two words may slip
    first = transcript.segments[0]
    assert 0 <= first.start < first.end <= transcript.duration + 0.5
    assert "-->" in transcript.subtitles("srt") and transcript.subtitles("vtt").startswith("WEBVTT")


def test_a_short_clip_encodes_a_fitted_window(spoken: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from faster_whisper import WhisperModel

    widths: list[int] = []
    encode = WhisperModel.encode

    def spy(model: WhisperModel, features: object) -> object:
        widths.append(features.shape[-1])  # type: ignore[attr-defined]
        return encode(model, features)

    monkeypatch.setattr(WhisperModel, "encode", spy)
    fitted = lai.transcribe(spoken, language="en")
    (width,) = set(widths)  # a ~4 s sentence: a ~12 s window, not Whisper's 30 s
    assert width % 100 == 0 and 3 * fitted.duration * 100 <= width + 1 < 1600
    widths.clear()
    full = lai.transcribe(spoken, language="en", fit_window=False)
    assert widths and set(widths) == {3000}
    said = set(words(SENTENCE))
    assert len(said & set(words(fitted.text))) >= len(said & set(words(full.text))) - 1


def test_refusals(tmp_path: Path) -> None:
    junk = tmp_path / "junk.wav"
    junk.write_bytes(b"RIFF not really audio")
    with pytest.raises(LeptonError, match="LAI-E1405"):
        lai.transcribe(junk)
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK")
    with pytest.raises(LeptonError, match="LAI-E1405"):
        lai.transcribe(notes)
    with pytest.raises(LeptonError, match="LAI-E1407"):
        lai.transcribe(junk, language="klingon")


def test_command_and_openai_route(spoken: Path, tmp_path: Path) -> None:
    out = tmp_path / "invoice.srt"
    result = CliRunner().invoke(app, ["transcribe", str(spoken), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("1\n00:00:00,000 --> ")
    result = CliRunner().invoke(app, ["transcribe", str(spoken), "--full-window"])
    assert result.exit_code == 0 and "invoice" in result.output.lower(), result.output
    with TestClient(build_app(ServeConfig(warm=False))) as client:
        answer = client.post("/v1/audio/transcriptions",
                             files={"file": ("invoice.wav", spoken.read_bytes(), "audio/wav")},
                             data={"model": "whisper-1", "response_format": "verbose_json"})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["language"] == "en" and body["segments"][0]["start"] == 0.0
        assert "invoice" in body["text"].lower()
        import openai

        official = openai.OpenAI(base_url="http://testserver/v1", api_key="unused",
                                 http_client=client)
        with spoken.open("rb") as audio:
            text = official.audio.transcriptions.create(model="whisper-1", file=audio)
        assert "invoice" in text.text.lower()
        broken = client.post("/v1/audio/transcriptions",
                             files={"file": ("x.wav", b"RIFF junk", "audio/wav")})
        assert broken.status_code == 400 and broken.json()["error"]["code"] == "LAI-E1405"
