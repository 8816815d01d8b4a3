"""``POST /v1/ocr``: the text of an uploaded scan, photo or PDF, with each line's page,
box and confidence. The raw file is the body (the server's body limit applies);
nothing is stored."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["documents"])


@router.post("/v1/ocr", summary="Text of an image or PDF (raw body), lines with boxes")
async def read_document(
    request: Request,
    dpi: int = Query(150, ge=36, le=600, description="Resolution PDF pages without a text "
                     "layer are rendered at; the unit of every box."),
    pages: str | None = Query(None, max_length=2000,
                              description="1-based pages to read: 1,3,5-7."),
    min_score: float = Query(0.5, ge=0.0, le=1.0,
                             description="Lines recognized less surely are dropped."),
) -> Any:
    from lepton_ai.documents import ocr, parse_pages

    state = request.app.state.lai
    data = await request.body()  # the middleware has already refused an oversized body
    chosen = parse_pages(pages) if pages else None
    document = await state.run_blocking(
        lambda: ocr(data, dpi=dpi, pages=chosen, min_score=min_score))
    return JSONBytes(document.record())
