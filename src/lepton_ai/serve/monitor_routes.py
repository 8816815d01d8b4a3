"""``/v1/monitor/{name}``: hand a served monitor batches of documents, read its alerts.

Start the server with ``lai serve --monitor CONFIG.yaml`` (repeatable). A batch is
analysed and stored before the answer comes (200 means it is in the database; send
it again after an error — ids make that harmless). While ``monitor_max_waiting``
batches are already in line, the next is answered 429 with Retry-After: back-pressure
on the sender rather than an unbounded queue.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["monitor"])


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
