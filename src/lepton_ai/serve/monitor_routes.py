"""``/v1/monitor/{name}``: hand a served monitor batches of documents, read its alerts,
its leaderboard (``/top``), one key's timeline (``/timeline``) and the documents behind
a key (``/documents``: the drill-down).

Start the server with ``lai serve --monitor CONFIG.yaml`` (repeatable). A batch is
analysed and stored before the answer comes (200 means it is in the database; send
it again after an error — ids make that harmless). While ``monitor_max_waiting``
batches are already in line, the next is answered 429 with Retry-After: back-pressure
on the sender rather than an unbounded queue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["monitor"])

Kind = Literal["entity", "topic", "source"]
BY = Query("entity", description="What the keys are: watched names (entity), topics or "
           "sources.")
DAYS = Query(30.0, gt=0, le=3660, description="How far back from the newest document.")
KEY = Query(..., min_length=1, max_length=200, description="A watched name's id, a topic "
            "or a source.")


class DocumentsRequest(BaseModel):
    """A batch of documents: each an object with the config's id, time, text and source
    columns (other fields are stored with the document)."""

    model_config = ConfigDict(extra="forbid")

    documents: list[dict[str, Any]] = Field(..., min_length=1, description=(
        'e.g. [{"id": "n1", "time": "2026-12-06T09:30:00+08:00", "text": "...", '
        '"source": "wire"}]'))


@router.post("/v1/monitor/{name}/documents", summary="Send a batch of documents")
async def post_documents(name: str, body: DocumentsRequest, request: Request) -> Any:
    state = request.app.state.lai
    monitor = state.monitor(name)
    state.check_limits([str(row.get(monitor.config.input.columns.text) or "")
                        for row in body.documents])
    outcome = await state.admitted("monitor", lambda: monitor.ingest_rows(body.documents))
    return JSONBytes(outcome)


@router.get("/v1/monitor", summary="The monitors this server runs")
async def list_monitors(request: Request) -> Any:
    return JSONBytes({"data": sorted(request.app.state.lai.monitors)})


@router.get("/v1/monitor/{name}/alerts", summary="Alerts the monitor raised")
async def get_alerts(name: str, request: Request, since: datetime | None = None) -> Any:
    state = request.app.state.lai
    monitor = state.monitor(name)
    alerts = await state.run_blocking(lambda: monitor.store.alerts(since))
    return JSONBytes({"data": alerts})


@router.get("/v1/monitor/{name}", summary="What the monitor has done since the start")
async def get_monitor(name: str, request: Request) -> Any:
    monitor = request.app.state.lai.monitor(name)
    return JSONBytes({"name": name, **monitor.stats.as_dict(),
                      "waiting_for_database": monitor.store.waiting})


@router.get("/v1/monitor/{name}/top", summary="The most mentioned keys, with negative counts")
async def get_top(name: str, request: Request, by: Kind = BY, days: float = DAYS,
                  limit: int = Query(20, ge=1, le=500)) -> Any:
    state = request.app.state.lai
    store = state.monitor(name).store

    def top() -> dict[str, Any]:
        since, until = store.span(days)
        return {"by": by, "since": since, "until": until, "data": [
            {"key": key, "volume": volume, "negative": negative}
            for key, volume, negative in store.top_keys(by, since, until, limit)]}

    return JSONBytes(await state.run_blocking(top))


@router.get("/v1/monitor/{name}/timeline", summary="One key's volume and sentiment per bucket")
async def get_timeline(name: str, request: Request, key: str = KEY, by: Kind = BY,
                       bucket: Literal["minute", "hour", "day"] = "day",
                       days: float = DAYS) -> Any:
    from lepton_ai.solutions.monitor.store import BUCKETS

    state = request.app.state.lai
    store = state.monitor(name).store

    def timeline() -> dict[str, Any]:
        since, until = store.span(days)
        rows = store.timeline(by, key, since, until, BUCKETS[bucket])
        return {"by": by, "key": key, "bucket": bucket, "data": [
            {"start": row.start, "volume": row.volume, "negative": row.negative,
             "negative_share": row.negative_share, "mean_polarity": row.mean_polarity}
            for row in rows]}

    return JSONBytes(await state.run_blocking(timeline))


@router.get("/v1/monitor/{name}/documents", summary="The documents behind one key, newest first")
async def get_documents(name: str, request: Request, key: str = KEY, by: Kind = BY,
                        days: float = DAYS, limit: int = Query(50, ge=1, le=500)) -> Any:
    state = request.app.state.lai
    store = state.monitor(name).store

    def documents() -> dict[str, Any]:
        since, until = store.span(days)
        return {"by": by, "key": key,
                "data": store.documents_mentioning(by, key, since, until, limit)}

    return JSONBytes(await state.run_blocking(documents))
