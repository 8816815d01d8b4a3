"""Start ``lai serve`` as a real process on a free port, for end-to-end tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_server(*arguments: str, ready_timeout: float = 300.0) -> Iterator[str]:
    """Yield the base URL of a ``lai serve`` process started with ``arguments``.

    On a fresh model cache the server prepares the shipped task models (merges and
    ONNX exports in a child process) before it is ready: ~50 s on 2 quiet cores.
    """
    port = free_port()
    lai = Path(sys.executable).with_name("lai")
    process = subprocess.Popen(
        [str(lai), "serve", "--port", str(port), "--no-access-log", *arguments],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"lai serve exited: {process.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=1.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        else:
            raise RuntimeError("lai serve did not become ready")
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def answered_on_scrape(base: str, route: str, headers: dict[str, str] | None = None) -> float:
    """Requests to ``route`` answered 200, as one ``/metrics`` scrape counts them."""
    scrape = httpx.get(f"{base}/metrics", headers=headers, timeout=30).text
    return sum(float(line.rsplit(" ", 1)[1]) for line in scrape.splitlines()
               if line.startswith("lai_requests_total{")
               and f'route="{route}"' in line and 'status="200"' in line)
