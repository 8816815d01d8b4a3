"""The server on the real packaged models: same results as Python, OpenAI client, overload."""

from __future__ import annotations

import asyncio
import base64
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import httpx
import numpy as np
import pytest
from fastapi.testclient import TestClient

import lepton_ai as lai
from lepton_ai.serve import ServeConfig, build_app

from .serve_process import answered_on_scrape, running_server

TEXTS = ["The bank approved my loan quickly.", "The hotel room was dirty and loud.",
         "Tim Cook met Angela Merkel in Berlin.", "我很喜欢这部电影。"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(build_app(ServeConfig())) as test_client:
        yield test_client


def test_embeddings_equal_lai_embed_in_float_and_base64(client: TestClient) -> None:
    expected = lai.embed(TEXTS[:3], lang="en")
    floats = client.post("/v1/embeddings", json={"input": TEXTS[:3], "model": "all-MiniLM-L6-v2"})
    assert floats.status_code == 200
    body = floats.json()
    assert body["model"] == "all-MiniLM-L6-v2" and body["usage"]["prompt_tokens"] > 10
    got = np.array([item["embedding"] for item in body["data"]], dtype=np.float32)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    packed = client.post("/v1/embeddings", json={"input": TEXTS[0], "model": "minilm",
                                                  "encoding_format": "base64"}).json()
    vector = np.frombuffer(base64.b64decode(packed["data"][0]["embedding"]), dtype="<f4")
    np.testing.assert_allclose(vector, expected[0], atol=1e-5)


def test_concurrent_requests_are_batched_and_get_the_unbatched_results() -> None:
    app = build_app(ServeConfig(warm=True))
    sentences = [f"sentence number {i} about {topic}" for i, topic in
                 enumerate(["banks", "hotels", "football", "music"] * 6)]
    alone = lai.embed(sentences, lang="en")

    async def main() -> list[np.ndarray]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                answers = await asyncio.gather(*(
                    http.post("/v1/embeddings", json={"input": s, "model": "minilm"})
                    for s in sentences))
                metrics = (await http.get("/metrics")).text
        assert 'lai_batch_requests_count{batcher="embeddings:all-MiniLM-L6-v2"}' in metrics
        batches = float(metrics.split(
            'lai_batch_requests_count{batcher="embeddings:all-MiniLM-L6-v2"} ')[1].split()[0])
        assert batches < len(sentences)  # some requests shared a model call
        return [np.array(a.json()["data"][0]["embedding"], np.float32) for a in answers]

    vectors = np.stack(asyncio.run(main()))
    np.testing.assert_allclose(vectors, alone, atol=1e-5)


def test_concurrent_english_and_chinese_embed_requests_keep_their_own_model() -> None:
    # Batched together, a Chinese request used to turn the English ones multilingual.
    app = build_app(ServeConfig(warm=False))
    english = [f"sentence number {i} about banks" for i in range(8)]
    chinese = [f"关于银行的第{i}句话" for i in range(8)]

    async def main() -> list[dict]:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                answers = await asyncio.gather(*(
                    http.post("/v1/embed", json={"input": text}) for pair in
                    zip(english, chinese, strict=True) for text in pair))
        return [answer.json() for answer in answers]

    found = asyncio.run(main())
    assert [body["model"] for body in found] == ["all-MiniLM-L6-v2", "use-multilingual-v3"] * 8
    np.testing.assert_allclose(np.array([found[i]["data"] for i in range(0, 16, 2)]),
                               lai.embed(english), atol=1e-5)
    np.testing.assert_allclose(np.array([found[i]["data"] for i in range(1, 16, 2)]),
                               lai.embed(chinese), atol=1e-5)


@pytest.mark.parametrize(("route", "options", "call"), [
    ("sentiment", {}, lambda texts: lai.sentiment(texts)),
    ("ner", {}, lambda texts: lai.ner(texts)),
    ("keywords", {"k": 3}, lambda texts: lai.keywords(texts, 3)),
    ("classify", {"labels": ["finance", "travel", "politics"]},
     lambda texts: lai.classify(texts, labels=["finance", "travel", "politics"])),
    ("classify", {"labels": ["finance", "travel"], "model": "minilm"},
     lambda texts: lai.classify(texts, labels=["finance", "travel"], model="minilm")),
    ("analyze", {"topics": ["finance", "travel"]},
     lambda texts: lai.analyze(texts, topics=["finance", "travel"])),
])
def test_task_routes_give_the_python_results(client: TestClient, route: str, options: dict,
                                             call: object) -> None:
    answer = client.post(f"/v1/{route}", json={"input": TEXTS, "options": options})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["task"] == f"{route}.v1"
    expected = call(TEXTS)  # type: ignore[operator]

    def plain(value: object) -> object:
        if isinstance(value, list):
            return [plain(v) for v in value]
        return asdict(value)  # type: ignore[call-overload]

    assert _rounded(body["data"]) == _rounded(plain(expected))


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, (list, tuple)):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def test_openai_client_works_unchanged_against_lai_serve() -> None:
    from openai import NotFoundError, OpenAI

    with running_server("--api-key", "sk-local") as base:
        openai = OpenAI(base_url=f"{base}/v1", api_key="sk-local")
        created = openai.embeddings.create(model="all-MiniLM-L6-v2", input=TEXTS[:2])
        got = np.array([item.embedding for item in created.data], dtype=np.float32)
        np.testing.assert_allclose(got, lai.embed(TEXTS[:2], lang="en"), atol=1e-5)
        assert "all-MiniLM-L6-v2" in {model.id for model in openai.models.list()}
        with pytest.raises(NotFoundError, match="LAI-E805"):
            openai.embeddings.create(model="text-embedding-3-small", input="hi")
        remote = lai.Client(base, api_key="sk-local")
        np.testing.assert_allclose(remote.embed(TEXTS[0]), lai.embed(TEXTS[0], lang="en"),
                                   atol=1e-5)
        assert remote.sentiment(TEXTS[:2]) == lai.sentiment(TEXTS[:2])
        # Every declared task has its Client method, with the Python results and types.
        assert remote.embed(TEXTS[:2]).model == "all-MiniLM-L6-v2"
        assert remote.embed("今天天气很好").model == "use-multilingual-v3"
        assert remote.language(TEXTS) == lai.language(TEXTS)
        assert remote.relations(TEXTS[2]) == lai.relations(TEXTS[2])
        assert remote.summarize(TEXTS[:2], method="extractive", max_sentences=1) == \
            lai.summarize(TEXTS[:2], method="extractive", max_sentences=1)
        unknown = remote.answer("What is the capital of Mars?", documents=["Cards cost 5 euros."])
        assert unknown == lai.answer("What is the capital of Mars?",
                                     documents=["Cards cost 5 euros."])


def test_openai_client_chats_with_the_packaged_model_whole_and_streamed() -> None:
    from openai import OpenAI

    question = [{"role": "user", "content": "What is the capital of France? One word."}]
    with running_server() as base:
        openai = OpenAI(base_url=f"{base}/v1", api_key="unused")
        assert "smollm2-135m-instruct" in {model.id for model in openai.models.list()}
        reply = openai.chat.completions.create(model="smollm2-135m-instruct",
                                               messages=question, temperature=0, max_tokens=16)
        text = reply.choices[0].message.content
        assert text == lai.chat(question, max_tokens=16)
        assert "paris" in text.lower() and reply.usage.completion_tokens > 0
        pieces = [chunk.choices[0].delta.content or "" for chunk in
                  openai.chat.completions.create(model="smollm2-135m-instruct",
                                                 messages=question, temperature=0,
                                                 max_tokens=16, stream=True)
                  if chunk.choices]
        assert len(pieces) > 2 and "".join(pieces).strip() == text


def test_overload_is_answered_429_or_503_and_the_server_stays_up() -> None:
    with running_server("--max-queue", "16", "--timeout", "2") as base:
        port = int(base.rsplit(":", 1)[1])

        async def hammer() -> Counter[int]:
            limits = httpx.Limits(max_connections=200)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as http:
                body = {"input": ["a longer sentence to keep the encoder busy " * 8] * 8,
                        "model": "minilm"}
                answers = await asyncio.gather(
                    *(http.post("/v1/embeddings", json=body) for _ in range(300)))
            return Counter(a.status_code for a in answers)

        statuses = asyncio.run(hammer())
        assert set(statuses) <= {200, 429, 503}, statuses
        assert statuses[429] > 0 and statuses[200] > 0
        assert httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200
        after = httpx.post(f"{base}/v1/embeddings", json={"input": "hi", "model": "minilm"})
        assert after.status_code == 200


def test_several_worker_processes_serve_one_api_with_shared_metrics_and_admin() -> None:
    trained = Path(lai.__file__).parent / "defaults" / "sentiment" / "goemotions-minilm"
    with running_server("--workers", "2", "--api-key", "k", "--admin-key", "a",
                        f"sst@1={trained}") as base:
        headers = {"Authorization": "Bearer k"}
        admin = {"Authorization": "Bearer a"}
        answers = [httpx.post(f"{base}/v1/sentiment", json={"input": TEXTS[1]},
                              headers=headers) for _ in range(4)]
        assert {a.status_code for a in answers} == {200}
        assert answers[0].json()["data"]["label"] == lai.sentiment(TEXTS[1]).label
        assert httpx.get(f"{base}/v1/models").status_code == 401
        # Each scrape, whichever worker answers it, counts the requests of both.
        for _ in range(6):
            assert answered_on_scrape(base, "/v1/sentiment", headers) == 4
        refused = httpx.post(f"{base}/admin/models/sst/versions", headers=headers, timeout=60,
                             json={"path": str(trained), "version": "2"})
        assert refused.status_code == 401  # an API key is not an admin key
        loaded = httpx.post(f"{base}/admin/models/sst/versions", headers=admin, timeout=60,
                            json={"path": str(trained), "version": "2"})
        assert loaded.status_code == 200
        time.sleep(2.5)  # the other worker replays the journal within a second
        # Fresh connections, spread over both workers by the kernel.
        currents = {httpx.get(f"{base}/admin/models", headers=admin).json()[0]["current"]
                    for _ in range(12)}
        assert currents == {"2"}
