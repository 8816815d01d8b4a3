"""Training options, with defaults that depend on the method and the data size."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from statistics import median
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.training.method_catalog import encoder_methods, method_names, training_method

#: Every method name any task takes (``method_catalog`` says which task takes which).
METHODS = method_names()
#: Methods that change the encoder's weights (need a Hugging Face transformer base).
ENCODER_METHODS = encoder_methods()
#: ``auto`` picks ``fewshot`` when the median label has at most this many examples.
FEWSHOT_MAX_PER_LABEL = 32
#: ``ngrams=None`` turns n-gram features on when the median label has this many examples.
NGRAM_MIN_PER_LABEL = 20


def ngrams_by_data(label_counts: Sequence[int], multi_label: bool) -> bool:
    """Whether ``ngrams=None`` turns n-gram features on for a linear head: single-label
    data whose median label has at least :data:`NGRAM_MIN_PER_LABEL` examples."""
    return (not multi_label and len(label_counts) > 0
            and median(label_counts) >= NGRAM_MIN_PER_LABEL)


@dataclass
class TrainConfig:
    """Every knob of a training run; ``None`` means "the method's default".

    Attributes:
        method: ``auto``, ``head``, ``fewshot``, ``full``, ``lora`` or ``adalora``.
        epochs: passes over the training data (fine-tuning methods).
        lr: learning rate of the encoder (or adapter) weights.
        head_lr: learning rate of the classifier head during fine-tuning.
        batch_size: examples per optimisation step.
        weight_decay: AdamW weight decay (not applied to biases and LayerNorm).
        warmup: share of steps with linearly rising learning rate, then linear decay.
        dropout: dropout before the head (the encoder keeps its own, 0.1 in BERT-style
            models); 0 by default because the head starts from a fitted probe.
        grad_clip: clip the gradient norm to this.
        patience: stop after this many epochs without a better validation score.
        seed: seed of every random choice (data order, dropout, initialisation).
        max_length: tokens per text in training (longer texts are truncated).
        head: ``linear`` (logistic regression) or ``mlp``.
        l2: L2 penalty of the head fit; ``None`` chooses it on the validation split.
        ngrams: let a linear ``head`` also weigh the texts' word / Chinese-character
            n-grams (TF-IDF, 1-3 tokens); ``None``: on for single-label data with at
            least ``NGRAM_MIN_PER_LABEL`` examples in the median label.
        lora_r, lora_alpha, lora_dropout: LoRA settings (AdaLoRA: the target rank).
        fewshot_visits: how many sentences, in total, contrastive training encodes;
            ``None``: SetFit's 20 iterations (80 per example for ``pairs``, 20 for
            ``supcon``), at most 6,000 (bounded time).
        fewshot_loss: ``pairs`` (SetFit: cosine similarity of sampled pairs → 1 / 0)
            or ``supcon`` (supervised contrastive over P labels × K examples batches).
        checkpoint_every: save a checkpoint every this many steps (and each epoch).
        eval_fraction: share held out for validation when no eval file is given.
        out_of_scope: calibrate a rejection threshold on the validation split so the
            model can answer ``out_of_scope`` (single-label classifiers; see
            :mod:`lepton_ai.evaluation.out_of_scope`).
    """

    method: str = "auto"
    epochs: int | None = None
    lr: float | None = None
    head_lr: float = 3e-3
    batch_size: int = 32
    weight_decay: float = 0.01
    warmup: float = 0.1
    dropout: float = 0.0
    grad_clip: float = 1.0
    patience: int = 2
    seed: int = 42
    max_length: int = 128
    head: str = "linear"
    l2: float | None = None
    ngrams: bool | None = None
    lora_r: int = 8
    lora_alpha: int = 16
    lora_dropout: float = 0.1
    fewshot_visits: int | None = None
    fewshot_loss: str = "pairs"
    checkpoint_every: int = 200
    eval_fraction: float = 0.1
    out_of_scope: bool = False

    def resolved(self, method: str, task: str = "classify") -> TrainConfig:
        """A copy with the method and its declared default epochs / learning rate for
        ``task`` filled in (LAI-E508 when the method does not train that task)."""
        defaults = training_method(method, task).defaults[task]
        return replace(
            self,
            method=method,
            epochs=self.epochs if self.epochs is not None else defaults.epochs,
            lr=self.lr if self.lr is not None else defaults.lr,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the manifest."""
        return asdict(self)

    @classmethod
    def from_options(cls, **options: Any) -> TrainConfig:
        """Build from keyword options; unknown names or bad values get LAI-E511."""
        known = {f.name: f for f in fields(cls)}
        for name, value in options.items():
            if name not in known:
                close = difflib.get_close_matches(name, known, n=1)
                guess = f"did you mean {close[0]!r}? " if close else ""
                raise LeptonError(
                    E.E511, name=name, value=value,
                    why=f"unknown option; {guess}known: {', '.join(known)}",
                )
        config = cls(**options)
        if config.method not in METHODS:
            raise LeptonError(E.E508, method=repr(config.method), known=", ".join(METHODS))
        if config.fewshot_loss not in ("pairs", "supcon"):
            raise LeptonError(
                E.E511, name="fewshot_loss", value=config.fewshot_loss, why="use pairs or supcon"
            )
        if config.head not in ("linear", "mlp"):
            raise LeptonError(E.E511, name="head", value=config.head, why="use linear or mlp")
        if config.ngrams not in (None, True, False):
            raise LeptonError(E.E511, name="ngrams", value=config.ngrams, why="use true or false")
        if config.ngrams and (config.head != "linear" or config.method not in ("auto", "head")):
            raise LeptonError(
                E.E511, name="ngrams", value=config.ngrams,
                why="n-gram features go with --method head and a linear head",
            )
        for name in ("batch_size", "max_length", "checkpoint_every", "lora_r"):
            if int(getattr(config, name)) < 1:
                raise LeptonError(
                    E.E511, name=name, value=getattr(config, name), why="must be at least 1"
                )
        if not 0.0 < config.eval_fraction < 1.0:
            raise LeptonError(
                E.E511, name="eval_fraction", value=config.eval_fraction, why="must be in (0, 1)"
            )
        return config
