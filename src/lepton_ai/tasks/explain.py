"""Which words made the prediction: occlusion attributions, as data and as HTML.

Each word (each character in Chinese) is removed in turn and the text scored
again; a word's weight is how much the predicted label's probability drops
without it (negative: the label gets likelier without it). Model-agnostic, so it
works for every classifier here, ONNX or torch. A text of more than
``max_pieces`` words is occluded in runs of neighbouring words, keeping the cost
at ``max_pieces + 1`` predictions.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

import numpy as np
from pydantic import Field

from lepton_ai.errors import E, LeptonError
from lepton_ai.tasks.classify import comma_labels
from lepton_ai.tasks.declaration import Options, TaskDeclaration, local_only
from lepton_ai.tasks.embed import as_text_list
from lepton_ai.text.bio import tokenize

Scorer = Callable[[list[str]], np.ndarray]
TASKS = ("sentiment", "classify")


@dataclass(frozen=True)
class Attribution:
    """One word (or run of words) and its weight for the predicted label."""

    text: str
    start: int
    end: int
    weight: float


@dataclass(frozen=True)
class Explanation:
    """A prediction and the attribution of each piece of the text."""

    text: str
    label: str
    score: float
    attributions: list[Attribution]

    def top(self, n: int = 5) -> list[Attribution]:
        """The ``n`` pieces that support the label most."""
        return sorted(self.attributions, key=lambda a: -a.weight)[:n]

    def to_html(self) -> str:
        """The text with each piece shaded: green supports the label, red opposes it."""
        scale = max((abs(a.weight) for a in self.attributions), default=0.0) or 1.0
        parts, position = [], 0
        for piece in self.attributions:
            parts.append(html.escape(self.text[position : piece.start]))
            alpha = abs(piece.weight) / scale
            colour = "0,160,60" if piece.weight >= 0 else "220,40,40"
            parts.append(
                f'<span title="{piece.weight:+.4f}" style="background:rgba({colour},'
                f'{alpha:.2f})">{html.escape(piece.text)}</span>'
            )
            position = piece.end
        parts.append(html.escape(self.text[position:]))
        return (f'<div class="lai-explain"><p><b>{html.escape(self.label)}</b> '
                f'({self.score:.3f})</p><p>{"".join(parts)}</p></div>')

    def save_html(self, path: str | Path) -> Path:
        """Write :meth:`to_html` as a standalone page."""
        target = Path(path)
        target.write_text(f'<!doctype html><meta charset="utf-8">{self.to_html()}\n',
                          encoding="utf-8")
        return target


def occlusion(
    text: str, scorer: Scorer, labels: Sequence[str], max_pieces: int = 64
) -> Explanation:
    """Explain ``scorer``'s (texts → probabilities over ``labels``) prediction for ``text``."""
    words, starts = tokenize(text)
    ends = [start + len(word) for word, start in zip(words, starts, strict=True)]
    group = max(1, math.ceil(len(starts) / max_pieces))
    pieces = [(starts[i], ends[min(i + group, len(starts)) - 1])
              for i in range(0, len(starts), group)]
    variants = [text, *(_without(text, start, end) for start, end in pieces)]
    scored = [i for i, variant in enumerate(variants) if variant.strip()]
    # A variant with every word taken out says nothing: uniform over the labels.
    probabilities = np.full((len(variants), len(labels)), 1.0 / len(labels))
    probabilities[scored] = np.asarray(scorer([variants[i] for i in scored]))
    best = int(np.argmax(probabilities[0]))
    base = float(probabilities[0, best])
    attributions = [
        Attribution(text[start:end], start, end, round(base - float(row[best]), 6))
        for (start, end), row in zip(pieces, probabilities[1:], strict=True)
    ]
    return Explanation(text, labels[best], round(base, 6), attributions)


def _without(text: str, start: int, end: int) -> str:
    before, after = text[:start].rstrip(" "), text[end:].lstrip(" ")
    joiner = " " if before and after and not (before[-1].isspace() or after[0].isspace()) else ""
    return before + joiner + after


@overload
def explain(texts: str, task: str = ..., *, model: str | Path | None = ...,
            labels: Sequence[str] | Mapping[str, str] | None = ..., lang: str = ...,
            domain: str | None = ..., max_pieces: int = ...) -> Explanation: ...
@overload
def explain(texts: Sequence[str], task: str = ..., *, model: str | Path | None = ...,
            labels: Sequence[str] | Mapping[str, str] | None = ..., lang: str = ...,
            domain: str | None = ..., max_pieces: int = ...) -> list[Explanation]: ...
def explain(
    texts: str | Sequence[str],
    task: str = "sentiment",
    *,
    model: str | Path | None = None,
    labels: Sequence[str] | Mapping[str, str] | None = None,
    lang: str = "auto",
    domain: str | None = None,
    max_pieces: int = 64,
) -> Explanation | list[Explanation]:
    """Per-word attributions for a prediction of ``task`` ("sentiment" or "classify").

    One explanation for one text, a list for a list. ``model``, ``labels``, ``lang``
    and ``domain`` mean what they mean in that task's call (``lai.sentiment`` /
    ``lai.classify``); each text costs ``max_pieces + 1`` predictions at most.
    """
    if task not in TASKS:
        raise LeptonError(E.E717, task=task, allowed=", ".join(TASKS))
    if task == "sentiment" and labels is not None and not isinstance(labels, Mapping):
        raise LeptonError(E.E727, got=f"a {type(labels).__name__}")
    items, single = as_text_list(texts)
    found = [_explain_one(text, task, model, labels, lang, domain, max_pieces)
             for text in items]
    return found[0] if single else found


def _explain_one(text: str, task: str, model: str | Path | None, labels: object, lang: str,
                 domain: str | None, max_pieces: int) -> Explanation:
    if task == "sentiment":
        scorer, names = _sentiment_scorer(text, model, labels, lang, domain)
    else:
        scorer, names = _classify_scorer(text, model, labels, lang)
    return occlusion(text, scorer, names, max_pieces)


def _sentiment_scorer(
    text: str, model: str | Path | None, labels: object, lang: str, domain: str | None
) -> tuple[Scorer, list[str]]:
    from lepton_ai.tasks.sentiment import default_model, load_sentiment_model
    from lepton_ai.text.lang import group_by_language

    (language,) = group_by_language([text], lang)
    mapping = tuple(sorted(dict(labels or {}).items()))  # type: ignore[call-overload]
    engine = load_sentiment_model(str(model) if model is not None
                                  else default_model(language, domain), mapping)
    return engine.probabilities, list(engine.labels)


def _classify_scorer(
    text: str, model: str | Path | None, labels: object, lang: str
) -> tuple[Scorer, list[str]]:
    if labels is None:
        from lepton_ai.tasks.classify import TextClassifier

        if model is None:
            raise LeptonError(E.E707, what="neither")
        classifier: object = TextClassifier.load(model)
    else:
        from lepton_ai.tasks.zero_shot import zero_shot

        classifier = zero_shot(labels, [text], model, lang)  # type: ignore[arg-type]
    return classifier.predict_proba, list(classifier.labels)  # type: ignore[attr-defined]


class ExplainOptions(Options):
    """Options of :func:`explain`."""

    task: Literal["sentiment", "classify"] = Field(
        "sentiment", description="The prediction to explain: sentiment, or classify "
        "(zero-shot with labels, or a trained model).")
    labels: list[str] | dict[str, str] | None = Field(
        None, description="classify: the labels to choose from (comma-separated on the "
        "command line), or name -> description. sentiment: a trained model's label -> "
        "positive/negative/neutral.")
    model: str | None = Field(
        None, description="The task's model: a sentiment model name, or a trained model "
        "directory.", json_schema_extra=local_only())
    lang: Literal["auto", "en", "zh"] = Field("auto", description="auto decides per text.")
    domain: Literal["general", "finance", "reviews", "social"] | None = Field(
        None, description="sentiment: the default model for this kind of text.")
    max_pieces: int = Field(
        64, ge=1, le=256, description="At most this many pieces are taken out, one at a "
        "time (longer texts in runs of neighbouring words): the cost is max_pieces + 1 "
        "predictions per text.")


TASK = TaskDeclaration(
    name="explain", version="v1",
    summary="Which words made a sentiment or classify prediction: a weight per word.",
    function=explain, options=ExplainOptions, result=Explanation,
    defaults={"en": "occlusion over the explained task's model",
              "zh": "occlusion over the explained task's model"},
    custom_cli=True, cli_parsers={"labels": comma_labels})
