"""Resident memory of `lai serve` with every default model loaded, English and Chinese.

    .venv/bin/python bench/defaults_memory.py [--source DIR]

Starts `lai serve` on 127.0.0.1, sends one English and one Chinese request to each
understanding task (sentiment, ner, classify, embed, keywords, language, relations,
analyze) so that each loads its default models, then reads the server's resident set
(VmRSS) and its peak (VmHWM) from /proc; then sends 16 texts of ~1,200 characters
(batches at the token budget) to embeddings, sentiment and entities and reads it
again. ``--source`` runs another checkout's code (its ``src`` on PYTHONPATH, e.g. a git
worktree of the previous commit) for a
before/after comparison in the same run; ``--fresh-cache`` starts from an empty model
cache, as a fresh machine does (every model is exported to ONNX on first use).
Appends a JSON line to bench/results/defaults_memory.jsonl. Goal (issue 19): ≤ 600 MB.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import code_version, record

LAI = Path(sys.executable).parent / "lai"
TEXTS = ["Shares of Apple fell 5% after the profit warning in Berlin on Monday.",
         "招商银行股价今日大跌，马云于1999年在杭州创办了阿里巴巴集团。"]
REQUESTS = {
    "sentiment": {}, "ner": {}, "embed": {}, "keywords": {}, "language": {},
    "classify": {"labels": ["finance", "sports"]}, "relations": {}, "analyze": {},
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(arguments: list[str], port: int, env: dict[str, str] | None = None,
                 timeout_s: float = 180) -> subprocess.Popen[bytes]:
    """``lai serve ARGUMENTS`` in a new session, returned once /readyz answers 200
    (its stderr's end is raised when it dies or is not ready in time)."""
    server = subprocess.Popen([str(LAI), "serve", *arguments], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit(server.stderr.read().decode()[-3000:])  # type: ignore[union-attr]
        time.sleep(0.5)


def memory_mb(pid: int) -> dict[str, float]:
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: round(int(fields[name].split()[0]) / 1024, 1) for name in ("VmRSS", "VmHWM")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="another checkout to measure")
    parser.add_argument("--fresh-cache", action="store_true",
                        help="an empty model cache: the server exports every model to ONNX "
                        "(a first start on a fresh machine)")
    args = parser.parse_args()
    env = dict(os.environ)
    if args.source:
        env["PYTHONPATH"] = str(args.source.resolve() / "src")
    fresh = tempfile.TemporaryDirectory(prefix="lai-cache-") if args.fresh_cache else None
    if fresh is not None:
        env["LEPTON_CACHE_DIR"] = fresh.name
    port = free_port()
    began = time.monotonic()
    server = start_server(["--port", str(port)], port, env, timeout_s=600)
    ready_s = round(time.monotonic() - began, 1)
    base = f"http://127.0.0.1:{port}"
    try:
        started = memory_mb(server.pid)
        answered = {}
        for task, options in REQUESTS.items():
            for text in TEXTS:
                reply = httpx.post(f"{base}/v1/{task}",
                                   json={"input": [text], "options": options}, timeout=120)
                answered[f"{task}:{'zh' if text == TEXTS[1] else 'en'}"] = reply.status_code
        loaded = memory_mb(server.pid)
        # Long texts: batches at the token budget, where a runtime's memory arena grows.
        long_texts = [" ".join(TEXTS[0].split() * 20)[:1200] + f" {i}" for i in range(16)]
        for task in ("embed", "sentiment", "ner"):
            reply = httpx.post(f"{base}/v1/{task}", json={"input": long_texts}, timeout=300)
            answered[f"{task}:long"] = reply.status_code
        after_long = memory_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
        if fresh is not None:
            fresh.cleanup()
    record("defaults_memory", {
        "source": str(args.source or "this checkout"), "fresh_cache": args.fresh_cache,
        "ready_s": ready_s,
        "after_start_mb": started,
        "all_defaults_loaded_mb": loaded, "after_16_long_texts_mb": after_long,
        "statuses": answered,
        "code": code_version() if not args.source else str(args.source),
    })


if __name__ == "__main__":
    main()
