"""``POST /v1/audio/transcriptions`` in OpenAI's shape: a multipart form with ``file``
(and ``model``, ``language``, ``response_format``), answered as JSON, verbose JSON,
plain text, SRT or WebVTT. The server's body limit applies; nothing is stored."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import PlainTextResponse

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["speech"])
Format = Literal["json", "text", "verbose_json", "srt", "vtt"]


@router.post("/v1/audio/transcriptions", summary="Speech to text (OpenAI-compatible)")
async def transcriptions(
    request: Request,
    file: Annotated[UploadFile, File(description="WAV, MP3, FLAC, OGG, Opus, M4A or WebM.")],
    model: Annotated[str, Form(description="Any name: the server's one speech model "
                               "(Whisper base) answers.")] = "whisper-base",
    language: Annotated[str | None, Form(max_length=8,
                                         description="ISO 639-1; default: detected.")] = None,
    response_format: Annotated[Format, Form()] = "json",
    prompt: Annotated[str | None, Form(max_length=1000,
                                       description="Accepted and ignored.")] = None,
    temperature: Annotated[float, Form(ge=0.0, le=1.0,
                                       description="Accepted and ignored.")] = 0.0,
) -> Any:
    from lepton_ai.speech import transcribe

    state = request.app.state.lai
    data = await file.read()  # the middleware has already refused an oversized body
    transcript = await state.run_blocking(lambda: transcribe(data, language=language or None))
    if response_format == "text":
        return PlainTextResponse(transcript.text)
    if response_format in ("srt", "vtt"):
        return PlainTextResponse(transcript.subtitles(response_format))
    if response_format == "verbose_json":
        return JSONBytes({
            "task": "transcribe", "language": transcript.language,
            "duration": transcript.duration, "text": transcript.text,
            "segments": [{"id": index, "start": s.start, "end": s.end, "text": s.text}
                         for index, s in enumerate(transcript.segments)]})
    return JSONBytes({"text": transcript.text})
