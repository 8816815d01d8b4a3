"""A small closed-loop HTTP load generator, bounded in requests and time, 127.0.0.1 only.

Raw asyncio streams with keep-alive HTTP/1.1: about 30 µs of client CPU per
request, so the generator takes little from the two cores the servers share.
Each of ``concurrency`` connections sends its next request as soon as the
previous answer arrives (what "concurrency 32" means for every contender).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

HOST = "127.0.0.1"


@dataclass
class LoadResult:
    """Latencies (seconds) of answered requests and the count of each status."""

    seconds: float
    latencies: list[float] = field(default_factory=list)  # of 200 answers
    rejected_latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    failures: int = 0  # connections closed or refused

    def summary(self, texts_per_request: int) -> dict[str, float | int | dict[str, int]]:
        ok = self.statuses.get(200, 0)
        lat = np.asarray(self.latencies) * 1000 if self.latencies else np.zeros(1)
        return {
            "requests": sum(self.statuses.values()), "ok": ok,
            "req_per_s": round(ok / self.seconds, 1),
            "texts_per_s": round(ok * texts_per_request / self.seconds, 1),
            "p50_ms": round(float(np.percentile(lat, 50)), 2),
            "p99_ms": round(float(np.percentile(lat, 99)), 2),
            "max_ms": round(float(lat.max()), 2),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "failures": self.failures,
        }


def post_request(path: str, body: dict, headers: dict[str, str] | None = None) -> bytes:
    """The bytes of one HTTP/1.1 keep-alive POST with a JSON body."""
    payload = json.dumps(body).encode()
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}", "Content-Type: application/json",
             f"Content-Length: {len(payload)}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, float]:
    """(status, Retry-After seconds or 0) of one answer, its body read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    retry_after = 0.0
    chunked = False
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        key = key.strip().lower()
        if key == b"content-length":
            length = int(value)
        elif key == b"retry-after":
            retry_after = float(value)
        elif key == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, retry_after


async def run_load(port: int, make_request: Callable[[int], bytes], *, concurrency: int,
                   duration_s: float, max_requests: int,
                   honour_retry_after: bool = True, think_s: float = 0.0) -> LoadResult:
    """Closed-loop load: ``concurrency`` connections, until time or requests run out.

    ``think_s``: a pause after each answer (a person reading and typing: uniform
    between half and one and a half times it), and a random start within it; 0
    sends the next request at once.

    Like well-behaved clients (the ``openai`` client among them), a connection
    told 429/503 with Retry-After waits that long before its next request.
    """
    counter = itertools.count()
    result = LoadResult(seconds=0.0)
    stop_at = time.perf_counter() + duration_s

    async def connection() -> None:
        reader = writer = None
        if think_s:  # people do not all arrive at the same instant
            await asyncio.sleep(random.uniform(0, think_s))
        while time.perf_counter() < stop_at:
            number = next(counter)
            if number >= max_requests:
                return
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                assert reader is not None
                started = time.perf_counter()
                writer.write(make_request(number))
                status, retry_after = await _read_answer(reader)
                result.latencies.append(time.perf_counter() - started)
                result.statuses[status] += 1
                if status != 200:
                    result.rejected_latencies.append(result.latencies.pop())
                if honour_retry_after and retry_after:
                    await asyncio.sleep(min(retry_after, stop_at - time.perf_counter()))
                elif think_s:
                    await asyncio.sleep(think_s * (0.5 + random.random()))
            except (OSError, asyncio.IncompleteReadError, ValueError):
                result.failures += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.05)
        if writer is not None:
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (MB)."""
    import psutil

    try:
        process = psutil.Process(pid)
        total = process.memory_info().rss + sum(
            child.memory_info().rss for child in process.children(recursive=True))
    except psutil.NoSuchProcess:
        return 0.0
    return total / 2**20
