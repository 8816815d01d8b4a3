"""Prometheus metrics and structured access logs.

The access log is one JSON line per request: request id, method, route,
status, latency, model and error code. Request bodies, texts, query strings
and API keys are never logged.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import secrets
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from lepton_ai.serve.batcher import BatchStats

ACCESS_LOG = logging.getLogger("lepton_ai.serve.access")

#: Set (to an empty folder) before the server processes start, it makes their
#: metrics one set: each process writes its values there and ``/metrics`` sums them.
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)


def multiprocess() -> bool:
    """Whether this process shares its metrics with sibling processes."""
    return MULTIPROCESS_ENV in os.environ


class Metrics:
    """The server's Prometheus metrics, in a registry of its own (shared with the
    other worker processes when :func:`multiprocess`)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "lai_requests", "HTTP requests answered.", ["route", "model", "status"],
            registry=self.registry)
        self.latency = Histogram(
            "lai_request_seconds", "Time to answer a request.", ["route", "model"],
            buckets=LATENCY_BUCKETS, registry=self.registry)
        self.batch_items = Histogram(
            "lai_batch_items", "Texts per model call.", ["batcher"],
            buckets=BATCH_BUCKETS, registry=self.registry)
        self.batch_requests = Histogram(
            "lai_batch_requests", "Requests sharing one model call.", ["batcher"],
            buckets=BATCH_BUCKETS, registry=self.registry)
        self.batch_seconds = Histogram(
            "lai_batch_seconds", "Time of one batched model call.", ["batcher"],
            buckets=LATENCY_BUCKETS, registry=self.registry)
        self.queue_depth = Gauge(
            "lai_queue_texts", "Texts waiting in a batcher's queue.", ["batcher"],
            registry=self.registry, multiprocess_mode="livesum")
        self.rejected = Counter(
            "lai_rejected_requests", "Requests refused or dropped.", ["route", "reason"],
            registry=self.registry)
        self.errors = Counter(
            "lai_errors", "Error answers by code.", ["route", "code"], registry=self.registry)
        self.load_seconds = Gauge(
            "lai_model_load_seconds", "Time to load and warm a model.", ["model", "version"],
            registry=self.registry, multiprocess_mode="livemax")
        self.drift = Gauge(
            "lai_drift_psi", "Population stability index of a served model's recent "
            "predictions (signal=prediction) or input lengths (signal=input_length) against "
            "its training data; above 0.25 reads as a shift.", ["model", "version", "signal"],
            registry=self.registry, multiprocess_mode="livemax")
        self.drift_observed = Gauge(
            "lai_drift_observed_texts", "Texts a served model version has predicted on.",
            ["model", "version"], registry=self.registry, multiprocess_mode="livesum")

    def batch_observer(self, batcher: str, queued: Callable[[], int]) -> Any:
        """A callback that records one batcher's batches and its queue after each."""
        items = self.batch_items.labels(batcher)
        requests = self.batch_requests.labels(batcher)
        seconds = self.batch_seconds.labels(batcher)
        depth = self.queue_depth.labels(batcher)

        def observe(stats: BatchStats) -> None:
            items.observe(stats.items)
            requests.observe(stats.requests)
            seconds.observe(stats.seconds)
            depth.set(queued())

        return observe

    def exposition(self) -> bytes:
        """The Prometheus text of this process, or of every worker process together."""
        if not multiprocess():
            return generate_latest(self.registry)
        from prometheus_client import multiprocess as shared

        registry = CollectorRegistry()
        shared.MultiProcessCollector(registry)
        return generate_latest(registry)

    def process_exit(self) -> None:
        """Drop this process's live gauges from the shared metrics (at shutdown)."""
        if multiprocess():
            from prometheus_client import multiprocess as shared

            shared.mark_process_dead(os.getpid())


class _RequestIds:
    """New request ids: a random per-process prefix and a counter — unique like a
    UUID4 in practice, at a tenth of its cost (no system call per request)."""

    def __init__(self) -> None:
        self.renew()
        os.register_at_fork(after_in_child=self.renew)  # a forked child starts afresh

    def renew(self) -> None:
        self._prefix = secrets.token_hex(8)
        self._numbers = itertools.count()

    def next(self) -> str:
        return f"{self._prefix}{next(self._numbers):016x}"


_new_ids = _RequestIds()


def request_id(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's ``X-Request-ID`` when it is short and plain, else a new one."""
    for key, value in headers:
        if key == b"x-request-id":
            text = value.decode("latin-1")
            if 0 < len(text) <= 64 and all(c.isalnum() or c in "-_." for c in text):
                return text
    return _new_ids.next()


def log_access(record: dict[str, Any]) -> None:
    """Write one access-log line (JSON) if access logging is on."""
    if ACCESS_LOG.isEnabledFor(logging.INFO):
        ACCESS_LOG.info(json.dumps(record, separators=(",", ":")))


class AccessLogFormatter(logging.Formatter):
    """Passes the JSON line through, adding the time."""

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f'{{"time":"{stamp}Z",{record.getMessage()[1:]}'


def configure_logging(access_log: bool) -> None:
    """Send the access log (JSON lines) and server errors to stderr (``lai serve``)."""
    import sys

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(AccessLogFormatter())
    ACCESS_LOG.handlers[:] = [handler]
    ACCESS_LOG.setLevel(logging.INFO if access_log else logging.WARNING)
    ACCESS_LOG.propagate = False
    errors = logging.getLogger("lepton_ai.serve")
    if not errors.handlers:
        errors.addHandler(logging.StreamHandler(sys.stderr))
