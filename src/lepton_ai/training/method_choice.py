"""Which method a classifier run uses, and how long it will take: said before it starts.

A first run with ``method="auto"`` picks by the data: ``head`` for encoders that are not
transformers, ``fewshot`` for a handful of examples per label, else ``full``. An
update (``--from``) keeps the method that trained the previous model's encoder,
unless the update is small (at most ``SMALL_UPDATE_EXAMPLES`` new examples) and that
method would take longer than ``FAST_UPDATE_SECONDS`` here: then only the head is
refitted, on the previous model's encoder, anchored to the previous head (seconds,
and the old labels keep their accuracy).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from statistics import median

from lepton_ai.data.labelled import LabelledSet
from lepton_ai.models.registry import HF_ENCODER, ModelSpec
from lepton_ai.training.train_config import FEWSHOT_MAX_PER_LABEL, TrainConfig, ngrams_by_data

#: An update of at most this many new examples may take the fast path (head only).
SMALL_UPDATE_EXAMPLES = 50
#: ... when the previous model's method would take longer than this here (seconds).
FAST_UPDATE_SECONDS = 60.0
#: The alternative is named when the chosen method takes longer than this (seconds).
SAY_ALTERNATIVE_SECONDS = 60.0
#: The alternative the time note names: the quickest method.
QUICKEST = "head"


#: Training texts tokenized to measure the data's length (a seeded sample).
LENGTH_SAMPLE = 2000


@dataclass(frozen=True)
class RunSize:
    """What a run's time depends on besides the method and the encoder: the data."""

    train: int
    valid: int
    old_eval: int  # an update's earlier held-out examples (scored before and after)
    sample: list[str]  # training texts whose token counts stand for all of them
    #: Whether ``ngrams=None`` turns n-gram features on for this data (a linear head):
    #: their fit is most of a ``head`` run on large data (BANKING77: 54 of 93 s).
    ngrams_by_data: bool = False

    @classmethod
    def of(cls, train_set: LabelledSet, valid: int, old_eval: int = 0,
           ngrams: bool | None = None) -> RunSize:
        """The size of a run on ``train_set`` (``ngrams``: whether the head it refits
        weighs n-grams, for an update; None: as the data decides)."""
        texts = list(train_set.texts)
        if len(texts) > LENGTH_SAMPLE:
            texts = random.Random(0).sample(texts, LENGTH_SAMPLE)
        by_data = ngrams_by_data(list(train_set.label_counts().values()),
                                 train_set.multi_label)
        return cls(len(train_set), valid, old_eval, texts,
                   by_data if ngrams is None else ngrams)


@dataclass(frozen=True)
class MethodChoice:
    """The method a run uses, why, and what it will take here."""

    method: str
    why: str  # "" when the user named the method
    seconds: float | None = None  # None: no estimate (an encoder that is not a transformer)
    quickest_seconds: float | None = None

    def note(self) -> str:
        """``" (chosen for this data)"``-style words after the method's name."""
        return f" ({self.why})" if self.why else ""

    def time_note(self) -> str:
        """``"about 11 minutes here; --method head: about 40 s"``, or ``""``."""
        from lepton_ai.training.time_estimate import spoken

        if self.seconds is None:
            return ""
        said = f"{spoken(self.seconds)} here"
        if (self.method != QUICKEST and self.quickest_seconds is not None
                and self.seconds > SAY_ALTERNATIVE_SECONDS):
            said += f"; --method {QUICKEST}: {spoken(self.quickest_seconds)}"
        return said


def method_by_data(train_set: LabelledSet, base: ModelSpec) -> str:
    """``head`` for non-transformer bases, ``fewshot`` for few examples, else ``full``."""
    if base.kind != HF_ENCODER:
        return "head"
    per_label = median(train_set.label_counts().values())
    return "fewshot" if per_label <= FEWSHOT_MAX_PER_LABEL else "full"


class MethodChooser:
    """Chooses a run's method and estimates its time from one measured :class:`Pace`."""

    def __init__(self, config: TrainConfig, base: ModelSpec, size: RunSize) -> None:
        self.config = config
        self.base = base
        self.size = size
        self._pace = None

    def choose(self, train_set: LabelledSet, *, previous_method: str | None = None,
               new_examples: int = 0) -> MethodChoice:
        """The method for ``train_set`` (``previous_method``: an update's, the method that
        trained the previous encoder; ``new_examples``: how many the update adds)."""
        if self.config.method != "auto":
            return self._with_time(self.config.method, "")
        if previous_method is None:
            return self._with_time(method_by_data(train_set, self.base), "chosen for this data")
        if (previous_method != QUICKEST and new_examples <= SMALL_UPDATE_EXAMPLES
                and self.seconds(previous_method) > FAST_UPDATE_SECONDS):
            return self._with_time(
                QUICKEST, f"a small update: the head only, on the previous encoder; "
                f"--method {previous_method} trains the encoder again: "
                f"{_spoken(self.seconds(previous_method))}")
        return self._with_time(previous_method, "the previous model's method")

    def seconds(self, method: str) -> float:
        """Estimated seconds of ``method`` on this run (inf when it cannot be estimated)."""
        from lepton_ai.training.time_estimate import estimate_seconds

        pace = self._measured_pace()
        if pace is None:
            return float("inf")
        config = self.config.resolved(method)
        if config.ngrams is None:  # as the head's training decides (methods.wants_ngrams)
            config = replace(config, ngrams=self.size.ngrams_by_data and config.head == "linear")
        return estimate_seconds(method, config, pace, train=self.size.train,
                                valid=self.size.valid, old_eval=self.size.old_eval)

    def _with_time(self, method: str, why: str) -> MethodChoice:
        if self._measured_pace() is None:
            return MethodChoice(method, why)
        return MethodChoice(method, why, self.seconds(method), self.seconds(QUICKEST))

    def _measured_pace(self):  # type: ignore[no-untyped-def]
        """The encoder's pace here; None for encoders that are not transformers."""
        if self.base.kind != HF_ENCODER:
            return None
        if self._pace is None:
            from lepton_ai.training.threads import training_threads
            from lepton_ai.training.time_estimate import Pace

            self._pace = Pace.of(self.base.path(), self.size.sample,
                                 max_length=self.config.max_length,
                                 threads=training_threads(), key=self.base.name)
        return self._pace


def _spoken(seconds: float) -> str:
    from lepton_ai.training.time_estimate import spoken

    return spoken(seconds)
