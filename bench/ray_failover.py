"""Chaos: a two-node Ray cluster serving `lai serve --ray` loses a node under load (issue 25).

    .venv/bin/python bench/ray_failover.py [--seconds 60] [--kill-at 20] [--rejoin-at 35]

Two Ray nodes on this machine, each its own raylet process with one CPU, bound to
127.0.0.1 (``ray.cluster_utils.Cluster``, Ray's own multi-node harness). ``lai serve
--ray --ray-address ... --min-replicas 2 --max-replicas 2 --replica-cpus 1`` places one
replica on each node (the HTTP proxy runs on the head node only: both nodes share one
address, so two proxies could not bind the same port). Eight clients post embedding
requests without pause; at ``--kill-at`` seconds the worker node is killed (its raylet
and every process on it, SIGKILL), and at ``--rejoin-at`` a new node joins. Measured:
the error rate (goal < 1%), how long after the kill errors went on (goal: the service
recovers within 10 s), and how long until the second replica ran again on the new node.
Other processes' load is measured for 5 s before the cluster starts (during the run,
Ray's own processes would count as others). Appends a JSON line to bench/results/ray_failover.jsonl.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from _common import LoadMeter, code_version, record, stsb_sentences
from defaults_memory import free_port

LAI = Path(sys.executable).with_name("lai")
LOOPBACK = "127.0.0.1"
CLIENTS = 8


def replicas_running() -> int:
    """Running replicas of the lai serve deployment (0 while it is not deployed)."""
    from ray import serve

    try:
        status = serve.status()
    except Exception:  # the controller is starting or moving
        return 0
    total = 0
    for application in status.applications.values():
        for deployment in application.deployments.values():
            total += deployment.replica_states.get("RUNNING", 0)
    return total


def wait_for(condition, timeout: float, what: str) -> float:  # type: ignore[no-untyped-def]
    """Seconds until ``condition()`` holds (SystemExit naming ``what`` after ``timeout``)."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > timeout:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.25)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--kill-at", type=float, default=20.0)
    parser.add_argument("--rejoin-at", type=float, default=35.0)
    args = parser.parse_args()
    import ray
    from ray import serve
    from ray.cluster_utils import Cluster

    with LoadMeter([os.getpid()]) as before:  # Ray's own processes would count as others
        time.sleep(5.0)
    node = {"num_cpus": 1, "node_ip_address": LOOPBACK}
    cluster = Cluster(initialize_head=True,
                      head_node_args={**node, "include_dashboard": False})
    worker = cluster.add_node(**node)
    port = free_port()
    ray.init(address=cluster.address, log_to_driver=False)
    serve.start(proxy_location="HeadOnly", http_options={"host": LOOPBACK, "port": port})
    server = subprocess.Popen(
        [str(LAI), "serve", "--ray", "--ray-address", cluster.address, "--port", str(port),
         "--min-replicas", "2", "--max-replicas", "2", "--replica-cpus", "1",
         "--no-access-log"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True)
    url = f"http://{LOOPBACK}:{port}"
    try:
        wait_for(lambda: replicas_running() == 2, 600, "two running replicas")
        wait_for(lambda: _ready(url), 120, "/readyz")
        sentences = stsb_sentences(500)
        outcomes: list[tuple[float, int]] = []  # (seconds since start, status; 0: dropped)
        lock = threading.Lock()
        started = time.monotonic()
        stop_at = started + args.seconds

        def client(offset: int) -> None:
            with httpx.Client(base_url=url, timeout=30) as session:
                number = offset
                while time.monotonic() < stop_at:
                    sent = time.monotonic() - started
                    text = sentences[number % len(sentences)]
                    number += CLIENTS
                    try:
                        status = session.post("/v1/embeddings", json={
                            "input": [text], "model": "all-MiniLM-L6-v2"}).status_code
                    except httpx.HTTPError:
                        status = 0
                    with lock:
                        outcomes.append((sent, status))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        time.sleep(max(0.0, started + args.kill_at - time.monotonic()))
        killed_at = time.monotonic() - started
        cluster.remove_node(worker, allow_graceful=False)
        time.sleep(max(0.0, started + args.rejoin_at - time.monotonic()))
        rejoined_at = time.monotonic() - started
        cluster.add_node(**node)
        restored_s = wait_for(lambda: replicas_running() == 2, 300, "the second replica")
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        serve.shutdown()
        ray.shutdown()
        cluster.shutdown()
    failed = [(t, status) for t, status in outcomes if status != 200]
    after_kill = [t for t, _ in failed if t >= killed_at]
    record("ray_failover", {
        "seconds": args.seconds, "clients": CLIENTS, "requests": len(outcomes),
        "errors": len(failed), "error_pct": round(100 * len(failed) / max(1, len(outcomes)), 3),
        "statuses": _counts(status for _, status in outcomes),
        "killed_at_s": round(killed_at, 1),
        "errors_went_on_s": round(max(after_kill) - killed_at, 2) if after_kill else 0.0,
        "ok_per_s_before_kill": _rate(outcomes, 5.0, killed_at),
        "ok_per_s_one_node": _rate(outcomes, killed_at + 2, rejoined_at),
        "rejoined_at_s": round(rejoined_at, 1),
        "second_replica_back_s": round(restored_s, 1),
        "other_cores_before": round(before.foreign_cores, 2), "code": code_version()})


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _counts(statuses) -> dict[str, int]:  # type: ignore[no-untyped-def]
    found: dict[str, int] = {}
    for status in statuses:
        found[str(status)] = found.get(str(status), 0) + 1
    return found


def _rate(outcomes: list[tuple[float, int]], start: float, end: float) -> float:
    answered = sum(1 for t, status in outcomes if start <= t < end and status == 200)
    return round(answered / max(1e-9, end - start), 1)


if __name__ == "__main__":
    main()
