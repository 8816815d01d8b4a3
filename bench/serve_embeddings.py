"""Served embeddings: `lai serve` against Infinity (ONNX and torch), LitServe and a naive server.

Every contender serves all-MiniLM-L6-v2 from the same packaged folder (Infinity's
ONNX engine gets our exported fp32 graph beside it, the same model). Each runs
in its own process, one at a time, order alternating per round; the load
generator (bench/_loadgen.py) targets 127.0.0.1 only and is bounded in requests
and time. Scenarios: 1 sentence per request at concurrency 1 and 32, and 16
sentences per request at concurrency 32. Foreign CPU load (processes other than
the server and this script) is recorded per scenario.

    .venv/bin/python bench/serve_embeddings.py --rounds 3
    .venv/bin/python bench/serve_embeddings.py --contenders lai --overload 60
    .venv/bin/python bench/serve_embeddings.py --contenders lai,lai-ray,lai-ray2 --rounds 2
    .venv/bin/python bench/serve_embeddings.py --contenders "lai,lai:--pipelines 2" --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CLOCK_TICKS, LoadMeter, code_version, record, stsb_sentences
from _loadgen import post_request, rss_mb, run_load

ROOT = Path(__file__).resolve().parents[1]
PEERS = ROOT / ".venv-peers" / "bin"
LAI = ROOT / ".venv" / "bin" / "lai"


@dataclass
class Contender:
    name: str
    command: Callable[[int], list[str]]
    health: str
    path: str
    body: Callable[[list[str]], dict]
    cwd: Path | None = None


def peer_model_folder() -> Path:
    """The packaged MiniLM folder plus our exported fp32 ONNX graph (for Infinity's engine)."""
    from lepton_ai.models.loader import prepare
    from lepton_ai.models.registry import resolve
    from lepton_ai.settings import settings

    source = resolve("all-MiniLM-L6-v2").path()
    folder = settings.cache_dir / "bench" / "minilm-with-onnx"
    if not (folder / "model.onnx").exists():
        folder.mkdir(parents=True, exist_ok=True)
        for item in source.iterdir():
            target = folder / item.name
            if not target.exists():
                target.symlink_to(item)
        shutil.copy(prepare("all-MiniLM-L6-v2")["fp32"].file, folder / "model.onnx")
    return folder


def lai_contender(name: str, *extra: str) -> Contender:
    """``lai serve`` with ``extra`` options, asked for the packaged MiniLM."""
    return Contender(name, lambda port: [str(LAI), "serve", "--port", str(port),
                                         "--no-access-log", *extra],
                     "/readyz", "/v1/embeddings",
                     lambda texts: {"input": texts, "model": "all-MiniLM-L6-v2"})


def contenders(folder: Path) -> dict[str, Contender]:
    def infinity(engine: str) -> Callable[[int], list[str]]:
        # Infinity finds a local folder's ONNX file only by a path relative to the
        # folder itself, so it runs inside the folder with --model-id "." (see cwd).
        return lambda port: [str(PEERS / "infinity_emb"), "v2", "--model-id", ".",
                             "--served-model-name", "minilm", "--engine", engine,
                             "--device", "cpu", "--batch-size", "32", "--port", str(port),
                             "--host", "127.0.0.1"]

    infinity_body = lambda texts: {"input": texts, "model": "minilm"}  # noqa: E731
    return {
        "lai": lai_contender("lai"),
        "lai-p1": lai_contender("lai-p1", "--pipelines", "1"),
        "lai-p2": lai_contender("lai-p2", "--pipelines", "2"),
        "lai-b2048": lai_contender("lai-b2048", "--max-batch-tokens", "2048"),
        "lai-b4096": lai_contender("lai-b4096", "--max-batch-tokens", "4096"),
        # Ray Serve: one replica on both cores, or two single-core replicas.
        "lai-ray": lai_contender("lai-ray", "--ray", "--max-replicas", "1",
                                 "--replica-cpus", "2"),
        "lai-ray2": lai_contender("lai-ray2", "--ray", "--min-replicas", "2",
                                  "--max-replicas", "2"),
        "infinity-onnx": Contender("infinity-onnx", infinity("optimum"), "/health",
                                   "/embeddings", infinity_body, cwd=folder),
        "infinity-torch": Contender("infinity-torch", infinity("torch"), "/health",
                                    "/embeddings", infinity_body, cwd=folder),
        "litserve": Contender("litserve", lambda port: [
            str(PEERS / "python"), str(ROOT / "bench/peers/litserve_server.py"),
            "--model", str(folder), "--port", str(port)], "/health", "/predict",
            lambda texts: {"input": texts}),
        "naive": Contender("naive", lambda port: [
            str(PEERS / "python"), str(ROOT / "bench/peers/naive_server.py"),
            "--model", str(folder), "--port", str(port)], "/health", "/embed",
            lambda texts: {"input": texts}),
    }


def start(contender: Contender, port: int) -> subprocess.Popen:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
           "INFINITY_ANONYMOUS_USAGE_STATS": "0", "DO_NOT_TRACK": "1"}
    process = subprocess.Popen(contender.command(port), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, env=env, start_new_session=True,
                               cwd=contender.cwd)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{contender.name} exited: "
                               f"{process.stderr.read().decode()[-1500:]}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"http://127.0.0.1:{port}{contender.health}", timeout=1).status_code \
                    == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(process)
    raise RuntimeError(f"{contender.name} did not start")


def stop(process: subprocess.Popen) -> None:
    import signal

    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(process.pid, signal.SIGKILL)


def server_pids(pid: int) -> list[int]:
    import psutil

    try:
        return [pid, *(c.pid for c in psutil.Process(pid).children(recursive=True))]
    except psutil.NoSuchProcess:
        return [pid]


def scenario(contender: Contender, port: int, process: subprocess.Popen, sentences: list[str],
             *, per_request: int, concurrency: int, seconds: float) -> dict:
    def make(number: int) -> bytes:
        start = (number * per_request) % (len(sentences) - per_request)
        return post_request(contender.path, contender.body(sentences[start:start + per_request]))

    # Warm-up at the same shape, not measured.
    asyncio.run(run_load(port, make, concurrency=concurrency, duration_s=2.0,
                         max_requests=10_000))
    main_before = main_thread_ticks(process.pid)
    with LoadMeter([*server_pids(process.pid), os.getpid()]) as meter:
        result = asyncio.run(run_load(port, make, concurrency=concurrency,
                                      duration_s=seconds, max_requests=200_000))
    main_ms = (main_thread_ticks(process.pid) - main_before) / CLOCK_TICKS * 1000
    return {**result.summary(per_request), "foreign_cores": round(meter.foreign_cores, 2),
            "rss_mb": round(rss_mb(process.pid), 1),
            # CPU of the server's main thread (the event loop for lai) per request.
            "main_thread_ms_per_request": round(main_ms / max(1, sum(result.statuses.values())), 3)}


def main_thread_ticks(pid: int) -> int:
    """User + system clock ticks of a process's main thread (/proc, Linux)."""
    fields = Path(f"/proc/{pid}/task/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat


SCENARIOS = (("c1_x1", 1, 1, 8.0), ("c32_x1", 1, 32, 12.0), ("c32_x16", 16, 32, 12.0))


def in_process_rate(sentences: list[str], seconds: float = 20.0, call_size: int = 512) -> float:
    """lai.embed sentences/s in a fresh process, on the same sentences (the 85% goal),
    in calls of ``call_size`` sentences."""
    code = (
        "import time, lepton_ai as lai, json, sys\n"
        "s = json.load(sys.stdin)\n"
        "lai.embed(s[:64], lang='en')\n"
        "n, t0 = 0, time.perf_counter()\n"
        f"while time.perf_counter() - t0 < {seconds}:\n"
        f"    for i in range(0, len(s), {call_size}):\n"
        f"        lai.embed(s[i:i + {call_size}], lang='en'); n += len(s[i:i + {call_size}])\n"
        f"        if time.perf_counter() - t0 > {seconds}: break\n"
        "print(n / (time.perf_counter() - t0))\n"
    )
    import json

    out = subprocess.run([str(ROOT / ".venv/bin/python"), "-c", code], input=json.dumps(
        sentences), capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def overload(port: int, process: subprocess.Popen, contender: Contender, sentences: list[str],
             seconds: float, concurrency: int) -> dict:
    """Far more concurrent clients than capacity for ``seconds``; then a normal request."""
    def make(number: int) -> bytes:
        start = (number * 16) % (len(sentences) - 16)
        return post_request(contender.path, contender.body(sentences[start:start + 16]))

    with LoadMeter([*server_pids(process.pid), os.getpid()]) as meter:
        result = asyncio.run(run_load(port, make, concurrency=concurrency, duration_s=seconds,
                                      max_requests=10_000_000))
    peak = rss_mb(process.pid)
    time.sleep(1.0)
    after = asyncio.run(run_load(port, lambda n: post_request(
        contender.path, contender.body(sentences[n:n + 1])), concurrency=1, duration_s=3.0,
        max_requests=1000))
    return {"overload": result.summary(16), "foreign_cores": round(meter.foreign_cores, 2),
            "rss_mb_after_overload": round(peak, 1), "after": after.summary(1)}


def soak(port: int, process: subprocess.Popen, contender: Contender, sentences: list[str],
         seconds: float) -> dict:
    """Steady load (concurrency 8, 1-4 sentences) for ``seconds``; RSS sampled each minute."""
    def make(number: int) -> bytes:
        size = 1 + number % 4
        start = (number * 4) % (len(sentences) - 4)
        return post_request(contender.path, contender.body(sentences[start:start + size]))

    async def sampled() -> tuple[object, list[float]]:
        samples = [rss_mb(process.pid)]

        async def sampler() -> None:
            while True:
                await asyncio.sleep(60)
                samples.append(rss_mb(process.pid))

        task = asyncio.create_task(sampler())
        result = await run_load(port, make, concurrency=8, duration_s=seconds,
                                max_requests=100_000_000)
        task.cancel()
        samples.append(rss_mb(process.pid))
        return result, samples

    result, samples = asyncio.run(sampled())
    # Growth is measured from the first minute on: the first batches of each shape
    # allocate ONNX Runtime's arenas once.
    base = samples[1] if len(samples) > 2 else samples[0]
    return {"soak": result.summary(1), "rss_mb_samples": [round(v, 1) for v in samples],
            "rss_growth_pct_after_first_minute": round(100 * (samples[-1] - base) / base, 2)}


def custom_lai(name: str) -> Contender:
    """``lai:--flag value ...``: lai serve with extra options (e.g. ``lai:--pipelines 2``)."""
    if not name.startswith("lai:"):
        raise SystemExit(f"unknown contender {name!r}; known: lai, lai:OPTIONS, the peers")
    return lai_contender(name, *name.removeprefix("lai:").split())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--contenders", default="lai,infinity-onnx,infinity-torch,litserve,naive")
    parser.add_argument("--overload", type=float, default=0.0,
                        help="Also run an overload phase of this many seconds (lai only).")
    parser.add_argument("--overload-concurrency", type=int, default=256)
    parser.add_argument("--in-process-calls", default="512",
                        help="Call sizes for the in-process rate, e.g. 512,32,16.")
    parser.add_argument("--soak", type=float, default=0.0,
                        help="Also run steady load for this many seconds (lai only).")
    args = parser.parse_args()

    # Shuffled once, so every prefix has the same length mix: a faster contender
    # reaching further into the list meets no longer sentences than a slower one.
    sentences = stsb_sentences(2000)
    random.Random(0).shuffle(sentences)
    folder = peer_model_folder()
    table = contenders(folder)
    names = args.contenders.split(",")
    table.update({name: custom_lai(name) for name in names if name not in table})
    for call_size in map(int, args.in_process_calls.split(",")):
        rate = in_process_rate(sentences, call_size=call_size)
        record("serve_embeddings", {"what": "in-process lai.embed", "call_size": call_size,
                                    "sent_per_s": round(rate, 1), "code": code_version()})
    for round_number in range(args.rounds):
        order = names if round_number % 2 == 0 else list(reversed(names))
        for name in order:
            contender = table[name]
            port = 8300 + round_number * 10 + names.index(name)
            try:
                process = start(contender, port)
            except RuntimeError as error:
                record("serve_embeddings", {"contender": name, "round": round_number,
                                            "error": str(error)[-500:]})
                continue
            try:
                for label, per_request, concurrency, seconds in SCENARIOS:
                    result = scenario(contender, port, process, sentences,
                                      per_request=per_request, concurrency=concurrency,
                                      seconds=seconds)
                    record("serve_embeddings", {"contender": name, "round": round_number,
                                                "scenario": label, **result,
                                                "code": code_version()})
                if args.soak and name == "lai":
                    record("serve_embeddings", {"contender": name, "round": round_number,
                                                "scenario": "soak", **soak(
                                                    port, process, contender, sentences,
                                                    args.soak), "code": code_version()})
                if args.overload and name == "lai":
                    result = overload(port, process, contender, sentences, args.overload,
                                      args.overload_concurrency)
                    record("serve_embeddings", {"contender": name, "round": round_number,
                                                "scenario": "overload", **result,
                                                "code": code_version()})
            finally:
                stop(process)


if __name__ == "__main__":
    main()
