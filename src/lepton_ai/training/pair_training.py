"""Question matching you can train: a bi-encoder fine-tuned on your own pairs.

``lai train pairs.csv --task pair --out models/matcher`` reads pairs of texts with
a label (1 = same meaning / a match, 0 = not) or a similarity score (any scale,
e.g. STS-B's 0–5, scaled to 0–1), and fine-tunes the encoder so that the cosine
of a pair's vectors approaches its score (sentence-transformers'
CosineSimilarityLoss, Reimers & Gurevych 2019). The result is a plain encoder
folder: ``lai.embed(model=...)``, ``lai.Index(model=...)`` and ``lai assistant
build --model ...`` use it. The Spearman correlation of cosine and gold on the
held-out pairs is measured before and after, and kept in ``pair_training.json``.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError

#: Accepted column names of each side and of the target.
FIRST = ("text_a", "sentence1", "question1", "query", "a")
SECOND = ("text_b", "sentence2", "question2", "candidate", "b")
TARGET = ("label", "score", "similarity", "is_duplicate")
REPORT = "pair_training.json"


@dataclass
class PairSet:
    """Text pairs and their target similarity in [0, 1]."""

    first: list[str]
    second: list[str]
    scores: list[float]

    def __len__(self) -> int:
        return len(self.scores)

    def split(self, share: float, seed: int) -> tuple[PairSet, PairSet]:
        """A random ``share`` held out (at least one pair), the rest for training."""
        order = list(range(len(self)))
        random.Random(seed).shuffle(order)
        cut = max(1, int(len(order) * share))
        return self.subset(order[cut:]), self.subset(order[:cut])

    def subset(self, rows: list[int]) -> PairSet:
        """The pairs at ``rows``."""
        return PairSet([self.first[i] for i in rows], [self.second[i] for i in rows],
                       [self.scores[i] for i in rows])


def _pick(found: list[str], names: tuple[str, ...], what: str, path: str | Path) -> str:
    lowered = {column.lower(): column for column in found}
    for name in names:
        if name in lowered:
            return lowered[name]
    raise LeptonError(E.E1013, path=path, what=what, names=", ".join(names),
                      found=", ".join(found))


def read_pairs(path: str | Path) -> PairSet:
    """Pairs from a table (CSV/TSV/JSONL/JSON/Parquet): two text columns and a target."""
    from lepton_ai.data.tables import columns_of, read_rows

    found = columns_of(path)
    first, second = _pick(found, FIRST, "first text", path), _pick(found, SECOND,
                                                                    "second text", path)
    target = _pick(found, TARGET, "label or score", path)
    pairs = PairSet([], [], [])
    for row in read_rows(path):
        a, b, value = row.get(first), row.get(second), row.get(target)
        if not a or not b or value in (None, ""):
            continue
        try:
            score = float(value)
        except (TypeError, ValueError):
            raise LeptonError(E.E1013, path=path, what=f"numeric {target}",
                              names="0/1 labels or scores", found=repr(value)) from None
        pairs.first.append(str(a))
        pairs.second.append(str(b))
        pairs.scores.append(score)
    if len(pairs) < 4:
        raise LeptonError(E.E1003, detail=f"{path} holds {len(pairs)} usable pairs; "
                          "pair training needs at least 4")
    top = max(pairs.scores)
    if top > 1.0:  # a 0–5 (or 0–100) similarity scale
        pairs.scores = [score / top for score in pairs.scores]
    return pairs


@dataclass
class PairReport:
    """What a pair training run measured."""

    out: str
    base: str
    train_pairs: int
    eval_pairs: int
    spearman_before: float
    spearman_after: float
    seconds: float
    config: dict[str, Any] = field(default_factory=dict)


def spearman(first: np.ndarray, second: np.ndarray, gold: list[float]) -> float:
    """Spearman correlation of the pairs' cosines with the gold scores (×100)."""
    from scipy.stats import spearmanr

    cosines = (first * second).sum(axis=1)
    return round(100 * float(spearmanr(cosines, gold).statistic), 2)


def train_pairs(data: str | Path | PairSet, *, out: str | Path,
                eval_data: str | Path | PairSet | None = None, base: str | Path | None = None,
                epochs: int = 1, lr: float = 2e-5, batch_size: int = 16, seed: int = 42,
                eval_fraction: float = 0.1, checkpoint_every: int = 200) -> PairReport:
    """Fine-tune ``base`` on pairs; save the encoder to ``out``; return the report."""
    import torch

    from lepton_ai.artifacts.manifest import check_output_folder
    from lepton_ai.artifacts.staging import CHECKPOINTS, staged
    from lepton_ai.models.folder import inspect_folder
    from lepton_ai.models.registry import DEFAULT_ENGLISH, HF_ENCODER, resolve
    from lepton_ai.training.backbone import SentenceBackbone
    from lepton_ai.training.loop import TrainingLoop, adamw, set_seed

    pairs = data if isinstance(data, PairSet) else read_pairs(data)
    if eval_data is None:
        pairs, held = pairs.split(eval_fraction, seed)
    else:
        held = eval_data if isinstance(eval_data, PairSet) else read_pairs(eval_data)
    spec = resolve(str(base) if base is not None else DEFAULT_ENGLISH)
    if spec.kind != HF_ENCODER:
        raise LeptonError(E.E509, method="pair training", base=spec.name, kind=spec.kind)
    final = Path(out)
    check_output_folder(final, ours=("config.json",))  # a previous matcher may go
    set_seed(seed)
    started = time.perf_counter()
    with staged(final) as staging:
        backbone = SentenceBackbone(inspect_folder(spec.path()).path)

        def evaluate() -> float:
            return spearman(backbone.encode(held.first), backbone.encode(held.second),
                            held.scores)

        before = evaluate()
        first, second = backbone.token_ids(pairs.first), backbone.token_ids(pairs.second)
        target = torch.tensor(pairs.scores, dtype=torch.float32)
        steps = max(1, -(-len(pairs) // batch_size))  # batches() makes ceil(n / size)
        optimizer = adamw([(list(backbone.named_parameters()), lr)], 0.01)
        loop = TrainingLoop(backbone, optimizer, steps * epochs, staging / CHECKPOINTS,
                            checkpoint_every=checkpoint_every, description="pair training")

        def batches(epoch: int) -> list[list[int]]:
            order = list(range(len(pairs)))
            random.Random(seed + epoch).shuffle(order)
            return [order[i:i + batch_size] for i in range(0, len(order), batch_size)]

        def step_loss(batch: list[int]) -> torch.Tensor:
            vectors = backbone.vectors_by_length([first[i] for i in batch]
                                                 + [second[i] for i in batch])
            a, b = vectors[:len(batch)], vectors[len(batch):]
            return torch.nn.functional.mse_loss((a * b).sum(-1), target[batch])

        loop.run(epochs, batches, step_loss)
        after = evaluate()
        backbone.save(staging)
        report = PairReport(str(final), spec.name, len(pairs), len(held), before, after,
                            round(time.perf_counter() - started, 1),
                            {"epochs": epochs, "lr": lr, "batch_size": batch_size, "seed": seed,
                             "loss": "cosine similarity (MSE)"})
        (staging / REPORT).write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    return report
