"""Soak: `lai serve` under mixed traffic for an hour (issue 25): memory and errors.

    .venv/bin/python bench/soak_mixed.py [--minutes 60] [--concurrency 4] [--think 0.25]

One server with the packaged defaults answers, from ``--concurrency`` keep-alive
connections on 127.0.0.1 (closed loop, each client pausing ``--think`` seconds on
average between an answer and its next request: steady traffic, not saturation,
where the server rightly refuses work with 429), a rotating mix: embeddings (1-4 sentences),
sentiment, entities, key phrases and a chat reply of at most 16 tokens (the packaged
SmolLM2), over STS-B sentences. The server's resident memory (its process and
children) is sampled every minute. Goals: no error (any answer but 200 and 429, or a
dropped connection; 429s, the server refusing work it could not start within
``--max-queue-seconds``, are counted apart with their route from /metrics) and
resident memory growing less than 5% from
the fifth minute (after the model runtimes' arenas and the chat model's caches are
allocated once) to the end. Appends a JSON line to bench/results/soak_mixed.jsonl.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
from collections import Counter

from _common import LoadMeter, code_version, record, stsb_sentences
from _loadgen import post_request, rss_mb, run_load
from defaults_memory import free_port, start_server

#: Minutes of warm-up before the memory baseline is taken.
BASELINE_MINUTE = 5
#: The packaged chat model (GET /v1/models).
CHAT_MODEL = "smollm2-135m-instruct"


def mixed_requests(sentences: list[str]):  # type: ignore[no-untyped-def]
    """Request ``n`` of the rotation (path, bytes), and the route it goes to."""
    routes = ("embeddings", "embeddings", "sentiment", "ner", "embeddings", "keywords",
              "sentiment", "chat")

    def make(number: int) -> tuple[str, bytes]:
        route = routes[number % len(routes)]
        text = sentences[number % len(sentences)]
        if route == "embeddings":
            start = number % (len(sentences) - 4)
            body = {"input": sentences[start:start + 1 + number % 4],
                    "model": "all-MiniLM-L6-v2"}
            return route, post_request("/v1/embeddings", body)
        if route == "chat":
            body = {"model": CHAT_MODEL,
                    "messages": [{"role": "user", "content": f"In one line: {text}"}],
                    "max_tokens": 16}
            return route, post_request("/v1/chat/completions", body)
        return route, post_request(f"/v1/{route}", {"input": text})

    return make


def refusals(port: int) -> dict[str, float]:
    """``lai_rejected_requests_total`` from the server's /metrics, by route and reason."""
    import httpx

    found: dict[str, float] = {}
    for line in httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text.splitlines():
        if line.startswith("lai_rejected_requests_total{"):
            labels, value = line.rsplit(" ", 1)
            found[labels.removeprefix("lai_rejected_requests_total")] = float(value)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--think", type=float, default=0.25,
                        help="seconds each client pauses between answers (mean)")
    args = parser.parse_args()
    sentences = stsb_sentences(2000)
    port = free_port()
    server = start_server(["--port", str(port), "--no-access-log"], port)
    make = mixed_requests(sentences)
    sent: Counter[str] = Counter()

    def request(number: int) -> bytes:
        route, payload = make(number)
        sent[route] += 1
        return payload

    async def soak() -> tuple[object, list[float]]:
        samples = [rss_mb(server.pid)]

        async def sampler() -> None:
            while True:
                await asyncio.sleep(60)
                samples.append(rss_mb(server.pid))
                print(f"minute {len(samples) - 1}: {samples[-1]:.1f} MB", flush=True)

        task = asyncio.create_task(sampler())
        result = await run_load(port, request, concurrency=args.concurrency,
                                duration_s=args.minutes * 60, max_requests=10**9,
                                think_s=args.think)
        task.cancel()
        samples.append(rss_mb(server.pid))
        return result, samples

    try:
        with LoadMeter([os.getpid(), server.pid]) as load:
            started = time.perf_counter()
            result, samples = asyncio.run(soak())
            seconds = time.perf_counter() - started
        refused = refusals(port)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    summary = result.summary(1)  # type: ignore[attr-defined]
    base = samples[min(BASELINE_MINUTE, len(samples) - 1)]
    statuses = result.statuses  # type: ignore[attr-defined]
    # 429 is the server refusing work it could not start within --max-queue-seconds
    # (counted, by route and reason, apart); anything else but 200 is an error.
    errors = sum(count for status, count in statuses.items() if status not in (200, 429))
    errors += result.failures  # type: ignore[attr-defined]
    record("soak_mixed", {
        "minutes": round(seconds / 60, 1), "concurrency": args.concurrency,
        "think_s": args.think,
        "requests_by_route": dict(sent), **summary, "errors": errors,
        "refused_429": statuses.get(429, 0),
        "refused_by_route": refused, "rss_mb_samples": [round(v, 1) for v in samples],
        "rss_growth_pct_from_minute_5": round(100 * (samples[-1] - base) / base, 2),
        "rss_growth_pct_from_start": round(100 * (samples[-1] - samples[0]) / samples[0], 2),
        "other_cores": round(load.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
