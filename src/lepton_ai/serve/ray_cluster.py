"""What Ray batch jobs and Ray Serve share: joining or starting Ray, and handing the
driver's settings to the worker processes."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError


def start_ray(address: str | None, cpus: float | None = None, *, purpose: str,
              requirement: str = "'lepton-ai[ray]' (ray[data,serve]==2.60.0)") -> Any:
    """Connect to the cluster at ``address`` (or ``$RAY_ADDRESS``), or start a small local
    Ray with ``cpus`` CPUs (LAI-E106 naming ``requirement`` when Ray is not installed).

    Without an address Ray would also try the cluster recorded in
    ``/tmp/ray/ray_current_cluster``, and hang when that cluster is gone; ``"local"``
    starts a new one, as documented.
    """
    if importlib.util.find_spec("ray") is None:
        raise LeptonError(E.E106, package="ray", purpose=purpose, requirement=requirement)
    import logging

    import ray

    logging.getLogger("ray").setLevel(logging.WARNING)  # Ray logs every stage at INFO
    if not ray.is_initialized():
        address = address or os.environ.get("RAY_ADDRESS") or None
        ray.init(address=address or "local", num_cpus=None if address else cpus,
                 include_dashboard=False, log_to_driver=False,
                 configure_logging=False, ignore_reinit_error=True)
    return ray


def driver_settings() -> dict[str, Any]:
    """The settings workers take over from the driver (precision, cache, batching),
    so results do not depend on which process made them."""
    from lepton_ai.settings import settings

    return {"precision": settings.precision, "cache_dir": str(settings.cache_dir),
            "token_budget": settings.token_budget, "max_batch_size": settings.max_batch_size}


def adopt_settings(values: dict[str, Any], threads: int) -> None:
    """In a worker: take over the driver's ``values`` and run kernels on ``threads``."""
    from lepton_ai.settings import settings

    settings.precision = values["precision"]
    settings.cache_dir = Path(values["cache_dir"])
    settings.token_budget = values["token_budget"]
    settings.max_batch_size = values["max_batch_size"]
    settings.threads = max(1, threads)
    settings.show_progress = False
