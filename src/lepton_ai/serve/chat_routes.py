"""OpenAI-compatible ``POST /v1/chat/completions``, whole or streamed (server-sent events).

The official ``openai`` client works against it unchanged, ``stream=True``
included. One choice per request (``n`` must be 1); the sampling fields mean what
they mean in OpenAI's API (``temperature`` defaults to 1; send 0 for repeatable
replies with ``seed``).
"""

from __future__ import annotations

import time
import uuid
import weakref
from collections.abc import AsyncIterator
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.admission import Ticket
from lepton_ai.serve.chat_service import ChatService, Completion
from lepton_ai.serve.http_errors import lepton_error_body
from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["OpenAI-compatible"])


class TextPart(BaseModel):
    """A text part of a message's content (other part types are refused)."""

    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart]

    def as_message(self) -> dict[str, str]:
        """Role and plain text (``developer`` is OpenAI's newer name for ``system``)."""
        text = self.content if isinstance(self.content, str) else "".join(
            part.text for part in self.content)
        return {"role": "system" if self.role == "developer" else self.role, "content": text}


class StreamOptions(BaseModel):
    include_usage: bool = False


class ChatRequest(BaseModel):
    """OpenAI's chat completion request (the fields a local model can honour)."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(..., description="A chat model id from GET /v1/models.")
    messages: list[ChatMessage] = Field(..., min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    max_tokens: int | None = Field(None, ge=1, description="Alias of max_completion_tokens.")
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float = Field(1.0, ge=0.0, le=2.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    stop: str | list[str] | None = Field(None, description="Up to 4 stop strings.")
    seed: int | None = None
    n: int = Field(1, ge=1, le=1, description="Only one choice per request.")
    user: str | None = Field(None, description="Ignored by language models (never logged); "
                             "the session id for assistant:NAME models.")

    def limit(self, default: int, ceiling: int) -> int:
        """The token budget asked for (LAI-E810 above the server's ceiling)."""
        asked = self.max_completion_tokens or self.max_tokens or default
        if asked > ceiling:
            raise LeptonError(E.E810, what=f"max_tokens={asked}",
                              why=f"this server generates at most {ceiling} tokens per reply")
        return asked

    def sampling(self) -> dict[str, Any]:
        """Temperature, top-p, stop strings and seed for the generator."""
        stops = [self.stop] if isinstance(self.stop, str) else list(self.stop or [])
        if len(stops) > 4:
            raise LeptonError(E.E810, what=f"{len(stops)} stop strings", why="4 at most")
        return {"temperature": self.temperature, "top_p": self.top_p, "stop": tuple(stops),
                "seed": 0 if self.seed is None else self.seed}


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int
    message: AssistantMessage
    finish_reason: Literal["stop", "length"]


class ChatUsage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


class ChatResponse(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: ChatUsage


def _usage(done: Completion) -> dict[str, int]:
    return {"prompt_tokens": done.prompt_tokens, "completion_tokens": done.completion_tokens,
            "total_tokens": done.prompt_tokens + done.completion_tokens}


@router.post("/v1/chat/completions", response_model=ChatResponse,
             summary="Create a chat completion (OpenAI-compatible; stream=true for SSE)",
             responses={200: {"content": {"text/event-stream": {}}}})
async def create_chat_completion(body: ChatRequest, request: Request) -> Any:
    state = request.app.state.lai
    if body.model.startswith(ASSISTANT_PREFIX):
        return await _assistant_completion(body, request)
    service: ChatService = state.chat
    service.check_model(body.model)
    request.scope["lai"]["model"] = service.name
    config = state.config
    max_tokens = body.limit(config.chat_max_tokens, config.chat_max_tokens)
    sampling = body.sampling()
    messages = [message.as_message() for message in body.messages]
    state.check_limits([m["content"] for m in messages])
    reply_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
    if body.stream:
        ticket = service.admit()  # 429 now, before the stream starts; released when it ends
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        events = _released(_events(service.stream(messages, max_tokens, **sampling), reply_id,
                                   created, service.name, include_usage), ticket)
        # A stream dropped before its first step never runs its finally: release then too.
        weakref.finalize(events, ticket.release)
        return StreamingResponse(events, media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache"})
    with service.admitted():
        done = await service.complete(messages, max_tokens, **sampling)
    return JSONBytes({
        "id": reply_id, "object": "chat.completion", "created": created, "model": service.name,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": done.text.strip()},
                     "finish_reason": done.finish_reason}],
        "usage": _usage(done)})


#: ``model="assistant:NAME"`` talks to the knowledge-base assistant NAME.
ASSISTANT_PREFIX = "assistant:"


async def _assistant_completion(body: ChatRequest, request: Request) -> Any:
    """The assistant as a chat model: the last user message is the turn; ``user`` is
    the session id (without it each request is a new conversation). The reply's
    citations, confidence and hand-over travel in the extra ``lepton`` field."""
    state = request.app.state.lai
    name = body.model[len(ASSISTANT_PREFIX):]
    assistant = state.assistant(name)
    request.scope["lai"]["model"] = body.model
    if body.stream:
        raise LeptonError(E.E810, what="stream=true with an assistant model",
                          why="assistant replies are decided whole; send stream=false")
    users = [m.as_message()["content"] for m in body.messages if m.role == "user"]
    if not users:
        raise LeptonError(E.E903, index=len(body.messages) - 1, got="no user message")
    state.check_limits([users[-1]])
    reply = await state.admitted("assistant", lambda: assistant.reply(users[-1], body.user))
    return JSONBytes({
        "id": f"chatcmpl-{reply.turn_id}", "object": "chat.completion",
        "created": int(time.time()), "model": body.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.answer},
                     "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "lepton": {key: value for key, value in reply.as_json().items() if key != "answer"}})


async def _released(events: AsyncIterator[bytes], ticket: Ticket) -> AsyncIterator[bytes]:
    try:
        async for event in events:
            yield event
    finally:
        ticket.release()


def _sse(data: Any) -> bytes:
    return b"data: " + orjson.dumps(data) + b"\n\n"


async def _events(pieces: AsyncIterator[str | Completion], reply_id: str, created: int,
                  model: str, include_usage: bool) -> AsyncIterator[bytes]:
    """OpenAI's chunk events: the role, the content pieces, the finish reason,
    optionally the usage, then ``[DONE]``. An error mid-stream is sent as an event."""
    head = {"id": reply_id, "object": "chat.completion.chunk", "created": created,
            "model": model}

    def chunk(delta: dict[str, str], finish: str | None = None) -> bytes:
        return _sse({**head, "choices": [{"index": 0, "delta": delta,
                                          "finish_reason": finish}]})

    yield chunk({"role": "assistant", "content": ""})
    try:
        async for item in pieces:
            if isinstance(item, Completion):
                yield chunk({}, item.finish_reason)
                if include_usage:
                    yield _sse({**head, "choices": [], "usage": _usage(item)})
            else:
                yield chunk({"content": item})
    except LeptonError as error:
        yield _sse(lepton_error_body(error))
    yield b"data: [DONE]\n\n"
