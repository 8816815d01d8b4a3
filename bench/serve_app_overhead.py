"""CPU the server app itself spends per one-sentence ``POST /v1/embeddings``.

The ASGI app (middleware, routing, auth, validation, batching, JSON answer) is
called in-process, 32 requests at a time, with the model call replaced by a
constant vector: what is left is the per-request work that shares the two cores
with the model in a real server (uvicorn's HTTP parsing is not included).

    .venv/bin/python bench/serve_app_overhead.py --requests 8000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import code_version, record

KEY = "bench-key"


def build(vector: np.ndarray):  # type: ignore[no-untyped-def]
    from lepton_ai.serve import openai_routes
    from lepton_ai.serve.app import build_app
    from lepton_ai.serve.config import ServeConfig

    openai_routes._embed_with_tokens = lambda items: [(vector, 7) for _ in items]
    app = build_app(ServeConfig(warm=False, access_log=False, api_keys=frozenset({KEY})))
    app.state.lai.ready = True
    return app


async def one_request(app, body: bytes) -> None:  # type: ignore[no-untyped-def]
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
               (b"content-length", str(len(body)).encode()),
               (b"authorization", f"Bearer {KEY}".encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": "/v1/embeddings",
             "raw_path": b"/v1/embeddings", "query_string": b"", "root_path": "",
             "headers": headers, "client": ("127.0.0.1", 1),
             "server": ("127.0.0.1", 8000), "state": {}}
    delivered = False

    async def receive() -> dict:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)  # the client stays connected
        return {"type": "http.disconnect"}

    status: list[int] = []

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    if status != [200]:
        raise RuntimeError(f"answered {status}")


async def measure(app, body: bytes, requests: int, repeats: int,  # type: ignore[no-untyped-def]
                  concurrency: int = 32) -> list[float]:
    """Microseconds of process CPU per request, once per repeat."""
    async def client(count: int) -> None:
        for _ in range(count):
            await one_request(app, body)

    await client(200)  # warm-up
    runs = []
    for _ in range(repeats):
        started = time.process_time()
        await asyncio.gather(*(client(requests // concurrency) for _ in range(concurrency)))
        runs.append((time.process_time() - started) / requests * 1e6)
    await app.state.lai.close()
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=8000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import uvloop

    app = build(np.ones(384, dtype=np.float32))
    body = json.dumps({"input": "A man is playing a guitar on the street.",
                       "model": "all-MiniLM-L6-v2", "encoding_format": "base64"}).encode()
    runs = uvloop.run(measure(app, body, args.requests, args.repeats))
    result = {"what": "app CPU per 1-sentence embeddings request (model replaced)",
              "us_per_request": round(statistics.median(runs), 1),
              "runs": [round(r, 1) for r in runs], "code": code_version()}
    record("serve_app_overhead", result)


if __name__ == "__main__":
    main()
