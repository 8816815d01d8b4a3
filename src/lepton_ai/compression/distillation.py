"""Training a student encoder + head on its teacher's outputs (knowledge distillation).

The loss, per batch (Hinton et al. 2015; DistilBERT's cosine term):

- KL divergence between the teacher's and the student's label distributions, both
  softened by a temperature T (×T² so its gradients keep their size);
- cross-entropy against the true label, for labelled texts (unlabelled ones, marked
  -1, give only the teacher's signal);
- 1 − cosine between the student's and the teacher's sentence vectors, which keeps the
  student in the vector space the head (and search over the same vectors) expects.

A head that also weighs n-grams keeps that part fixed: the student learns the
vector part of the score. The run is a :class:`~lepton_ai.training.loop.TrainingLoop`:
checkpoints, ``--resume``, early stopping on the held-out split.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.artifacts.head_weights import NGRAM_WEIGHT, HeadWeights
from lepton_ai.compression.teacher import TeacherScores


@dataclass(frozen=True)
class DistilSettings:
    """How a student is trained."""

    epochs: int = 4
    lr: float = 1e-4
    head_lr: float = 5e-4
    batch_size: int = 32
    temperature: float = 2.0
    #: Weight of the teacher's soft labels against the true labels (1 − alpha).
    alpha: float = 0.5
    cosine_weight: float = 1.0
    seed: int = 0
    checkpoint_every: int = 200
    patience: int = 2


@dataclass(frozen=True)
class DistilSet:
    """The texts a student learns from, with the teacher's view of each."""

    texts: list[str]
    targets: np.ndarray  # class index per text; -1 where unlabelled or an unknown label
    teacher: TeacherScores


def vector_part(teacher_head: HeadWeights) -> HeadWeights:
    """The teacher's head without its n-gram weights (the part that reads vectors)."""
    tensors = {k: v for k, v in teacher_head.tensors.items() if k != NGRAM_WEIGHT}
    return HeadWeights(teacher_head.kind, tensors, teacher_head.multi_label)


def student_head(teacher_head: HeadWeights) -> Any:
    """The trainable (vector) part of the teacher's head, as a torch module."""
    from lepton_ai.training.head_fitting import head_from_weights

    return head_from_weights(vector_part(teacher_head), dropout=0.1)


def with_teacher_ngrams(trained: HeadWeights, teacher_head: HeadWeights) -> HeadWeights:
    """The student's head with the teacher's n-gram weights (and vocabulary) put back."""
    if teacher_head.ngrams is None:
        return trained
    tensors = {**trained.tensors, NGRAM_WEIGHT: teacher_head.tensors[NGRAM_WEIGHT]}
    return HeadWeights(trained.kind, tensors, trained.multi_label, teacher_head.ngrams)


class DistilLoss:
    """The distillation loss of a student (backbone + head) on batches of ``data``."""

    def __init__(self, backbone: Any, head: Any, data: DistilSet, settings: DistilSettings,
                 multi_label: bool) -> None:
        import torch

        self.backbone, self.head, self.settings, self.multi_label = (
            backbone, head, settings, multi_label)
        self.ids = backbone.token_ids(data.texts)
        self.soft = torch.from_numpy(data.teacher.logits)
        self.vectors = torch.from_numpy(data.teacher.vectors)
        ngrams = data.teacher.ngram_logits
        self.fixed = torch.from_numpy(ngrams) if ngrams is not None else None
        self.targets = torch.from_numpy(data.targets.astype(np.int64))

    def __call__(self, batch: Sequence[int]) -> Any:
        import torch
        from torch.nn import functional

        rows = list(batch)
        input_ids, mask = self.backbone.pad([self.ids[i] for i in rows])
        student_vectors = self.backbone(input_ids, mask)
        logits = self.head(student_vectors)
        if self.fixed is not None:
            logits = logits + self.fixed[rows]
        teacher, temperature = self.soft[rows], self.settings.temperature
        if self.multi_label:
            kd = functional.binary_cross_entropy_with_logits(logits, torch.sigmoid(teacher))
            supervised = torch.zeros(())
        else:
            kd = functional.kl_div(functional.log_softmax(logits / temperature, -1),
                                   functional.softmax(teacher / temperature, -1),
                                   reduction="batchmean") * temperature**2
            labels = self.targets[rows]
            supervised = (functional.cross_entropy(logits, labels, ignore_index=-1)
                          if bool((labels >= 0).any()) else torch.zeros(()))
        cosine = (1 - (student_vectors * self.vectors[rows]).sum(-1)).mean()
        alpha = self.settings.alpha
        return alpha * kd + (1 - alpha) * supervised + self.settings.cosine_weight * cosine


def distil(
    backbone: Any,
    head: Any,
    teacher_head: HeadWeights,
    data: DistilSet,
    settings: DistilSettings,
    checkpoints: Path,
    *,
    validate: Callable[[Any, HeadWeights], float] | None = None,
    resume: bool = False,
    description: str = "distillation",
) -> tuple[HeadWeights, list[dict[str, Any]]]:
    """Train ``backbone`` (a SentenceBackbone, already cut) and ``head`` (from
    :func:`student_head`) on ``data``.

    ``validate(backbone, head_weights)`` scores the student on held-out data each
    epoch (the best epoch is kept). Returns the student's head and the history.
    """
    import torch

    from lepton_ai.training.head_fitting import weights_of
    from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed

    set_seed(settings.seed)
    multi = teacher_head.multi_label
    loss = DistilLoss(backbone, head, data, settings, multi)
    module = torch.nn.ModuleDict({"backbone": backbone, "head": head})
    optimizer = adamw([(list(backbone.named_parameters()), settings.lr),
                       (list(head.named_parameters()), settings.head_lr)], 0.01)
    steps_per_epoch = -(-len(loss.ids) // settings.batch_size)
    loop = TrainingLoop(module, optimizer, steps_per_epoch * settings.epochs, checkpoints,
                        warmup=0.06, checkpoint_every=settings.checkpoint_every,
                        patience=settings.patience, description=description)
    lengths = [len(i) for i in loss.ids]

    def score() -> float:
        assert validate is not None
        head.eval()
        value = float(validate(backbone, with_teacher_ngrams(weights_of(head, multi),
                                                             teacher_head)))
        head.train()
        return value

    state = loop.run(settings.epochs,
                     lambda epoch: length_batches(lengths, settings.batch_size,
                                                  settings.seed + epoch),
                     loss, score if validate is not None else None, resume=resume)
    head.eval()
    return with_teacher_ngrams(weights_of(head, multi), teacher_head), state.history
