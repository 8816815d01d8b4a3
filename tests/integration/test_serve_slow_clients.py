"""Slow, stalled and oversized clients against a real ``lai serve`` (loopback, bounded in
time): stalled heads are closed, stalled bodies get 408, chunked bodies count against the
size limit, and other clients are served meanwhile."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlparse

import httpx

from .serve_process import running_server

LIMITS = ("--header-timeout", "2", "--body-timeout", "2", "--max-body-bytes", "20000")


def connect(base: str) -> socket.socket:
    url = urlparse(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(65536) == b""
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def answer(sock: socket.socket) -> tuple[int, dict]:
    sock.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length"))
    while len(body) < length:
        body += sock.recv(65536)
    return int(head.split(b" ")[1]), json.loads(body)


def test_stalled_heads_are_closed_while_others_are_served() -> None:
    with running_server(*LIMITS) as base:
        stalled = [connect(base) for _ in range(100)]
        for sock in stalled:
            sock.sendall(b"POST /v1/embed HTTP/1.1\r\nHost: x\r\nContent-Type: applic")
        started = time.monotonic()
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200
        assert time.monotonic() - started < 1.0  # not held up by the stalled ones
        assert all(closed_within(sock, 6) for sock in stalled)
        assert time.monotonic() - started < 8
        never_spoke = connect(base)
        assert closed_within(never_spoke, 6)


def test_a_stalled_body_gets_408_and_a_chunked_flood_413() -> None:
    with running_server(*LIMITS) as base:
        sock = connect(base)
        sock.sendall(b"POST /v1/language HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nContent-Length: 100\r\n\r\n{\"input\": ")
        status, body = answer(sock)
        assert status == 408 and body["error"]["code"] == "LAI-E817", body
        sock = connect(base)
        sock.sendall(b"POST /v1/language HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                     b"\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"x" * 4096
        try:
            for _ in range(20):  # 80 kB, past the 20 kB limit
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except (BrokenPipeError, ConnectionResetError):
            pass
        status, body = answer(sock)
        assert status == 413 and body["error"]["code"] == "LAI-E803", body
        metrics = httpx.get(f"{base}/metrics", timeout=10).text
        assert 'code="LAI-E817"' in metrics or "LAI-E817" in metrics
