"""Every model this process has loaded, in one place, within a memory bound.

Encoders, generators, trained classifiers and taggers, and the task models
(sentiment, entities, relations) all go through :data:`LOADED`: Python calls, the
CLI and both servers (FastAPI, Ray Serve replicas) share it. When the models held
pass ``LEPTON_MODEL_MEMORY_MB`` (``settings.model_memory_mb``), the least recently
used are dropped (a later call loads them again); the one just loaded always stays.

Sizes are estimates: the weights' size on disk, which is close to what they take in
memory for float32 weights and an upper bound for quantized ones.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from lepton_ai.settings import settings

T = TypeVar("T")
#: Assumed size of a model whose files are unknown (a lexicon, a rules engine).
UNKNOWN_SIZE_MB = 50.0


@dataclass
class _Entry:
    value: Any
    stamp: object
    size_mb: float


class ModelMemory:
    """Loaded models by key, least recently used dropped past ``limit_mb``."""

    def __init__(self, limit_mb: float | Callable[[], float]) -> None:
        self._limit = limit_mb
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.RLock()

    def load(self, key: Hashable, build: Callable[[], T], *, stamp: object = None,
             size_mb: float | Callable[[], float] | None = None) -> T:
        """The model under ``key``, built (once) by ``build`` when absent.

        ``stamp`` tells whether a held model is still current: a different stamp (a
        folder trained again in place) builds it afresh.
        """
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.stamp == stamp:
                self._entries.move_to_end(key)
                return entry.value  # type: ignore[no-any-return]
            value = build()
            size = size_mb() if callable(size_mb) else size_mb
            self._entries[key] = _Entry(value, stamp, UNKNOWN_SIZE_MB if size is None else size)
            self._entries.move_to_end(key)
            self._evict(keep=key)
            return value

    @property
    def limit_mb(self) -> float:
        """The bound in force (a callable limit is read each time: settings may change)."""
        return float(self._limit() if callable(self._limit) else self._limit)

    def _evict(self, keep: Hashable) -> None:
        while self.held_mb() > self.limit_mb and len(self._entries) > 1:
            oldest = next(iter(self._entries))
            if oldest == keep:  # pragma: no cover - keep is always the newest
                break
            del self._entries[oldest]

    def held_mb(self) -> float:
        """The estimated size of every model held."""
        return sum(entry.size_mb for entry in self._entries.values())

    def held(self) -> list[Hashable]:
        """Keys of the models held, least recently used first."""
        with self._lock:
            return list(self._entries)

    def forget(self, predicate: Callable[[Hashable], bool] = lambda key: True) -> None:
        """Drop the models whose key matches (all by default)."""
        with self._lock:
            for key in [k for k in self._entries if predicate(k)]:
                del self._entries[key]


def files_mb(path: str | Path) -> float | None:
    """Megabytes of a file, or of the weight files in a folder (None when absent)."""
    found = Path(path)
    if found.is_file():
        return found.stat().st_size / 2**20
    if not found.is_dir():
        return None
    suffixes = {".safetensors", ".onnx", ".bin", ".gguf", ".npy", ".npz", ".pt"}
    return sum(p.stat().st_size for p in found.rglob("*") if p.suffix in suffixes) / 2**20


#: The process's one model store.
LOADED = ModelMemory(lambda: settings.model_memory_mb)
