"""What one running server holds: config, metrics, models, batchers, worker threads."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.admin_journal import AdminChanges, journal_for
from lepton_ai.serve.admission import Admission
from lepton_ai.serve.batcher import DynamicBatcher, estimated_tokens
from lepton_ai.serve.chat_service import ChatService
from lepton_ai.serve.config import ServeConfig
from lepton_ai.serve.models import LoadedModel, ModelTable, load_model
from lepton_ai.serve.observe import Metrics
from lepton_ai.text.hygiene import checked_text

#: Work that holds a worker per request and is not batched, each kind with its own
#: bounded line: (the config field with its limit, what the 429 calls it, about how
#: long one holds its worker — the Retry-After).
LINES = {"assistant": ("assistant_max_waiting", "assistant turns", 0.02),
         "monitor": ("monitor_max_waiting", "monitor batches", 0.5),
         "recommend": ("recommend_max_waiting", "recommendations", 0.005),
         "search": ("search_max_waiting", "searches", 0.005)}


@dataclass
class ServerState:
    """Shared by every route of one app (``app.state.lai``)."""

    config: ServeConfig
    metrics: Metrics = field(default_factory=Metrics)
    models: ModelTable = field(default_factory=ModelTable)
    ready: bool = False
    started: float = field(default_factory=time.time)
    _batchers: dict[str, DynamicBatcher] = field(default_factory=dict)
    _executor: ThreadPoolExecutor | None = None
    _chat: ChatService | None = None
    _admin: AdminChanges | None = None
    _training: Any = None
    assistants: dict[str, Any] = field(default_factory=dict)
    monitors: dict[str, Any] = field(default_factory=dict)
    recommenders: dict[str, Any] = field(default_factory=dict)
    indexes: dict[str, Any] = field(default_factory=dict)
    _uncertain: Any = None
    _exports: Any = None
    _lines: dict[str, Admission] = field(default_factory=dict)

    @property
    def admin(self) -> AdminChanges:
        """Load / switch / roll back, shared with the service's other processes."""
        if self._admin is None:
            self._admin = AdminChanges(journal_for(self.config.admin_journal), self.models,
                                       on_load=self._record_load)
        return self._admin

    def _record_load(self, loaded: LoadedModel) -> None:
        self.metrics.load_seconds.labels(loaded.name, loaded.version).set(loaded.load_seconds)

    @property
    def chat(self) -> ChatService:
        """The language model behind ``/v1/chat/completions`` (loaded on first use)."""
        if self._chat is None:
            self._chat = ChatService(self.config.chat_model, self.config.chat_max_waiting,
                                     self.config.chat_timeout_s)
        return self._chat

    @property
    def executor(self) -> ThreadPoolExecutor:
        """Worker threads for model calls, shared by all routes."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(self.config.threads,
                                                thread_name_prefix="lai-serve")
        return self._executor

    def batcher(self, key: str, predict: Callable[[list[Any]], Sequence[Any]]) -> DynamicBatcher:
        """The batcher of ``key`` (created on first use), items being (text, ...) tuples."""
        if key not in self._batchers:
            batcher = DynamicBatcher(
                key, predict, self.executor, self.config.batching,
                cost=lambda item: estimated_tokens(item[0]), pipelines=self.config.pipelines)
            batcher.on_batch = self.metrics.batch_observer(key, lambda: batcher.queued_items)
            self._batchers[key] = batcher
        return self._batchers[key]

    def backlog_seconds(self) -> float:
        """Estimated seconds of queued work across every batcher (they share the cores)."""
        return sum(batcher.estimated_wait() for batcher in self._batchers.values())

    def queue_depths(self) -> None:
        """Refresh the queue-depth gauge of every batcher and the drift gauges of every
        served model (before a metrics scrape)."""
        for key, batcher in self._batchers.items():
            self.metrics.queue_depth.labels(key).set(batcher.queued_items)
        for loaded in self.models.loaded():
            if loaded.drift is None:
                continue
            figures = loaded.drift.describe()
            self.metrics.drift_observed.labels(loaded.name, loaded.version).set(
                figures["observed"] or 0)
            for signal in ("prediction", "input_length"):
                value = figures[f"{signal}_psi"]
                if value is not None:
                    self.metrics.drift.labels(loaded.name, loaded.version, signal).set(value)

    def check_texts(self, texts: list[str]) -> list[str]:
        """The request's texts through the one door: the per-request limits
        (LAI-E806/E807, answered 413), then :func:`~lepton_ai.text.hygiene.checked_text`
        (empty texts and lone surrogates refused, 422; control characters blanked)."""
        self.check_limits(texts)
        return [checked_text(text, index) for index, text in enumerate(texts)]

    @property
    def training(self) -> Any:
        """Uploads and training runs of the console (``serve/training_jobs.py``)."""
        if self._training is None:
            from lepton_ai.serve.training_jobs import TrainingJobs

            self._training = TrainingJobs(self.config.data_dir)
        return self._training

    @property
    def exports(self) -> Any:
        """Zipped ``lai export`` bundles of served versions (``serve/model_exports``)."""
        if self._exports is None:
            from lepton_ai.serve.model_exports import ModelExports

            self._exports = ModelExports(self.config.data_dir)
        return self._exports

    def assistant(self, name: str) -> Any:
        """The served assistant ``name`` (LAI-E1008 names the served ones)."""
        return _served(self.assistants, name, E.E1008)

    def monitor(self, name: str) -> Any:
        """The served monitor ``name`` (LAI-E1105 names the served ones)."""
        return _served(self.monitors, name, E.E1105)

    def recommender(self, name: str) -> Any:
        """The served recommender ``name`` (LAI-E1205 names the served ones)."""
        return _served(self.recommenders, name, E.E1205)

    @property
    def uncertain(self) -> Any:
        """The least-sure texts of production traffic (``serve/annotation_queue``), or
        None when the server keeps none (``--annotation-queue 0``)."""
        if self._uncertain is None and self.config.annotation_queue > 0:
            from lepton_ai.serve.annotation_queue import UncertainQueue
            from lepton_ai.settings import settings

            redact = None
            if settings.privacy_mode:
                from lepton_ai.tasks.redact import redact as redact_texts

                def redact(text: str) -> str:
                    return str(redact_texts(text).text)

            self._uncertain = UncertainQueue(self.config.annotation_queue, redact)
        return self._uncertain

    def keep_uncertain(self, model: str, version: str, texts: list[str],
                       results: list[Any]) -> None:
        """Offer a served classifier's predictions to the annotation queue, on the worker
        threads and without waiting: the answer never waits for it."""
        queue = self.uncertain
        if queue is not None:
            self.executor.submit(queue.offer, model, version, texts, results
                                 ).add_done_callback(_log_failure)

    def index(self, name: str) -> Any:
        """The served search index ``name`` (LAI-E409 names the served ones)."""
        return _served(self.indexes, name, E.E409)

    def line(self, kind: str) -> Admission:
        """The admission line of one kind of unbatched work (:data:`LINES`)."""
        if kind not in self._lines:
            limit, what, seconds_each = LINES[kind]
            self._lines[kind] = Admission(getattr(self.config, limit), what, seconds_each)
        return self._lines[kind]

    async def admitted(self, kind: str, work: Callable[[], Any]) -> Any:
        """Run ``work`` on the worker threads once admitted to the ``kind`` line; 429
        (LAI-E801) when its limit of requests is already in it."""
        with self.line(kind).admitted():
            return await self.run_blocking(work)

    async def watch_drift(self) -> None:
        """Every ``drift_check_s``: send a notice to ``drift_webhook`` (and the log) for
        each served model whose drift stayed shifted ``drift_hold_s`` (runs until
        cancelled)."""
        from lepton_ai.serve.drift import DriftAlarm
        from lepton_ai.solutions.monitor.channels import Dispatcher
        from lepton_ai.solutions.monitor.configuration import ChannelConfig

        alarm = DriftAlarm(hold_s=self.config.drift_hold_s)
        dispatcher = Dispatcher([
            ChannelConfig(kind="webhook", url=self.config.drift_webhook,
                          secret_env=self.config.drift_secret_env),
            ChannelConfig(kind="log")])
        try:
            while True:
                await asyncio.sleep(self.config.drift_check_s)
                figures = [(m.name, m.version, m.drift.describe())
                           for m in self.models.loaded() if m.drift is not None]
                for notice in alarm.check(figures, time.time()):
                    dispatcher.send(notice)
        finally:
            dispatcher.close(timeout=5)

    def check_limits(self, texts: list[str]) -> None:
        """The per-request limits alone (LAI-E806/E807, answered 413): chat turns may be
        empty (an assistant turn with no text)."""
        if len(texts) > self.config.max_texts:
            raise LeptonError(E.E806, count=len(texts), limit=self.config.max_texts)
        for index, text in enumerate(texts):
            if len(text) > self.config.max_chars:
                raise LeptonError(E.E807, index=index, length=len(text),
                                  limit=self.config.max_chars)

    async def run_blocking(self, work: Callable[[], Any]) -> Any:
        """Run unbatched work (loading, warming) on the worker threads."""
        return await asyncio.get_running_loop().run_in_executor(self.executor, work)

    def load_configured_models(self) -> None:
        """Load the model directories named at start-up (blocking)."""
        for source in self.config.models:
            loaded = load_model(source.name, source.version, source.path)
            self.models.add(loaded)
            self._record_load(loaded)
        for name, path in self.config.assistants:
            from lepton_ai.solutions.assistant import Assistant

            self.assistants[name] = Assistant(path, name=name)
        for name, path in self.config.recommenders:
            from lepton_ai.solutions.recommend import Recommender

            self.recommenders[name] = Recommender(path)
        for name, path in self.config.indexes:
            from lepton_ai.tasks.search import Index

            self.indexes[name] = Index.load(path)
        for path in self.config.monitors:
            from lepton_ai.solutions.monitor import Monitor

            monitor = Monitor.from_file(path)
            self.monitors[monitor.config.name] = monitor

    def warm_defaults(self) -> None:
        """Load and run the default embedding models once, and make the shipped task
        models' encoders ready to load (merged and exported on a first start, in a child
        process, without loading them here): a first request to them then loads in a
        second or two instead of passing the request deadline (blocking)."""
        from lepton_ai.models.registry import LEPTON_MODEL, TASK_MODELS
        from lepton_ai.tasks.embed import embed
        from lepton_ai.tasks.trained import prepare_encoder

        started = time.perf_counter()
        embed(["warm up"], lang="en")
        self.metrics.load_seconds.labels("embed-en", "default").set(
            time.perf_counter() - started)
        for spec in TASK_MODELS:
            if spec.kind == LEPTON_MODEL and spec.installed:
                prepare_encoder(spec.path())

    async def close(self) -> None:
        """Stop batchers and worker threads."""
        for batcher in self._batchers.values():
            await batcher.close()
        self._batchers.clear()
        if self._chat is not None:
            self._chat.close()
            self._chat = None
        for assistant in self.assistants.values():
            assistant.close()
        for monitor in self.monitors.values():
            monitor.close()
        if self._training is not None:
            self._training.close()
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None


def _log_failure(done: Future[Any]) -> None:
    """Background work that nobody awaits says in the log when it failed (no texts)."""
    error = done.exception()
    if error is not None:
        logging.getLogger("lepton_ai.serve").error(
            "keeping texts for the annotation queue failed: %s", type(error).__name__)


def _served(table: dict[str, Any], name: str, error: E) -> Any:
    """``table[name]``, or ``error`` naming what is served."""
    if name not in table:
        raise LeptonError(error, name=name, served=", ".join(sorted(table)) or "none")
    return table[name]
