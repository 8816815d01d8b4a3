"""How long a training run will take on this machine, said before it starts.

A run's time is mostly the encoder's: forward passes that only read vectors (the
head's fit, validation, the final evaluation) and training steps that also go
backward (fine-tuning, contrastive pairs). :class:`Pace` measures both on this
machine for one encoder, with the threads training will use, on a sample of the
run's own texts, and keeps the figures in the cache (keyed by encoder, CPU and
threads) so later runs read them instead of measuring. :func:`estimate_seconds`
counts a method's passes from the data size and the options.

The figures are estimates, said as "about": ``bench/update_small.py`` records how
far they fell from the measured time.
"""

from __future__ import annotations

import json
import math
import platform
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lepton_ai.settings import settings
from lepton_ai.training.train_config import TrainConfig

#: Texts per measured batch (a training batch's size).
PROBE_TEXTS = 32
#: Seconds every run spends outside the encoder: imports (torch, scikit-learn,
#: matplotlib: ~12 s of a 27 s update here), loading, the report and its plots.
FIXED_SECONDS = 15.0
#: Bumped when what :meth:`Pace.measure` times changes (older cached paces are ignored).
PACE_VERSION = 2
#: Extra seconds of a method that writes a new encoder: saving it, and the ONNX export
#: that the evaluation of the saved model runs once.
NEW_ENCODER_SECONDS = 15.0
#: Seconds per example and per penalty tried of the head's fit (logistic regression).
HEAD_FIT_SECONDS = 2e-4
#: The same with n-gram features (a sparse fit over up to 100,000 columns).
LEXICAL_FIT_SECONDS = 2e-3
#: How much faster the served (ONNX) encoder reads vectors than torch's forward pass.
ONNX_SPEEDUP = 1.5


@dataclass(frozen=True)
class Pace:
    """Seconds per token of one encoder on this machine: reading vectors, training."""

    forward: float
    train_step: float
    tokens_per_text: float

    @classmethod
    def of(cls, folder: Path, texts: Sequence[str], *, max_length: int, threads: int,
           key: str) -> Pace:
        """The cached pace of the encoder ``key`` on this CPU with ``threads`` threads,
        else measured now on the encoder in ``folder``; ``tokens_per_text`` is always
        this data's (tokenizing is cheap)."""
        from tokenizers import Tokenizer

        from lepton_ai.models.folder import inspect_folder

        tokenizer = Tokenizer.from_file(str(inspect_folder(folder).tokenizer_file))
        tokenizer.no_padding()
        tokenizer.enable_truncation(max_length)
        ids = [e.ids for e in tokenizer.encode_batch(list(texts))]
        tokens = sum(len(i) for i in ids) / max(1, len(ids))
        cache = settings.cache_dir / "pace.json"
        entry = f"{key}|{_cpu_name()}|{threads}|v{PACE_VERSION}"
        known = _read_cache(cache)
        if entry in known:
            forward, train_step = known[entry]
            return cls(forward, train_step, tokens)
        from lepton_ai.training.backbone import SentenceBackbone

        pace = cls.measure(SentenceBackbone(folder, max_length), ids, threads, tokens)
        known[entry] = [pace.forward, pace.train_step]
        _write_cache(cache, known)
        return pace

    @classmethod
    def measure(cls, backbone, ids: list[list[int]], threads: int, tokens: float) -> Pace:  # type: ignore[no-untyped-def]
        """Time one forward pass, and one training step (forward, backward, AdamW's
        update: its cost is per step, so the batch is a training batch's size)."""
        import torch

        sample = random.Random(0).sample(ids, min(PROBE_TEXTS, len(ids)))
        previous = torch.get_num_threads()
        torch.set_num_threads(threads)
        try:
            input_ids, mask = backbone.pad(sample)
            padded = float(input_ids.numel())
            backbone.eval()
            with torch.no_grad():
                backbone(input_ids, mask)  # first call: one-off allocations
                started = time.perf_counter()
                backbone(input_ids, mask)
                forward = time.perf_counter() - started
            backbone.train()
            optimizer = torch.optim.AdamW(backbone.parameters(), lr=1e-9)
            started = time.perf_counter()
            backbone(input_ids, mask).sum().backward()
            optimizer.step()
            train_step = time.perf_counter() - started
            backbone.zero_grad(set_to_none=True)
        finally:
            torch.set_num_threads(previous)
        return cls(forward / padded, train_step / padded, tokens)

    def reading(self, texts: int, *, served: bool = False) -> float:
        """Seconds to read vectors of ``texts`` texts (``served``: on the ONNX path)."""
        seconds = texts * self.tokens_per_text * self.forward
        return seconds / ONNX_SPEEDUP if served else seconds

    def training(self, texts: int) -> float:
        """Seconds of training steps that encode ``texts`` texts in all."""
        return texts * self.tokens_per_text * self.train_step


def estimate_seconds(method: str, config: TrainConfig, pace: Pace, *, train: int,
                     valid: int, old_eval: int = 0, task: str = "classify") -> float:
    """Seconds a run of ``method`` takes here: ``train``/``valid`` examples (sentences
    for ``task="ner"``), ``old_eval`` earlier held-out examples scored before and after
    (a classifier's update)."""
    from lepton_ai.training.methods import MAX_FEWSHOT_VISITS

    epochs = int(config.epochs or 1)
    evaluation = pace.reading(valid + 2 * old_eval, served=True)
    if task == "ner":  # full / lora on the token states: epochs with a validation each
        return (FIXED_SECONDS + NEW_ENCODER_SECONDS + evaluation
                + epochs * (pace.training(train) + pace.reading(valid)))
    grid = 3 if valid else 1
    if method == "head":
        fit = (LEXICAL_FIT_SECONDS if config.ngrams else HEAD_FIT_SECONDS) * train * grid
        return FIXED_SECONDS + pace.reading(train + valid, served=True) + fit + evaluation
    new_encoder = NEW_ENCODER_SECONDS + evaluation + HEAD_FIT_SECONDS * train * grid
    if method == "fewshot":
        per_example = 80 if config.fewshot_loss == "pairs" else 20
        visits = config.fewshot_visits or min(per_example * train, MAX_FEWSHOT_VISITS)
        return (FIXED_SECONDS + new_encoder + pace.training(visits * epochs)
                + pace.reading(train + valid))
    # full, lora, adalora: a probe on frozen vectors, then epochs with a validation each
    return (FIXED_SECONDS + new_encoder + pace.reading(train + valid)
            + epochs * (pace.training(train) + pace.reading(valid)))


def spoken(seconds: float) -> str:
    """``about 40 s``, ``about 3 minutes``, ``about 2.5 hours``."""
    if seconds < 90:
        return f"about {max(5, 5 * math.ceil(seconds / 5))} s"
    if seconds < 90 * 60:
        return f"about {math.ceil(seconds / 60)} minutes"
    return f"about {seconds / 3600:.1f} hours"


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:  # pragma: no cover - no /proc
        pass
    return platform.processor() or platform.machine()


def _read_cache(file: Path) -> dict[str, list[float]]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_cache(file: Path, known: dict[str, list[float]]) -> None:
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary = file.with_suffix(".tmp")
        temporary.write_text(json.dumps(known, indent=1), encoding="utf-8")
        temporary.replace(file)
    except OSError:  # a read-only cache: measure again next time
        pass

