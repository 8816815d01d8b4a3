"""``POST /v1/chat/completions`` on a tiny random transformers LM: the OpenAI shapes,
streaming events, limits, admission (429) and cancellation of abandoned streams."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import lepton_ai as lai
from lepton_ai.serve import ServeConfig, build_app
from lepton_ai.serve.chat_service import ChatService, Completion

MESSAGES = [{"role": "system", "content": "good"}, {"role": "user", "content": "the cat sat"}]


@pytest.fixture
def client(tiny_lm_dir: Path) -> Iterator[TestClient]:
    config = ServeConfig(warm=False, chat_model=str(tiny_lm_dir), chat_max_waiting=1,
                         chat_max_tokens=24)
    with TestClient(build_app(config)) as test_client:
        yield test_client


def ask(client: TestClient, **fields: object) -> object:
    return client.post("/v1/chat/completions",
                       json={"model": "tiny-llama", "messages": MESSAGES, **fields})


def events(response: object) -> list[object]:
    lines = [line for line in response.text.split("\n\n") if line]  # type: ignore[attr-defined]
    assert all(line.startswith("data: ") for line in lines)
    assert lines[-1] == "data: [DONE]"
    return [json.loads(line[6:]) for line in lines[:-1]]


def test_a_reply_has_the_openai_shape_and_the_python_text(client: TestClient,
                                                          tiny_lm_dir: Path) -> None:
    answer = ask(client, temperature=0, max_tokens=10)
    assert answer.status_code == 200  # type: ignore[attr-defined]
    body = answer.json()  # type: ignore[attr-defined]
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    assert body["model"] == "tiny-llama"
    choice = body["choices"][0]
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"] == lai.chat(MESSAGES, model=tiny_lm_dir, max_tokens=10)
    assert choice["finish_reason"] == "length"  # the tiny model never ends by itself
    usage = body["usage"]
    assert usage["prompt_tokens"] > 5 and usage["completion_tokens"] >= 10
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_streamed_pieces_add_up_to_the_whole_reply(client: TestClient) -> None:
    whole = ask(client, temperature=0, max_tokens=10).json()  # type: ignore[attr-defined]
    streamed = ask(client, temperature=0, max_tokens=10, stream=True,
                   stream_options={"include_usage": True})
    assert streamed.headers["content-type"].startswith("text/event-stream")  # type: ignore[attr-defined]
    chunks = events(streamed)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text.strip() == whole["choices"][0]["message"]["content"]
    finals = [c for c in chunks if c["choices"] and c["choices"][0]["finish_reason"]]
    assert [c["choices"][0]["finish_reason"] for c in finals] == ["length"]
    assert chunks[-1]["choices"] == [] and chunks[-1]["usage"] == whole["usage"]
    assert all(c["object"] == "chat.completion.chunk" and c["id"] == chunks[0]["id"]
               for c in chunks)


def test_the_chat_model_is_listed(client: TestClient) -> None:
    ids = {card["id"] for card in client.get("/v1/models").json()["data"]}
    assert "tiny-llama" in ids and "all-MiniLM-L6-v2" in ids


@pytest.mark.parametrize(("fields", "status", "code"), [
    ({"model": "gpt-4o"}, 404, "LAI-E805"),
    ({"n": 2}, 422, "LAI-E810"),
    ({"max_tokens": 25}, 422, "LAI-E810"),
    ({"stop": ["a", "b", "c", "d", "e"]}, 422, "LAI-E810"),
    ({"messages": []}, 422, "LAI-E810"),
    ({"messages": [{"role": "robot", "content": "hi"}]}, 422, "LAI-E810"),
])
def test_requests_the_server_cannot_honour_get_coded_errors(
        client: TestClient, fields: dict, status: int, code: str) -> None:
    answer = ask(client, **fields)
    assert answer.status_code == status  # type: ignore[attr-defined]
    assert answer.json()["error"]["code"] == code  # type: ignore[attr-defined]


def test_text_parts_and_the_developer_role_are_understood(client: TestClient) -> None:
    answer = client.post("/v1/chat/completions", json={
        "model": "tiny-llama", "max_tokens": 4,
        "messages": [{"role": "developer", "content": "good"},
                     {"role": "user", "content": [{"type": "text", "text": "the cat"}]}]})
    assert answer.status_code == 200


def test_a_full_line_is_answered_429_with_retry_after(client: TestClient) -> None:
    held = client.app.state.lai.chat.admit()  # type: ignore[attr-defined]
    try:
        for stream in (False, True):
            answer = ask(client, max_tokens=4, stream=stream)
            assert answer.status_code == 429  # type: ignore[attr-defined]
            assert answer.json()["error"]["code"] == "LAI-E801"  # type: ignore[attr-defined]
            assert int(answer.headers["retry-after"]) >= 1  # type: ignore[attr-defined]
    finally:
        held.release()
    assert ask(client, max_tokens=4).status_code == 200  # type: ignore[attr-defined]
    assert client.app.state.lai.chat.waiting == 0  # type: ignore[attr-defined]


def test_an_abandoned_stream_stops_generating(tiny_lm_dir: Path) -> None:
    service = ChatService(str(tiny_lm_dir), max_waiting=2, timeout_s=120)

    async def scenario() -> float:
        stream = service.stream(MESSAGES, 20_000, temperature=0.0)
        pieces = [await anext(stream), await anext(stream)]
        assert all(isinstance(p, str) for p in pieces)
        await stream.aclose()  # what a disconnected client does
        started = time.monotonic()
        # One worker thread: this waits for the abandoned generation unless it stopped.
        done = await asyncio.wait_for(service.complete(MESSAGES, 3, temperature=0.0), 20)
        assert isinstance(done, Completion)
        return time.monotonic() - started

    try:
        assert asyncio.run(scenario()) < 20
    finally:
        service.close()
