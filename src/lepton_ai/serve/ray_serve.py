"""``lai serve --ray``: the same app as Ray Serve replicas with autoscaling bounds.

Each replica is a whole ``lai serve`` app (its own models, batching and bounded
queues) built inside the replica process from the driver's :class:`ServeConfig`;
Ray Serve's proxy spreads requests over the replicas and adds or removes replicas
between ``min_replicas`` and ``max_replicas`` as the requests in flight per replica
pass ``target_ongoing_requests``. Beyond ``max_queued_requests`` waiting at the proxy,
Ray Serve answers 503 itself.

On one machine this costs latency and memory and buys nothing (measured in
docs/benchmarks.md); it pays off when ``address`` names a cluster with more nodes.
Replicas share what the service must agree on through files: admin changes
through the admin journal, and metrics through a Prometheus multi-process folder,
so ``/metrics`` from any replica counts every replica on its machine (on a
cluster the folder is per node, so is the total).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.config import ServeConfig
from lepton_ai.serve.ray_cluster import adopt_settings, driver_settings, start_ray

APP_NAME = "lepton-ai"


@dataclass(frozen=True)
class RayServeOptions:
    """Replica bounds and resources of ``lai serve --ray``.

    Attributes:
        min_replicas: replicas kept running when idle (at least 1: models stay warm).
        max_replicas: most replicas under load.
        target_ongoing_requests: requests in flight per replica that autoscaling aims at.
        max_ongoing_requests: most requests one replica holds at once; its own dynamic
            batching needs many in flight to form batches.
        max_queued_requests: requests waiting for a replica before Ray Serve answers 503.
        cpus_per_replica: CPUs reserved for each replica (also its kernel threads).
        address: a Ray cluster to join (None: start a local Ray sized for max_replicas).
    """

    min_replicas: int = 1
    max_replicas: int = 2
    target_ongoing_requests: float = 16.0
    max_ongoing_requests: int = 64
    max_queued_requests: int = 256
    cpus_per_replica: float = 1.0
    address: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.min_replicas <= self.max_replicas:
            raise LeptonError(E.E813, why=f"--min-replicas {self.min_replicas} and "
                              f"--max-replicas {self.max_replicas}")
        if self.cpus_per_replica <= 0 or self.target_ongoing_requests <= 0:
            raise LeptonError(E.E813, why=f"--replica-cpus {self.cpus_per_replica} and "
                              f"target_ongoing_requests {self.target_ongoing_requests}")

    @property
    def local_cpus(self) -> float:
        """CPUs a local Ray needs so that every replica can start."""
        return self.max_replicas * self.cpus_per_replica


class ServeReplica:
    """One Ray Serve replica: builds the ``lai serve`` app in its own process."""

    def __init__(self, config_json: str, values: dict[str, Any], threads: int) -> None:
        import os

        from lepton_ai.serve.observe import MULTIPROCESS_ENV

        adopt_settings(values, threads=threads)
        self._config_json = config_json
        if MULTIPROCESS_ENV in os.environ:  # on another node the driver's folder is new
            os.makedirs(os.environ[MULTIPROCESS_ENV], exist_ok=True)

    def __serve_build_asgi_app__(self) -> Any:
        from lepton_ai.serve.app import app_from_config_json

        return app_from_config_json(self._config_json)


def ray_serve_application(config: ServeConfig, options: RayServeOptions,
                          metrics_folder: Path | None = None) -> Any:
    """The bound Ray Serve application (deploy it with ``ray.serve.run``); replicas
    share their metrics through ``metrics_folder`` when one is given."""
    from ray import serve

    from lepton_ai.serve.observe import MULTIPROCESS_ENV

    actor_options: dict[str, Any] = {"num_cpus": options.cpus_per_replica}
    if metrics_folder is not None:
        actor_options["runtime_env"] = {"env_vars": {MULTIPROCESS_ENV: str(metrics_folder)}}

    deployment = serve.deployment(
        serve.ingress()(ServeReplica),
        name=APP_NAME,
        autoscaling_config={
            "min_replicas": options.min_replicas,
            "max_replicas": options.max_replicas,
            "target_ongoing_requests": options.target_ongoing_requests,
        },
        max_ongoing_requests=options.max_ongoing_requests,
        max_queued_requests=options.max_queued_requests,
        ray_actor_options=actor_options,
        logging_config={"enable_access_log": False},  # ours has request ids, no bodies
    )
    threads = max(1, int(options.cpus_per_replica))
    return deployment.bind(config.to_json(), driver_settings(), threads)


def serve_on_ray(config: ServeConfig, options: RayServeOptions, *,
                 metrics_folder: Path | None = None, blocking: bool = True) -> None:
    """Start Ray Serve on ``config.host:config.port`` and deploy the app.

    With ``blocking`` it serves until Ctrl-C or SIGTERM, then removes the app, stops
    Ray Serve and, when it started a local Ray, Ray too (no processes left behind).
    """
    ray = start_ray(options.address, cpus=options.local_cpus, purpose="lai serve --ray")
    from ray import serve

    serve.start(http_options={"host": config.host, "port": config.port})
    serve.run(ray_serve_application(config, options, metrics_folder), name=APP_NAME,
              route_prefix="/")
    if not blocking:
        return
    try:
        _wait_for_stop_signal()
    finally:
        serve.shutdown()
        if options.address is None:
            ray.shutdown()


def _wait_for_stop_signal() -> None:
    import signal
    import threading

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    stop.wait()
