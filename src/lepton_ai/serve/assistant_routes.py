"""``/v1/assistant/{name}``: talk to a served knowledge-base assistant, send feedback.

Start the server with ``lai serve --assistant NAME=KB_DIR``. The same assistants
answer on ``/v1/chat/completions`` as the model ``assistant:NAME``
(:mod:`lepton_ai.serve.chat_routes`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["assistant"])


class MessageRequest(BaseModel):
    """One customer message; ``session`` groups the turns of a conversation."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(..., description="The customer's message.")
    session: str | None = Field(None, max_length=200, description=(
        "Conversation id chosen by the caller; omitted: a new conversation (its id is "
        "in the reply). An id not seen before starts a new conversation."))


class FeedbackRequest(BaseModel):
    """Thumbs up/down on a turn, or the entry that should have answered it."""

    model_config = ConfigDict(extra="forbid")

    session: str = Field(..., max_length=200)
    turn_id: str = Field(..., max_length=64, description="reply.turn_id of the turn.")
    rating: int | None = Field(None, description="1 (up) or -1 (down).")
    correct_entry: str | None = Field(None, description="The FAQ entry id that was right.")
    note: str | None = Field(None, max_length=4000)


@router.post("/v1/assistant/{name}/messages", summary="Send a message, get the reply")
async def post_message(name: str, body: MessageRequest, request: Request) -> Any:
    state = request.app.state.lai
    assistant = state.assistant(name)
    request.scope["lai"]["model"] = f"assistant:{name}"
    reply = await state.admitted("assistant",
                                 lambda: assistant.reply(body.message, body.session))
    return JSONBytes(reply.as_json())


@router.post("/v1/assistant/{name}/feedback", summary="Rate a turn or correct it")
async def post_feedback(name: str, body: FeedbackRequest, request: Request) -> Any:
    state = request.app.state.lai
    assistant = state.assistant(name)
    await state.run_blocking(lambda: assistant.feedback(
        body.session, body.turn_id, rating=body.rating, correct_entry=body.correct_entry,
        note=body.note))
    return JSONBytes({"status": "recorded"})


@router.get("/v1/assistant/{name}", summary="What the assistant's knowledge base holds")
async def get_assistant(name: str, request: Request) -> Any:
    assistant = request.app.state.lai.assistant(name)
    manifest = {key: value for key, value in assistant.kb.manifest.items() if key != "history"}
    return JSONBytes({"name": name, **manifest,
                      "log_pending": assistant.log.pending if assistant.log else 0})
