"""Runtimes that turn a padded batch of token ids into token vectors.

A runtime has one job: ``forward(input_ids, attention_mask) -> last_hidden_state``
as NumPy arrays. Tokenization, batching and pooling live in
:mod:`lepton_ai.models.encoders`, so every runtime behaves identically around it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Protocol

import numpy as np

from lepton_ai.dependencies import require
from lepton_ai.models.onnx_cache import SLOW_FUSIONS
from lepton_ai.settings import settings

#: With ``settings.release_arena`` (servers), a run over more tokens than this (batch ×
#: padded length) hands its arena memory back when it ends. ONNX Runtime's arena
#: otherwise keeps the memory of the largest batch a session ever ran: +133 MB for
#: MiniLM after one batch of 16 × 256 tokens, per model, for the life of a server.
#: Smaller runs (most served requests) keep the arena's speed; larger ones pay ~8%
#: (``bench/ort_arena_shrink.py``), which is why batch jobs, whose process ends
#: anyway, leave it off.
SHRINK_AFTER_TOKENS = 1024
#: A lone call goes to the multi-threaded session only when one thread would take at
#: least this long (by precision). Below it, handing half of each operator to a second
#: thread costs more than it saves, and the second session (~28 MB for int8 MiniLM) is
#: never built. MiniLM on a 2-core Xeon with VNNI, one thread vs two
#: (``bench/lone_threads.py``): int8 1 x 16 tokens 1.17 vs 1.57 ms, 1 x 64 3.5 vs 3.9,
#: 1 x 128 7.6 vs 7.1, 1 x 256 18.6 vs 14.1; fp32 gains at every size (1 x 16: 3.5 vs
#: 2.8 ms): int8's per-operator quantization of the activations does not split.
LONE_THREADS_FROM_MS = {"int8": 6.0, "fp32": 0.0}


class Runtime(Protocol):
    """What an encoder needs from a backend."""

    #: e.g. ``"onnx-fp32"``, ``"onnx-int8"``, ``"torch"``.
    name: str
    #: how many threads may call :meth:`forward` at once.
    workers: int

    def forward(
        self, input_ids: np.ndarray, attention_mask: np.ndarray, *, alone: bool = False
    ) -> np.ndarray:
        """Token vectors, shape (batch, length, hidden), float32.

        ``alone`` says this batch is the whole call (a lone request): the runtime
        may then spread one batch over several threads to cut latency.
        """
        ...


class OnnxRuntime:
    """ONNX Runtime sessions tuned for throughput and for lone requests.

    Throughput: one session with single-threaded kernels is shared by ``workers``
    threads (``InferenceSession.run`` is thread-safe), each running whole batches,
    so no thread barrier sits between operators and a busy core slows one worker
    only. Lone requests (a call that is one batch) long enough to gain from it (one
    thread would take ``LONE_THREADS_FROM_MS`` or more, at the pace this runtime's
    single-threaded runs have shown; any fp32 call): a second session, created on
    first use, spreads each operator over ``workers`` threads with spinning off —
    measured faster than one thread both on a quiet and on a busy machine, where
    spinning threads made it slower (docs/benchmarks.md).
    """

    def __init__(self, model_file: Path, workers: int, name: str = "onnx-fp32") -> None:
        require("onnxruntime", "the ONNX runtime", "onnxruntime==1.32.0")
        self._model_file = model_file
        self.name = name
        self.workers = max(1, workers)
        self._session = self._open(threads=1)
        self._inputs = {i.name for i in self._session.get_inputs()}
        self._lone_session: object | None = None
        self._lock = threading.Lock()
        #: Milliseconds per token of the single-threaded session (0.0: none run yet).
        self._ms_per_token = 0.0
        # The names say the precision: onnx-int8, onnx-int8-weights, onnx-fp32.
        self._lone_from_ms = LONE_THREADS_FROM_MS["int8" if "int8" in name else "fp32"]
        import onnxruntime as ort

        self._shrink = ort.RunOptions()
        self._shrink.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    @property
    def model_file(self) -> Path:
        """The ONNX file this runtime runs (``lai export`` copies it)."""
        return self._model_file

    @property
    def input_names(self) -> frozenset[str]:
        """The model's input names (``token_type_ids`` is not in every model)."""
        return frozenset(self._inputs)

    def _open(self, threads: int):  # type: ignore[no-untyped-def]
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(
            str(self._model_file), options, providers=["CPUExecutionProvider"],
            disabled_optimizers=list(SLOW_FUSIONS),
        )

    def _session_for(self, alone: bool, tokens: int):  # type: ignore[no-untyped-def]
        if (not alone or self.workers == 1
                or self._ms_per_token * tokens < self._lone_from_ms):
            return self._session
        if self._lone_session is None:
            with self._lock:
                if self._lone_session is None:
                    self._lone_session = self._open(threads=self.workers)
        return self._lone_session

    def forward(
        self, input_ids: np.ndarray, attention_mask: np.ndarray, *, alone: bool = False
    ) -> np.ndarray:
        feed = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        tokens = int(input_ids.size)
        options = self._shrink if settings.release_arena and tokens > SHRINK_AFTER_TOKENS \
            else None
        session = self._session_for(alone, tokens)
        if session is not self._session:
            return session.run(None, feed, options)[0]
        started = time.perf_counter()
        hidden = session.run(None, feed, options)[0]
        self._observe(tokens, time.perf_counter() - started)
        return hidden

    def _observe(self, tokens: int, seconds: float) -> None:
        """Follow the single-threaded pace (a moving average: a busy spell passes).
        Threads race on it harmlessly: any recent pace will do."""
        if tokens <= 0:
            return
        pace = 1000 * seconds / tokens
        self._ms_per_token = pace if not self._ms_per_token else \
            0.8 * self._ms_per_token + 0.2 * pace


class TorchRuntime:
    """transformers ``AutoModel`` in eval mode (the backend training builds on).

    torch parallelises inside each operator with its own thread pool, so batches
    run one at a time (``workers = 1``) with ``threads`` torch threads.
    """

    def __init__(self, folder: Path, threads: int) -> None:
        require("torch", "the torch backend", "torch==2.13.0")
        require("transformers", "the torch backend", "transformers==5.23.0")
        from lepton_ai.settings import enforce_offline

        enforce_offline()
        import torch
        from transformers.utils import logging as hf_logging

        from lepton_ai.models.pruned_heads import load_transformer

        hf_logging.disable_progress_bar()
        torch.set_num_threads(max(1, threads))
        self._torch = torch
        self.model = load_transformer(Path(folder)).eval()
        self._uses_token_types = getattr(self.model.config, "type_vocab_size", 0) > 0
        self._lock = threading.Lock()
        self.name = "torch"
        self.workers = 1

    def forward(
        self, input_ids: np.ndarray, attention_mask: np.ndarray, *, alone: bool = False
    ) -> np.ndarray:
        torch = self._torch
        ids = torch.from_numpy(input_ids)
        extra = {"token_type_ids": torch.zeros_like(ids)} if self._uses_token_types else {}
        with self._lock, torch.inference_mode():
            out = self.model(
                input_ids=ids, attention_mask=torch.from_numpy(attention_mask), **extra
            )
        return out.last_hidden_state.float().numpy()
