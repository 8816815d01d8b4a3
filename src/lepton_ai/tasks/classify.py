"""A trained text classifier: sentence encoder + head, loaded from a model directory.

Every training method (``head``, ``fewshot``, ``full``, ``lora``, ``adalora``)
produces the same shape of model: an encoder whose L2-normalised sentence
vectors feed a small head. At inference the encoder runs on the fast ONNX path
(fp32 by default, so served predictions equal the evaluated ones) and the head
in NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
from pydantic import Field

from lepton_ai.artifacts.head_weights import HEAD_FILE, HeadWeights
from lepton_ai.artifacts.manifest import (
    MANIFEST,
    Manifest,
    model_cache,
    require_file,
)
from lepton_ai.errors import E, LeptonError
from lepton_ai.evaluation.out_of_scope import OUT_OF_SCOPE, decide
from lepton_ai.models.encoders import Encoder
from lepton_ai.models.loader import load_encoder
from lepton_ai.models.registry import DEFAULT_ENGLISH, DEFAULT_MULTILINGUAL
from lepton_ai.tasks.declaration import AnalysisPart, Options, TaskDeclaration
from lepton_ai.tasks.embed import as_text_list
from lepton_ai.tasks.trained import TrainedModel, encoder_source

#: Multi-label: a label is predicted when its probability reaches this.
MULTI_LABEL_THRESHOLD = 0.5


class TextClassifier(TrainedModel):
    """Predicts labels for texts. Get one from ``lai.train`` or ``lai.load(dir)``.

    ``labels`` are in the order of :meth:`predict_proba`'s columns.
    """

    def __init__(
        self, encoder: Encoder, head: HeadWeights, manifest: Manifest, folder: Path
    ) -> None:
        super().__init__(manifest, folder)
        self.encoder = encoder
        self.head = head

    @property
    def multi_label(self) -> bool:
        """Whether a text may get several labels (or none)."""
        return self.manifest.multi_label

    def __repr__(self) -> str:
        return (
            f"TextClassifier(method={self.manifest.method!r}, labels={len(self.labels)}, "
            f"base={self.manifest.base_model!r}, folder={str(self.folder)!r})"
        )

    @overload
    def predict_proba(self, texts: str) -> np.ndarray: ...
    @overload
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...
    def predict_proba(self, texts: str | Sequence[str]) -> np.ndarray:
        """Probabilities, ``(n_labels,)`` for one text or ``(n, n_labels)`` for a list."""
        items, single = as_text_list(texts)
        probabilities = self.head.probabilities(self.encoder.encode(items), items) if items else (
            np.zeros((0, len(self.labels)), dtype=np.float32)
        )
        return probabilities[0] if single else probabilities

    def predict(self, texts: str | Sequence[str]) -> Any:
        """The label of each text (single-label) or its list of labels (multi-label).

        One text in, one result out; a list in, a list out.
        """
        items, single = as_text_list(texts)
        probabilities = self.predict_proba(items)
        results = [self._decide(row) for row in probabilities]
        return results[0] if single else results

    @property
    def out_of_scope_threshold(self) -> float | None:
        """The rejection threshold of a model trained with ``out_of_scope=True``."""
        value = self.manifest.config.get("out_of_scope_threshold")
        return None if value is None else float(value)

    def _decide(self, row: np.ndarray) -> str | list[str]:
        if self.multi_label:
            return [self.labels[i] for i in np.flatnonzero(row >= MULTI_LABEL_THRESHOLD)]
        return decide(row, self.labels, self.out_of_scope_threshold)

    def evaluate(
        self,
        data: Any,
        *,
        text: str = "text",
        label: str = "label",
        label_sep: str | None = None,
        out: str | Path | None = None,
    ) -> dict[str, Any]:
        """Metrics on labelled data (a file or a ``LabelledSet``); ``out`` writes a report."""
        from lepton_ai.evaluation.classification import evaluate_classifier

        return evaluate_classifier(
            self, data, text=text, label=label, label_sep=label_sep, out=out
        )

    @classmethod
    def load(
        cls, folder: str | Path, *, precision: str | None = None, backend: str = "auto"
    ) -> TextClassifier:
        """Load a classifier directory written by training (never unpickles).

        ``precision``: the encoder's; default the one the folder records (``lai
        compress --quantize`` chooses it), else fp32.
        """
        folder = Path(folder)
        manifest = Manifest.read(folder)
        precision = precision or manifest.config.get("precision") or "fp32"
        if manifest.task != "classify":
            raise LeptonError(E.E605, path=folder, found=manifest.task, expected="classify")
        head_file = require_file(folder, HEAD_FILE)
        head = HeadWeights.load(head_file, manifest.head, manifest.multi_label)
        head.check_shapes(head_file, len(manifest.labels))  # before the encoder's weights
        encoder = load_encoder(encoder_source(folder, manifest), backend, precision)
        if encoder.dim != head.input_size:
            raise LeptonError(E.E606, path=head_file, why=f"the head reads "
                              f"{head.input_size}-dimensional vectors but the encoder "
                              f"gives {encoder.dim}")
        return cls(encoder, head, manifest, folder)


@dataclass(frozen=True)
class Classification:
    """The result of :func:`classify` for one text.

    ``label`` is the most probable label; ``labels`` the labels a multi-label
    model assigns (``[label]`` otherwise); ``scores`` every label's probability.
    """

    label: str
    score: float
    labels: list[str]
    scores: dict[str, float]


@overload
def classify(texts: str, *, labels: Sequence[str] | Mapping[str, str] | None = ...,
             model: str | Path | None = ..., lang: str = ...) -> Classification: ...
@overload
def classify(texts: Sequence[str], *, labels: Sequence[str] | Mapping[str, str] | None = ...,
             model: str | Path | None = ..., lang: str = ...) -> list[Classification]: ...
def classify(
    texts: str | Sequence[str],
    *,
    labels: Sequence[str] | Mapping[str, str] | None = None,
    model: str | Path | None = None,
    lang: str = "auto",
) -> Classification | list[Classification]:
    """Classify texts zero-shot (``labels=``) or with a trained model (``model=DIR``).

    ``labels`` are names or a dict name → description; with them, ``model`` may
    name the encoder to compare with (default: by ``lang``, as in ``lai.embed``).
    """
    items, single = as_text_list(texts)
    manifest = Path(model) / MANIFEST if model is not None else None
    trained = labels is None and manifest is not None and manifest.is_file()
    if labels is None and not trained:
        raise LeptonError(E.E707, what="neither" if model is None else f"model={model!r} "
                          f"(no {MANIFEST} there: not a trained model directory)")
    if trained:
        assert manifest is not None
        classifier: Any = _trained(str(manifest.parent.resolve()))
        names, multi = classifier.labels, classifier.multi_label
        threshold = classifier.out_of_scope_threshold
    else:
        from lepton_ai.tasks.zero_shot import zero_shot

        classifier = zero_shot(labels, items, model, lang)  # type: ignore[arg-type]
        names, multi, threshold = classifier.labels, False, None
    probabilities = classifier.predict_proba(items)
    results = [classification_of(row, names, multi, threshold) for row in probabilities]
    return results[0] if single else results


@model_cache("trained classifier")
def _trained(folder: str) -> TextClassifier:
    return TextClassifier.load(folder)


def classification_of(row: np.ndarray, names: list[str], multi: bool,
                      threshold: float | None = None) -> Classification:
    """One row of label probabilities as a :class:`Classification`; below a model's
    out-of-scope ``threshold`` the label is ``out_of_scope`` with score 1 − top."""
    best = int(np.argmax(row))
    scores = {name: round(float(p), 6) for name, p in zip(names, row, strict=True)}
    if not multi and decide(row, names, threshold) == OUT_OF_SCOPE:
        return Classification(OUT_OF_SCOPE, round(1.0 - float(row[best]), 6), [OUT_OF_SCOPE],
                              scores)
    chosen = (
        [names[i] for i in np.flatnonzero(row >= MULTI_LABEL_THRESHOLD)] if multi
        else [names[best]]
    )
    return Classification(names[best], scores[names[best]], chosen, scores)


def comma_labels(value: str) -> list[str]:
    """``--labels a,b,c`` of the CLI."""
    return [name.strip() for name in value.split(",") if name.strip()]


class ClassifyOptions(Options):
    """Options of :func:`classify`."""

    labels: list[str] | dict[str, str] | None = Field(
        None, description="Zero-shot: label names (comma-separated on the command line), "
        "or name -> description.")
    model: str | None = Field(
        None, description="With labels: the encoder to compare with (a registered name; "
        "locally also a folder). Without: a trained model directory (served trained "
        "models: POST /v1/models/{name}/predict).")
    lang: Literal["auto", "en", "zh", "multi"] = Field(
        "auto", description="The encoder by language (ignored with model).")


TASK = TaskDeclaration(
    name="classify", version="v1",
    summary="Zero-shot classification into the given labels, or a trained model's labels.",
    function=classify, options=ClassifyOptions, result=Classification,
    defaults={"en": f"zero-shot on {DEFAULT_ENGLISH}",
              "zh": f"zero-shot on {DEFAULT_MULTILINGUAL}"},
    analysis=AnalysisPart("topic", field="topic"), cli_parsers={"labels": comma_labels})
