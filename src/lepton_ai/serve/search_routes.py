"""Semantic search over the index folders served with ``lai serve --index NAME=DIR``:
``GET /v1/indexes`` lists them, ``POST /v1/indexes/{name}/search`` answers queries
with the hits of :meth:`lepton_ai.Index.search` (each with its original row)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["search"])


class SearchRequest(BaseModel):
    """One query (hits come back as a list) or several (a list of hits per query)."""

    model_config = ConfigDict(extra="forbid")

    query: str | list[str] = Field(..., description="One query or a list of queries.")
    k: int = Field(5, ge=1, le=100, description="Hits per query, best first.")
    exact: bool | None = Field(None, description="Force exact (true) or graph (false) "
                               "search; by default the index's own choice.")


class ServedIndex(BaseModel):
    name: str
    documents: int
    model: str | None
    backend: str


class IndexList(BaseModel):
    data: list[ServedIndex]


class SearchHit(BaseModel):
    id: int
    score: float
    text: str
    row: dict[str, Any]


class SearchResponse(BaseModel):
    index: str
    model: str | None
    data: list[SearchHit] | list[list[SearchHit]]


@router.get("/v1/indexes", summary="The served search indexes", response_model=IndexList)
async def list_indexes(request: Request) -> Any:
    indexes = request.app.state.lai.indexes
    return JSONBytes({"data": [
        {"name": name, "documents": len(index), "model": index.model, "backend": index.backend}
        for name, index in sorted(indexes.items())]})


@router.post("/v1/indexes/{name}/search", summary="Search a served index",
             response_model=SearchResponse)
async def search_index(name: str, body: SearchRequest, request: Request) -> Any:
    state = request.app.state.lai
    index = state.index(name)
    single = isinstance(body.query, str)
    queries = state.check_texts([body.query] if single else body.query)
    hits = await state.admitted("search", lambda: index.search(queries, k=body.k,
                                                               exact=body.exact))
    return JSONBytes({"index": name, "model": index.model,
                      "data": hits[0] if single else hits})
