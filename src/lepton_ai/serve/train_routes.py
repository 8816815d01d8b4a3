"""``/v1/train``: upload a table, check it, train on it and watch the run — what the
web console's Train page calls (``serve/training_jobs.py`` does the work)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key
from lepton_ai.serve.training_jobs import COMPRESSIONS

router = APIRouter(prefix="/v1/train", dependencies=[Depends(require_api_key)],
                   tags=["training"])

#: How often the event stream looks for new lines of a running job.
POLL_S = 0.25
Method = Literal["auto", "head", "fewshot", "lora", "full"]
#: A key of COMPRESSIONS (one list, so the console's choices and the route agree).
CompressionName = Literal[tuple(COMPRESSIONS)]  # type: ignore[valid-type]


class Columns(BaseModel):
    """Which columns of the upload hold the text and the label."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field("text", min_length=1, max_length=200)
    label: str = Field("label", min_length=1, max_length=200)


class StartJob(Columns):
    upload: str = Field(..., min_length=1, max_length=64)
    method: Method = "auto"
    from_model: str | None = Field(None, max_length=200, description=(
        "A served model's name: continue training its current version on this upload "
        "(continual learning, as lai train --from)."))


class Queue(BaseModel):
    """Texts a served classifier is least sure about: of an upload, or (no upload) of
    its production traffic (``lai serve --annotation-queue N``)."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(..., min_length=1, max_length=200)
    upload: str | None = Field(None, min_length=1, max_length=64,
                               description="An uploaded table; none: production traffic.")
    text: str = Field("text", min_length=1, max_length=200)
    k: int = Field(20, ge=1, le=200)


class StartCompression(BaseModel):
    """Compress a served classifier's version with ``lai compress``."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(..., min_length=1, max_length=200)
    version: str | None = Field(None, max_length=64, description="Default: the current one.")
    method: CompressionName = "prune-layers"  # type: ignore[valid-type]


@router.get("/compressions", summary="Compressions, each with a one-line explanation")
async def compressions() -> Any:
    return JSONBytes({name: explained for name, (_, explained) in COMPRESSIONS.items()})


@router.post("/compress", summary="Compress a served model (lai compress) as a job")
async def compress(body: StartCompression, request: Request) -> Any:
    state = request.app.state.lai
    loaded = state.models.get(body.model, body.version)
    if loaded.task != "classify":
        raise LeptonError(E.E810, what=f"compressing {body.model!r} ({loaded.task}) here",
                          why="the console compresses classifiers; run lai compress for "
                          "taggers")
    job = await state.run_blocking(lambda: state.training.start_compression(
        loaded.path, f"{loaded.name}@{loaded.version}", body.method))
    return JSONBytes(job.describe())


@router.get("/methods", summary="Training methods, each with a one-line explanation")
async def methods() -> Any:
    from lepton_ai.serve.training_jobs import METHODS

    return JSONBytes(METHODS)


class UploadDescription(BaseModel):
    """A stored upload: what ``/check`` and ``/jobs`` name it by, and its first rows."""

    id: str
    name: str
    size: int = Field(description="Bytes.")
    rows: int | None = Field(None, description="Rows, where the table says without reading "
                             "it all.")
    columns: list[str]
    preview: list[dict[str, Any]]


#: The upload is the request's raw body (not a multipart form): documented here, since
#: the route reads it itself.
UPLOAD_BODY = {"requestBody": {"required": True, "content": {
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    "text/csv": {"schema": {"type": "string"},
                 "example": "text,label\nmy card was charged twice,billing\n"
                            "how do I reset my password,account\n"},
}}}


@router.put("/uploads", summary="Upload a CSV, TSV, JSONL, JSON or Parquet table (raw body)",
            response_model=UploadDescription, openapi_extra=UPLOAD_BODY)
async def upload(request: Request,
                 name: str = Query(..., min_length=1, max_length=200,
                                   description="The file's name; its suffix says its type.")
                 ) -> Any:
    state = request.app.state.lai
    data = await request.body()  # the middleware has already refused an oversized body
    stored = await state.run_blocking(lambda: state.training.add_upload(name, data))
    return JSONBytes(stored.describe())


@router.get("/files", summary="Tables in the server's training folder (DATA_DIR/files)")
async def server_files(request: Request) -> Any:
    return JSONBytes({"data": request.app.state.lai.training.server_files()})


@router.post("/files/{name}", summary="Take a table of the server's training folder as an "
             "upload", response_model=UploadDescription)
async def use_server_file(name: str, request: Request) -> Any:
    state = request.app.state.lai
    stored = await state.run_blocking(lambda: state.training.add_server_file(
        name, state.config.max_upload_bytes))
    return JSONBytes(stored.describe())


@router.post("/uploads/{upload_id}/check", summary="The checks training runs first")
async def check(upload_id: str, body: Columns, request: Request) -> Any:
    state = request.app.state.lai
    return JSONBytes(await state.run_blocking(
        lambda: state.training.check(upload_id, body.text, body.label)))


@router.post("/jobs", summary="Start training on an upload")
async def start(body: StartJob, request: Request) -> Any:
    state = request.app.state.lai
    origin = state.models.get(body.from_model).path if body.from_model else None
    job = await state.run_blocking(lambda: state.training.start(
        body.upload, body.text, body.label, body.method, origin))
    return JSONBytes(job.describe())


@router.post("/annotate", summary="An upload's texts a served classifier is least sure about")
async def annotate(body: Queue, request: Request) -> Any:
    from lepton_ai.data.tables import iter_rows, require_column, texts_of
    from lepton_ai.serve.training_jobs import QUEUE_SCAN_ROWS, least_sure

    state = request.app.state.lai
    loaded = state.models.get(body.model)
    if loaded.task != "classify":
        raise LeptonError(E.E810, what=f"annotating for {body.model!r} ({loaded.task})",
                          why="the queue ranks a classifier's label scores")
    if body.upload is None and state.uncertain is None:
        raise LeptonError(E.E825)
    upload = None if body.upload is None else state.training.upload(body.upload)

    def queue() -> dict[str, Any]:
        if upload is None:
            items = state.uncertain.take(loaded.name, body.k)
            scanned, source = None, "traffic"
        else:
            rows = next(iter(iter_rows(upload.path, batch_size=QUEUE_SCAN_ROWS)), [])
            require_column(body.text, list(rows[0]) if rows else [], upload.name)
            texts = texts_of(rows, body.text, upload.name)
            items, scanned, source = least_sure(texts, loaded.predict(texts), body.k), \
                len(texts), "upload"
        report = loaded.path / "report.json"
        return {"model": loaded.name, "version": loaded.version, "labels": loaded.labels,
                "source": source, "scanned": scanned, "items": items,
                "report": json.loads(report.read_text("utf-8")) if report.is_file() else None}

    return JSONBytes(await state.run_blocking(queue))


@router.get("/jobs", summary="Every training run since the server started")
async def jobs(request: Request) -> Any:
    return JSONBytes({"data": [job.describe() for job in request.app.state.lai.training.jobs()]})


@router.get("/jobs/{job_id}", summary="A run: status, events so far and its report")
async def job(job_id: str, request: Request) -> Any:
    found = request.app.state.lai.training.job(job_id)
    return JSONBytes({**found.describe(), "events": found.events()[0], "report": found.report(),
                      "compression": found.compression()})


@router.get("/jobs/{job_id}/events", summary="The run's events as they happen (SSE)",
            responses={200: {"content": {"text/event-stream": {}}}})
async def events(job_id: str, request: Request) -> StreamingResponse:
    found = request.app.state.lai.training.job(job_id)

    async def stream() -> AsyncIterator[str]:
        offset = 0
        while True:
            running = found.status == "running"  # read before the events: none is missed
            new, offset = found.events(offset)
            for event in new:
                yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
            if not running:
                yield f"event: end\ndata: {json.dumps(found.describe(), ensure_ascii=False)}\n\n"
                return
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL_S)

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache"})


@router.post("/jobs/{job_id}/cancel", summary="Stop a run")
async def cancel(job_id: str, request: Request) -> Any:
    state = request.app.state.lai
    return JSONBytes((await state.run_blocking(lambda: state.training.cancel(job_id))).describe())


@router.post("/jobs/{job_id}/resume", summary="Continue a cancelled run from its checkpoint")
async def resume(job_id: str, request: Request) -> Any:
    state = request.app.state.lai
    return JSONBytes((await state.run_blocking(lambda: state.training.resume(job_id))).describe())


@router.get("/jobs/{job_id}/confusion.png", summary="The run's confusion matrix")
async def confusion(job_id: str, request: Request) -> FileResponse:
    found = request.app.state.lai.training.job(job_id)
    path = found.folder / "model" / "confusion_matrix.png"
    if not path.is_file():
        raise LeptonError(E.E819, what="confusion matrix of job", id=job_id,
                          known="a finished run's only")
    return FileResponse(path, media_type="image/png")
