"""Chaos: a two-node Ray cluster on this machine loses a node under load (issue 25).

    .venv/bin/python bench/ray_failover.py [--before 20] [--after 40] [--rejoin 60]

Starts two Ray nodes as separate processes with `ray start` (a head and a worker, one
CPU each, token authentication as Ray sets it up), then `lai serve --ray --ray-address
… --min-replicas 2 --max-replicas 2 --replica-cpus 1`: one replica per node, and Ray
Serve's proxy on each node sharing the port. ``--concurrency`` clients on 127.0.0.1
send sentiment requests without pause; after ``--before`` seconds the worker node's
raylet and every process under it (its replica and proxy) are killed with SIGKILL, as
when a machine dies. The load goes on ``--after`` seconds; then the node is started
again and the load goes on ``--rejoin`` seconds more while the replica comes back.

Reports: requests, errors (any answer but 200, or a dropped connection), the error
rate over the whole run, when the first and last error came after the kill (recovery
= last error − kill), latencies before and after, and when two replicas served again.
Goals: errors < 1%, recovery ≤ 10 s. Appends a JSON line to
bench/results/ray_failover.jsonl. Everything it starts is stopped at the end
(`ray stop --force` stops every Ray process of this machine: run it alone).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record
from defaults_memory import free_port

BIN = Path(sys.executable).parent
#: Ray 2.60 turns token authentication on for a new cluster; every process of the test
#: (both nodes, the server, this script's watcher) must then use the token.
RAY_ENV = {**os.environ, "RAY_AUTH_MODE": "token", "RAY_USAGE_STATS_ENABLED": "0"}
TEXTS = ["The service was quick and friendly.", "Shares fell 5% after the profit warning.",
         "I waited an hour and nobody answered.", "Delivery arrived on time, thanks!"]


def ray_cli(*arguments: str) -> str:
    done = subprocess.run([str(BIN / "ray"), *arguments], env=RAY_ENV, capture_output=True,
                          text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise SystemExit(f"ray {' '.join(arguments)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def raylet_pids() -> set[int]:
    found = subprocess.run(["pgrep", "-f", "ray/core/src/ray/raylet/raylet"],
                           capture_output=True, text=True, check=False).stdout.split()
    return {int(pid) for pid in found}


def start_worker_node(gcs: str) -> int:
    """``ray start`` a worker node; its raylet's pid."""
    before = raylet_pids()
    ray_cli("start", f"--address={gcs}", "--num-cpus=1", "--node-ip-address=127.0.0.1")
    new = raylet_pids() - before
    if len(new) != 1:
        raise SystemExit(f"expected one new raylet, found {sorted(new)}")
    return new.pop()


def kill_tree(pid: int) -> int:
    """SIGKILL ``pid`` and its descendants (a raylet forks the node's workers); how many."""
    import psutil

    process = psutil.Process(pid)
    victims = [*process.children(recursive=True), process]
    for victim in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.kill()
    return len(victims)


class Load:
    """``concurrency`` threads posting sentiment requests, each outcome timestamped."""

    def __init__(self, port: int, concurrency: int) -> None:
        self.url = f"http://127.0.0.1:{port}/v1/sentiment"
        self.outcomes: list[tuple[float, str, float]] = []  # (time, status, seconds)
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True)
                        for n in range(concurrency)]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _client(self, number: int) -> None:
        client = httpx.Client(timeout=30)
        count = number
        while not self.stop.is_set():
            count += 1
            started = time.monotonic()
            try:
                reply = client.post(self.url, json={"input": TEXTS[count % len(TEXTS)]})
                status = str(reply.status_code)
            except httpx.HTTPError as error:
                status = type(error).__name__
                client.close()
                client = httpx.Client(timeout=30)
            with self.lock:
                self.outcomes.append((started, status, time.monotonic() - started))
        client.close()


def replicas_alive() -> int:
    from ray._private import state

    return sum(1 for actor in state.actors().values()
               if actor["State"] == "ALIVE" and actor["ActorClassName"].startswith("ServeReplica"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=float, default=20.0)
    parser.add_argument("--after", type=float, default=40.0)
    parser.add_argument("--rejoin", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    Path("/tmp/ray/ray_current_cluster").unlink(missing_ok=True)
    with LoadMeter([os.getpid()]) as quiet:  # other processes' load, before ours start
        time.sleep(3)
    gcs_port = free_port()
    gcs = f"127.0.0.1:{gcs_port}"
    server = None
    try:
        ray_cli("start", "--head", f"--port={gcs_port}", "--num-cpus=1",
                "--node-ip-address=127.0.0.1", "--include-dashboard=false",
                "--disable-usage-stats")
        worker = start_worker_node(gcs)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "lai"), "serve", "--ray", "--ray-address", gcs, "--min-replicas", "2",
             "--max-replicas", "2", "--replica-cpus", "1", "--port", str(port)],
            env=RAY_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True)
        os.environ.update({k: RAY_ENV[k] for k in ("RAY_AUTH_MODE", "RAY_USAGE_STATS_ENABLED")})
        import ray  # reads RAY_AUTH_MODE when imported

        ray.init(address=gcs, log_to_driver=False, configure_logging=False)
        deadline = time.monotonic() + 300
        while replicas_alive() < 2 or httpx.get(
                f"http://127.0.0.1:{port}/readyz", timeout=5).status_code != 200:
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start two replicas:\n"
                                 + server.stderr.read().decode()[-3000:])  # type: ignore[union-attr]
            time.sleep(1)
        for text in TEXTS * 5:  # both replicas load their models before the clock starts
            httpx.post(f"http://127.0.0.1:{port}/v1/sentiment", json={"input": text}, timeout=60)

        load = Load(port, args.concurrency)
        timeline: list[tuple[float, int]] = []
        began = time.monotonic()
        load.start()
        time.sleep(args.before)
        killed_at = time.monotonic()
        killed = kill_tree(worker)
        while time.monotonic() < killed_at + args.after:
            timeline.append((time.monotonic() - killed_at, replicas_alive()))
            time.sleep(1)
        rejoined_at = time.monotonic()
        start_worker_node(gcs)
        back_after = None
        while time.monotonic() < rejoined_at + args.rejoin:
            alive = replicas_alive()
            timeline.append((time.monotonic() - killed_at, alive))
            if alive >= 2 and back_after is None:
                back_after = time.monotonic() - rejoined_at
            time.sleep(1)
        load.finish()
        ended = time.monotonic()
        outcomes = load.outcomes
        errors = [(t, s) for t, s, _ in outcomes if s != "200"]
        after_kill = [t - killed_at for t, _ in errors if t >= killed_at]

        def latency(start: float, end: float) -> dict[str, float]:
            values = [d * 1000 for t, s, d in outcomes if s == "200" and start <= t < end]
            if not values:
                return {}
            return {"requests": len(values), "p50_ms": round(float(np.percentile(values, 50)), 1),
                    "p99_ms": round(float(np.percentile(values, 99)), 1)}

        kinds: dict[str, int] = {}
        for _, status in errors:
            kinds[status] = kinds.get(status, 0) + 1
        record("ray_failover", {
            "requests": len(outcomes), "errors": len(errors),
            "error_rate_percent": round(100 * len(errors) / max(1, len(outcomes)), 3),
            "error_kinds": kinds, "processes_killed": killed,
            "first_error_after_kill_s": round(min(after_kill), 2) if after_kill else None,
            "recovery_s": round(max(after_kill), 2) if after_kill else 0.0,
            "before_kill": latency(began, killed_at),
            "one_node": latency(killed_at, rejoined_at),
            "after_rejoin": latency(rejoined_at, ended),
            "two_replicas_again_after_rejoin_s": (round(back_after, 1) if back_after is not None
                                                  else None),
            "replicas_timeline": timeline[::5],
            "seconds": round(ended - began, 1), "concurrency": args.concurrency,
            "foreign_cpu_cores_before_start": round(quiet.foreign_cores, 2),
            "code": code_version(),
        })
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        subprocess.run([str(BIN / "ray"), "stop", "--force"], env=RAY_ENV,
                       capture_output=True, check=False, timeout=120)
        Path("/tmp/ray/ray_current_cluster").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
