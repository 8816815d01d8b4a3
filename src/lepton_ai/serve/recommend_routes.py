"""``POST /v1/recommend/{name}``: items for a user, a history or a description, with
reasons, from a recommender served with ``lai serve --recommender NAME=REC_DIR``;
``POST /v1/recommend/{name}/events``: what a user did, counted from their next
recommendation on."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["recommend"])


class RecommendRequest(BaseModel):
    """Whom to recommend for: a known user, a history of item ids, or a description."""

    model_config = ConfigDict(extra="forbid")

    user: str | None = Field(None, max_length=200)
    history: list[str] | None = Field(None, max_length=10_000,
                                      description="Item ids, oldest first.")
    text: str | None = Field(None, max_length=4000,
                             description="What the user is looking for, in words.")
    k: int = Field(10, ge=1, le=1000)
    exclude_seen: bool = True
    diversity: float = Field(0.0, ge=0.0, le=1.0)
    filters: dict[str, str | bool | int | float | list[str | bool | int | float]] | None = \
        Field(None, description="Item attributes to keep: one value or any of several, "
              "e.g. {\"category\": [\"pipettes\", \"tips\"], \"available\": true}.")


class EventRequest(BaseModel):
    """What a user did with an item."""

    model_config = ConfigDict(extra="forbid")

    user: str = Field(..., min_length=1, max_length=200)
    item: str = Field(..., min_length=1, max_length=300)
    event: str = Field("view", description="view, click, cart, purchase, like; or "
                       "dislike, hide (never shown to the user again).")


@router.get("/v1/recommend", summary="The recommenders this server serves")
async def list_recommenders(request: Request) -> Any:
    served = request.app.state.lai.recommenders
    return JSONBytes({"data": [{"name": name, "items": len(recommender.ids)}
                               for name, recommender in sorted(served.items())]})


@router.post("/v1/recommend/{name}", summary="Recommend items, each with its reason")
async def recommend(name: str, body: RecommendRequest, request: Request) -> Any:
    state = request.app.state.lai
    recommender = state.recommender(name)
    picks = await state.admitted("recommend", lambda: recommender.recommend(
        body.user, history=body.history, text=body.text, k=body.k,
        exclude_seen=body.exclude_seen, diversity=body.diversity, filters=body.filters))
    return JSONBytes({"recommender": name, "data": [pick.as_json() for pick in picks]})


@router.post("/v1/recommend/{name}/events", summary="Record what a user did with an item")
async def record_event(name: str, body: EventRequest, request: Request) -> Any:
    state = request.app.state.lai
    recommender = state.recommender(name)
    number = await state.admitted("recommend", lambda: recommender.record(
        body.user, body.item, body.event))
    return JSONBytes({"recommender": name, "id": number, "user": body.user,
                      "item": body.item, "event": body.event})
