"""One settings object for the whole library.

Values come from environment variables ``LEPTON_*`` and may be overridden in code
(``lai.settings.threads = 1``) or by CLI flags. The model runtimes' thread counts are
decided here and nowhere else; the server's dispatch threads (``ServeConfig.threads``)
only hand work to them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _default_cache_dir() -> Path:
    explicit = os.environ.get("LEPTON_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "lepton-ai"


def _default_threads() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        available = os.cpu_count() or 1
    return max(1, available)


@dataclass
class Settings:
    """Process-wide configuration.

    Attributes:
        threads: worker threads for inference. Each worker runs single-threaded
            kernels on its own batch, so a busy core slows only its own worker
            instead of stalling every operator (``LEPTON_THREADS``).
        cache_dir: where exported/quantized ONNX models are cached, keyed by the
            checksum of the source weights (``LEPTON_CACHE_DIR``).
        token_budget: most tokens (batch size × padded length) in one forward pass
            (``LEPTON_TOKEN_BUDGET``).
        max_batch_size: most texts in one forward pass (``LEPTON_MAX_BATCH``).
        precision: default precision of ONNX encoders: ``"auto"`` (int8 on CPUs
            with VNNI/AMX, where it is faster; fp32 elsewhere), ``"int8"`` or
            ``"fp32"`` (exact) (``LEPTON_PRECISION``).
        show_progress: show progress bars on long work (``LEPTON_PROGRESS=0`` hides them).
        model_memory_mb: how much loaded models may take together before the least
            recently used are dropped (``LEPTON_MODEL_MEMORY_MB``; estimated from their
            weight files, see :mod:`lepton_ai.model_memory`).
        privacy_mode: texts that stores keep (conversation logs, monitoring stores,
            training uploads) pass through full redaction, names included, before
            anything is written (``LEPTON_PRIVACY=1``; ``lai serve --redact``).
        export_in_child: export models to ONNX in a child process, so that this one
            never holds torch and a model's torch weights after a first export
            (``LEPTON_EXPORT_IN_CHILD=1``; ``lai serve`` turns it on). A process that
            has not imported torch does so whatever this says.
        release_arena: ONNX runs over many tokens hand their arena memory back when they
            end (``LEPTON_RELEASE_ARENA=1``; ``lai serve`` turns it on): a long-lived
            process then does not keep the memory of its largest batch per model, at
            ~8% of those runs' speed (``models/runtimes.py``).
    """

    threads: int = field(default_factory=lambda: _env_int("LEPTON_THREADS", _default_threads()))
    cache_dir: Path = field(default_factory=_default_cache_dir)
    token_budget: int = field(default_factory=lambda: _env_int("LEPTON_TOKEN_BUDGET", 4096))
    max_batch_size: int = field(default_factory=lambda: _env_int("LEPTON_MAX_BATCH", 16))
    precision: str = field(default_factory=lambda: os.environ.get("LEPTON_PRECISION", "auto"))
    show_progress: bool = field(
        default_factory=lambda: os.environ.get("LEPTON_PROGRESS", "1") not in ("0", "false")
    )
    model_memory_mb: int = field(
        default_factory=lambda: _env_int("LEPTON_MODEL_MEMORY_MB", 4096))
    privacy_mode: bool = field(
        default_factory=lambda: os.environ.get("LEPTON_PRIVACY", "0") not in ("0", "false", ""))
    export_in_child: bool = field(
        default_factory=lambda: os.environ.get("LEPTON_EXPORT_IN_CHILD", "0")
        not in ("0", "false", ""))
    release_arena: bool = field(
        default_factory=lambda: os.environ.get("LEPTON_RELEASE_ARENA", "0")
        not in ("0", "false", ""))


settings = Settings()


def enforce_offline() -> None:
    """Tell every Hugging Face library never to reach the network.

    Called before any import of ``transformers``/``huggingface_hub`` so a missing
    file fails at once instead of hanging on a download.
    """
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ.setdefault(name, "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
