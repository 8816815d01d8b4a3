"""The training methods for classifiers: head, fewshot, full, lora, adalora.

Each takes a :class:`Job` (data, labels, base model, options, output folder)
and returns a :class:`Result`: the trained head, where the encoder lives, and
the history. Every method ends with the same model shape (encoder + head on
L2-normalised sentence vectors), so they load and serve alike.
"""

from __future__ import annotations

import random
import shutil
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.artifacts.head_weights import HeadWeights
from lepton_ai.data.labelled import LabelledSet, LabelMap
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.encoders import Encoder
from lepton_ai.models.registry import ModelSpec
from lepton_ai.training.method_catalog import training_method
from lepton_ai.training.outcome import Outcome
from lepton_ai.training.train_config import TrainConfig, ngrams_by_data

L2_GRID = (1e-4, 1e-3, 1e-2)
#: Inverse L2 strength of the vectors + n-grams logistic regression (scikit-learn's C).
LEXICAL_C_GRID = (3.0, 10.0, 30.0)
LEXICAL_C_DEFAULT = 10.0


@dataclass(frozen=True)
class FrozenEncoder:
    """An update's encoder that stays as it is: the previous model's, already loaded
    (``model``), and the folder it is copied from into the new model (``folder``, named
    ``encoder``, ``adapter`` or ``static`` as the manifest says)."""

    model: Encoder
    folder: Path


@dataclass
class Job:
    """Everything a method needs."""

    train: LabelledSet
    valid: LabelledSet
    labels: LabelMap
    multi_label: bool
    base: ModelSpec
    encoder_source: str | Path  # the base, or a previous model's encoder (continual)
    config: TrainConfig
    out: Path
    resume: bool = False
    init_head: HeadWeights | None = None  # continual: the previous head, widened
    new_labels: int = 0  # continual: outputs the widening added (the last ones)
    adapter_source: Path | None = None  # continual LoRA: the previous adapter
    frozen_encoder: FrozenEncoder | None = None  # continual head-only: the previous encoder

    def targets(self, data: LabelledSet) -> np.ndarray:
        """Class indices ``(n,)`` or a 0/1 matrix ``(n, n_labels)`` (multi-label)."""
        encoded = self.labels.encode(data.labels)
        if self.multi_label:
            matrix = np.zeros((len(data), len(self.labels)), dtype=np.float32)
            for row, indices in enumerate(encoded):
                matrix[row, indices] = 1.0
            return matrix
        return np.array([indices[0] for indices in encoded], dtype=np.int64)

    def class_weights(self) -> np.ndarray | None:
        """Inverse-frequency weights when labels are heavily imbalanced (single-label).

        An update's imbalance is ours, not the data's (a rehearsal sample of each old
        label beside a handful of each new one), so it is always evened out.
        """
        if self.multi_label:
            return None
        counts = np.bincount(self.targets(self.train), minlength=len(self.labels))
        return inverse_frequency_weights(counts, 2.0 if self.init_head is not None else 10.0)


def inverse_frequency_weights(counts: np.ndarray, imbalance: float = 10.0) -> np.ndarray | None:
    """Per-label loss weights when the largest label has ``imbalance`` times the smallest,
    else None.

    Capped at ``MAX_CLASS_WEIGHT``: a label with a handful of examples would otherwise
    dominate the loss (SemEval's one 'Entity-Destination(e2,e1)' example weighed 379
    times a label of average size).
    """
    counts = counts.astype(float)
    present = counts[counts > 0]
    if present.max() < imbalance * present.min():
        return None
    weights = np.where(counts > 0, counts.sum() / np.maximum(counts, 1) / len(present), 0.0)
    return np.minimum(weights, MAX_CLASS_WEIGHT).astype(np.float32)


#: Largest inverse-frequency class weight (1 = a label of average size).
MAX_CLASS_WEIGHT = 10.0


@dataclass(kw_only=True)
class Result(Outcome):
    """What a classifier method produced: the head, and where the encoder is."""

    head: HeadWeights
    encoder: str  # "base" | "encoder" | "adapter"


def score(job: Job, probabilities: np.ndarray, data: LabelledSet) -> float:
    """Validation score: accuracy (single-label) or micro-F1 (multi-label)."""
    targets = job.targets(data)
    if not job.multi_label:
        return float((probabilities.argmax(1) == targets).mean())
    predicted = probabilities >= 0.5
    true_positive = float((predicted & (targets > 0)).sum())
    denominator = float(predicted.sum() + (targets > 0).sum())
    return 2 * true_positive / denominator if denominator else 0.0


def fit_best_head(
    job: Job, train_vectors: np.ndarray, valid_vectors: np.ndarray
) -> tuple[HeadWeights, float, float]:
    """Fit the head for each L2 penalty (or the given one); keep the best on validation."""
    from lepton_ai.training.head_fitting import fit_head, weights_of

    if job.config.l2 is not None:
        grid: tuple[float, ...] = (job.config.l2,)
    elif len(job.valid):
        grid = L2_GRID
    else:  # nothing to choose on: logistic regression's usual C = 1
        grid = (1.0 / max(1, len(job.train)),)
    best: tuple[HeadWeights, float, float] | None = None
    for l2 in grid:
        head = fit_head(
            train_vectors, job.targets(job.train), len(job.labels),
            multi_label=job.multi_label, kind=job.config.head, l2=l2,
            class_weights=job.class_weights(), init=job.init_head,
            new_labels=job.new_labels, seed=job.config.seed,
        )
        weights = weights_of(head, job.multi_label)
        value = score(job, weights.probabilities(valid_vectors), job.valid) if len(
            job.valid
        ) else 0.0
        if best is None or value > best[1]:
            best = (weights, value, l2)
    assert best is not None
    return best


# --- head: frozen encoder ----------------------------------------------------------------
def train_head(job: Job) -> Result:
    """Frozen encoder (fast ONNX path) + logistic-regression / MLP head. Seconds."""
    from lepton_ai.models.loader import load_encoder

    frozen = job.frozen_encoder
    encoder = frozen.model if frozen else load_encoder(job.encoder_source, precision="fp32")
    train_vectors = encoder.encode(job.train.texts, role="document")
    valid_vectors = (
        encoder.encode(job.valid.texts, role="document")
        if len(job.valid) else np.zeros((0, encoder.dim), np.float32)
    )
    if wants_ngrams(job):
        head, value, chosen = fit_best_lexical_head(job, train_vectors, valid_vectors)
    else:
        head, value, l2 = fit_best_head(job, train_vectors, valid_vectors)
        chosen = {"l2": l2}
    n_params = sum(v.size for v in head.tensors.values())
    if frozen is not None:
        shutil.copytree(frozen.folder, job.out / frozen.folder.name, dirs_exist_ok=True)
    return Result(head=head, encoder=frozen.folder.name if frozen else "base",
                  trainable_parameters=n_params,
                  history=[{"epoch": 1, "validation": value}], chosen=chosen)


def wants_ngrams(job: Job) -> bool:
    """The ``ngrams`` option, or (``None``) whether the data is large enough to use them."""
    if job.config.ngrams is not None:
        return job.config.ngrams
    if job.multi_label or job.config.head != "linear":  # (multi-label targets are 2-D)
        return False
    counts = np.bincount(job.targets(job.train), minlength=len(job.labels))
    return ngrams_by_data(counts.tolist(), multi_label=False)


def fit_best_lexical_head(
    job: Job, train_vectors: np.ndarray, valid_vectors: np.ndarray
) -> tuple[HeadWeights, float, dict[str, Any]]:
    """Vectors + n-gram TF-IDF into one logistic regression; C chosen on validation."""
    from lepton_ai.text.ngrams import NgramVocabulary
    from lepton_ai.training.head_fitting import fit_lexical_head

    if job.multi_label:
        raise LeptonError(E.E511, name="ngrams", value=True,
                          why="n-gram features are for single-label data")
    vocabulary = NgramVocabulary.fit(job.train.texts)
    grid = LEXICAL_C_GRID if len(job.valid) else (LEXICAL_C_DEFAULT,)
    best: tuple[HeadWeights, float, dict[str, Any]] | None = None
    for c in grid:
        weights = fit_lexical_head(
            train_vectors, job.train.texts, job.targets(job.train), len(job.labels),
            vocabulary, c=c, class_weights=job.class_weights(),
        )
        value = score(
            job, weights.probabilities(valid_vectors, job.valid.texts), job.valid
        ) if len(job.valid) else 0.0
        if best is None or value > best[1]:
            best = (weights, value, {"ngrams": len(vocabulary), "C": c})
    assert best is not None
    return best


# --- shared by the fine-tuning methods ---------------------------------------------------
def _backbone(job: Job):  # type: ignore[no-untyped-def]
    from lepton_ai.models.registry import resolve
    from lepton_ai.training.backbone import SentenceBackbone

    source = job.encoder_source
    folder = source if isinstance(source, Path) else resolve(source).path()
    return SentenceBackbone(Path(folder), job.config.max_length)


def _validator(job: Job, backbone, head) -> Callable[[], float]:  # type: ignore[no-untyped-def]
    from lepton_ai.training.head_fitting import weights_of

    def validate() -> float:
        if not len(job.valid):
            return 0.0
        vectors = backbone.encode(job.valid.texts)
        head.eval()
        value = score(job, weights_of(head, job.multi_label).probabilities(vectors), job.valid)
        head.train()
        return value

    return validate


def _count(module) -> int:  # type: ignore[no-untyped-def]
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


# --- full / lora / adalora ---------------------------------------------------------------
def train_finetune(job: Job) -> Result:
    """Linear probe, then end-to-end fine-tuning of encoder (or adapter) and head.

    Starting from a head fitted on the frozen vectors (LP-FT) keeps the first
    steps from wrecking the pretrained features with a random head's gradients.
    """
    import torch

    from lepton_ai.training.head_fitting import head_from_weights, weights_of
    from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed

    config = job.config
    set_seed(config.seed)
    backbone = _backbone(job)
    if training_method(config.method, "classify").adapter:
        _attach_adapter(job, backbone)
    ids = backbone.token_ids(job.train.texts)
    probe, _, l2 = fit_best_head(
        job, backbone.encode(job.train.texts), backbone.encode(job.valid.texts)
    )
    head = head_from_weights(probe, dropout=config.dropout)
    targets = torch.from_numpy(job.targets(job.train))
    weight = job.class_weights()
    loss_fn = (
        torch.nn.BCEWithLogitsLoss()
        if job.multi_label
        else torch.nn.CrossEntropyLoss(
            weight=None if weight is None else torch.from_numpy(weight)
        )
    )
    module = torch.nn.ModuleDict({"backbone": backbone, "head": head})
    optimizer = adamw(
        [(list(backbone.named_parameters()), config.lr), (list(head.named_parameters()),
                                                           config.head_lr)],
        config.weight_decay,
    )
    steps_per_epoch = -(-len(ids) // config.batch_size)
    total = steps_per_epoch * config.epochs
    after_step = _adalora_hook(backbone, total) if config.method == "adalora" else None
    loop = TrainingLoop(
        module, optimizer, total, job.out / "checkpoints",
        warmup=config.warmup, grad_clip=config.grad_clip, patience=config.patience,
        checkpoint_every=config.checkpoint_every, after_step=after_step,
        description=f"{config.method} fine-tuning",
    )
    lengths = [len(i) for i in ids]

    def step_loss(batch: list[int]) -> torch.Tensor:
        input_ids, mask = backbone.pad([ids[i] for i in batch])
        return loss_fn(head(backbone(input_ids, mask)), targets[batch])

    state = loop.run(
        config.epochs,
        lambda epoch: length_batches(lengths, config.batch_size, config.seed + epoch),
        step_loss,
        _validator(job, backbone, head) if len(job.valid) else None,
        resume=job.resume,
    )
    head.eval()
    if training_method(config.method, "classify").adapter:
        backbone.model.save_pretrained(str(job.out / "adapter"))
        encoder = "adapter"
    else:
        backbone.save(job.out / "encoder")
        encoder = "encoder"
    return Result(
        head=weights_of(head, job.multi_label), encoder=encoder,
        trainable_parameters=_count(module), history=state.history,
        chosen={"probe_l2": l2, "best_epoch": state.best_epoch + 1},
    )


def lora_targets(model) -> str:  # type: ignore[no-untyped-def]
    """A regex for the attention and feed-forward projections of the encoder layers.

    The pooler is left out: its output is unused, so its adapter would get no
    gradient (AdaLoRA's importance update fails on parameters without one).
    """
    names = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    candidates = ("query", "key", "value", "dense", "q_lin", "k_lin", "v_lin", "lin1", "lin2")
    wanted = [n for n in candidates if n in names] or ["query", "value"]
    return rf".*(encoder|transformer)\..*\.({'|'.join(wanted)})$"


def with_adapter(model, peft_config):  # type: ignore[no-untyped-def]
    """``model`` wrapped by peft with a new adapter. peft 0.21 reads a property that
    transformers deprecated; that FutureWarning says nothing to our users, so it is muted."""
    import warnings

    from peft import get_peft_model

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing",
                                category=FutureWarning)
        return get_peft_model(model, peft_config)


def _attach_adapter(job: Job, backbone) -> None:  # type: ignore[no-untyped-def]
    from peft import AdaLoraConfig, LoraConfig, PeftModel

    config = job.config
    if job.adapter_source is not None:  # continual: keep training the previous adapter
        backbone.model = PeftModel.from_pretrained(
            backbone.model, str(job.adapter_source), is_trainable=True
        )
        return
    targets = lora_targets(backbone.model)
    if config.method == "adalora":
        steps = -(-len(job.train) // config.batch_size) * int(config.epochs or 1)
        peft_config: Any = AdaLoraConfig(
            init_r=int(config.lora_r * 1.5), target_r=config.lora_r,
            lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
            target_modules=targets, total_step=steps,
            tinit=max(1, steps // 10), tfinal=max(1, steps // 5), deltaT=max(1, steps // 50),
        )
    else:
        peft_config = LoraConfig(
            r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
            target_modules=targets,
        )
    backbone.model = with_adapter(backbone.model, peft_config)


def _adalora_hook(backbone, total: int) -> Callable[[int], None]:  # type: ignore[no-untyped-def]
    def update(step: int) -> None:
        backbone.model.base_model.update_and_allocate(step)

    return update


# --- fewshot: contrastive (SetFit-style) -------------------------------------------------
#: Temperature of the in-batch contrastive loss (cosine similarities × 20).
CONTRASTIVE_SCALE = 20.0
MAX_FEWSHOT_VISITS = 6000


def label_batches(
    labels: list[int], batch_size: int, n_batches: int, seed: int
) -> list[list[int]]:
    """Batches of P labels × K examples so every anchor has positives in its batch.

    Memory and time are bounded by ``n_batches × batch_size`` whatever the number
    of labels or examples (no pair list is ever built).
    """
    rng = random.Random(seed)
    by_label: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    usable = [label for label, members in by_label.items() if len(members) >= 2]
    per_label = max(2, min(8, batch_size // max(1, min(len(usable), batch_size // 2))))
    n_labels = max(1, min(len(usable), batch_size // per_label))
    batches = []
    for _ in range(n_batches):
        chosen = rng.sample(usable, n_labels)
        batch: list[int] = []
        for label in chosen:
            members = by_label[label]
            batch.extend(rng.sample(members, min(per_label, len(members))))
        batches.append(batch)
    return batches


def pair_batches(
    labels: list[int], pairs_per_batch: int, n_batches: int, seed: int
) -> list[list[int]]:
    """Batches of sentence pairs, flattened ``[a0, b0, a1, b1, ...]``, half of them positive.

    SetFit's sampling (every anchor gets a same-label and an other-label partner in
    turn), drawn step by step: memory and time are bounded by the number of
    batches, never by the number of possible pairs.
    """
    rng = random.Random(seed)
    by_label: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        by_label[label].append(index)
    other_labels = {label: [other for other in by_label if other != label] for label in by_label}
    order: list[int] = []
    batches = []
    for _ in range(n_batches):
        batch: list[int] = []
        for j in range(pairs_per_batch):
            if not order:
                order = list(range(len(labels)))
                rng.shuffle(order)
            anchor = order.pop()
            if j % 2 == 0:
                # As SetFit: the anchor itself may be drawn (with dropout on, the two
                # encodings differ: SimCSE's positive pair).
                partner = rng.choice(by_label[labels[anchor]])
            else:
                other = rng.choice(other_labels[labels[anchor]])
                partner = rng.choice(by_label[other])
            batch += [anchor, partner]
        batches.append(batch)
    return batches


def cosine_pair_loss(vectors, labels):  # type: ignore[no-untyped-def]
    """SetFit's CosineSimilarityLoss: cos(a, b) → 1 for same-label pairs, 0 otherwise."""
    import torch

    a, b = vectors[0::2], vectors[1::2]
    target = (labels[0::2] == labels[1::2]).to(a.dtype)
    return torch.nn.functional.mse_loss((a * b).sum(-1), target)


def supervised_contrastive_loss(vectors, labels):  # type: ignore[no-untyped-def]
    """Supervised contrastive loss over a batch of L2-normalised vectors.

    Every pair in the batch counts: same-label pairs are pulled together,
    different-label pairs pushed apart (Khosla et al., 2020).
    """
    import torch

    similarity = vectors @ vectors.T * CONTRASTIVE_SCALE
    self_mask = torch.eye(len(labels), dtype=torch.bool)
    similarity = similarity.masked_fill(self_mask, -1e9)
    positives = (labels[:, None] == labels[None, :]) & ~self_mask
    log_probability = similarity - torch.logsumexp(similarity, dim=1, keepdim=True)
    per_anchor = (log_probability * positives).sum(1) / positives.sum(1).clamp(min=1)
    has_positive = positives.any(1)
    return -(per_anchor[has_positive]).mean()


def train_fewshot(job: Job) -> Result:
    """Contrastive fine-tuning of the encoder on in-batch pairs, then a fitted head."""
    import torch

    from lepton_ai.training.loop import TrainingLoop, adamw, set_seed

    config = job.config
    set_seed(config.seed)
    backbone = _backbone(job)
    ids = backbone.token_ids(job.train.texts)
    first_labels = [job.labels.index(labels[0]) for labels in job.train.labels]
    pairs = config.fewshot_loss == "pairs"
    # SetFit's default: 20 iterations × 2 pairs per example (4 sentences per pair set).
    per_example = 80 if pairs else 20
    visits = config.fewshot_visits or min(per_example * len(ids), MAX_FEWSHOT_VISITS)
    steps_per_epoch = max(1, visits // config.batch_size)
    total = steps_per_epoch * int(config.epochs or 1)
    optimizer = adamw([(list(backbone.named_parameters()), config.lr)], config.weight_decay)
    loop = TrainingLoop(
        backbone, optimizer, total, job.out / "checkpoints",
        warmup=config.warmup, grad_clip=config.grad_clip,
        checkpoint_every=config.checkpoint_every, description="fewshot contrastive",
    )
    label_tensor = torch.tensor(first_labels)

    loss_fn = cosine_pair_loss if pairs else supervised_contrastive_loss

    def step_loss(batch: list[int]) -> torch.Tensor:
        vectors = backbone.vectors_by_length([ids[i] for i in batch])
        return loss_fn(vectors, label_tensor[batch])

    def batches(epoch: int) -> list[list[int]]:
        if pairs:
            return pair_batches(first_labels, config.batch_size // 2, steps_per_epoch,
                                config.seed + epoch)
        return label_batches(first_labels, config.batch_size, steps_per_epoch,
                             config.seed + epoch)

    state = loop.run(int(config.epochs or 1), batches, step_loss, resume=job.resume)
    train_vectors = backbone.encode(job.train.texts)
    valid_vectors = backbone.encode(job.valid.texts) if len(job.valid) else train_vectors[:0]
    head, value, l2 = fit_best_head(job, train_vectors, valid_vectors)
    backbone.save(job.out / "encoder")
    history = [*state.history, {"head_validation": value}]
    n_params = _count(backbone) + sum(v.size for v in head.tensors.values())
    return Result(head=head, encoder="encoder", trainable_parameters=n_params, history=history,
                  chosen={"l2": l2, "steps": total})


METHOD_FUNCTIONS: dict[str, Callable[[Job], Result]] = {
    "head": train_head,
    "fewshot": train_fewshot,
    "full": train_finetune,
    "lora": train_finetune,
    "adalora": train_finetune,
}
