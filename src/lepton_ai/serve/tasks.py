"""The built-in tasks as served: typed options and one batched call each.

Every task route takes ``{"input": "one text" | ["texts", ...], "options": {...}}``
and answers ``{"task", "data"}`` where ``data`` has the shape of the Python call's
result (one result for one text, a list for a list). Requests with equal
options share batches; the call itself is the library's public function, so
HTTP and Python give the same results.

Options never name local paths: a remote caller must not make the server read
files. Trained models are served by name (``lai serve DIR``) instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.errors import E, LeptonError

Lang = Literal["auto", "en", "zh"]


class Options(BaseModel):
    """Options of a task call; unknown fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")


class EmbedOptions(Options):
    model: str | None = Field(None, description="A registered model name (GET /v1/models).")
    lang: Literal["auto", "en", "zh", "multi"] = "auto"


class ClassifyOptions(Options):
    labels: list[str] | dict[str, str] = Field(
        ..., description="Label names, or name → description.", min_length=2)
    model: str | None = Field(
        None, description="The encoder to compare with: a registered model name "
        "(GET /v1/models); default by lang. Trained classifiers: POST "
        "/v1/models/{name}/predict.")
    lang: Lang = "auto"


class SentimentOptions(Options):
    lang: Lang = "auto"
    domain: Literal["general", "reviews", "social"] | None = None


class NerOptions(Options):
    lang: Lang = "auto"


class KeywordOptions(Options):
    k: int = Field(10, ge=1, le=100)
    method: Literal["auto", "embedding", "statistical"] = "auto"
    lang: Lang = "auto"
    diversity: float = Field(0.3, ge=0.0, le=1.0)


class RelationOptions(Options):
    threshold: float = Field(0.5, ge=0.0, le=1.0)


class AnalyzeOptions(Options):
    tasks: list[Literal["sentiment", "topic", "ner", "keywords"]] | None = Field(
        None, min_length=1, description="Default: sentiment, ner, keywords, and topic when "
        "topics are given.")
    topics: list[str] | dict[str, str] | None = None
    k: int = Field(5, ge=1, le=100)


@dataclass(frozen=True)
class ServedTask:
    """A task route: ``POST /v1/{name}`` runs ``call(texts, **options)``."""

    name: str
    version: str
    summary: str
    options: type[Options]
    call: Callable[..., Sequence[Any]]

    def run_batch(self, items: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
        """Results for (text, options key, options) items, in order.

        Items with equal options run as one call.
        """
        groups: dict[str, list[int]] = {}
        for position, (_, key, _) in enumerate(items):
            groups.setdefault(key, []).append(position)
        results: list[Any] = [None] * len(items)
        for positions in groups.values():
            options = items[positions[0]][2]
            found = self.call([items[p][0] for p in positions], **options)
            for position, result in zip(positions, found, strict=True):
                results[position] = result
        return results


def options_key(options: Options) -> str:
    """A canonical key: requests with equal options may share a batch."""
    return json.dumps(options.model_dump(), sort_keys=True, ensure_ascii=False)


def _embed(texts: list[str], *, model: str | None, lang: str) -> Sequence[Any]:
    from lepton_ai.tasks.embed import embed

    model = registered_name(model)
    # Plain arrays (not Embedding views): the JSON encoder writes them natively.
    return list(np.asarray(embed(texts, model=model, lang=lang)))  # type: ignore[arg-type]


def registered_name(model: str | None) -> str | None:
    """The registry's name for ``model`` (None stays None); never a path (LAI-E810)."""
    if model is None:
        return None
    from lepton_ai.models.registry import resolve

    require_registered(model)
    return resolve(model).name


def require_registered(model: str) -> None:
    """Refuse anything but a registered model name (never a path) — LAI-E810."""
    from lepton_ai.models.registry import PACKAGED

    known = {key.lower() for spec in PACKAGED for key in (spec.name, *spec.aliases)}
    if model.lower() not in known:
        raise LeptonError(E.E810, what=f"model={model!r}",
                          why=f"serve a registered model ({', '.join(sorted(known))})")


def _classify(texts: list[str], *, labels: Any, model: str | None,
              lang: str) -> Sequence[Any]:
    from lepton_ai.tasks.classify import classify

    return classify(texts, labels=labels, model=registered_name(model), lang=lang)


def _sentiment(texts: list[str], *, lang: str, domain: str | None) -> Sequence[Any]:
    from lepton_ai.tasks.sentiment import sentiment

    return sentiment(texts, lang=lang, domain=domain)


def _ner(texts: list[str], *, lang: str) -> Sequence[Any]:
    from lepton_ai.tasks.ner import ner

    return ner(texts, lang=lang)


def _keywords(texts: list[str], *, k: int, method: Any, lang: Any,
              diversity: float) -> Sequence[Any]:
    from lepton_ai.tasks.keywords import keywords

    return keywords(texts, k, method=method, lang=lang, diversity=diversity)


def _relations(texts: list[str], *, threshold: float) -> Sequence[Any]:
    from lepton_ai.tasks.relations import relations

    return relations(texts, threshold=threshold)


def _analyze(texts: list[str], *, tasks: list[str] | None, topics: Any,
             k: int) -> Sequence[Any]:
    from lepton_ai.tasks.analyze import analyze

    return analyze(texts, tasks, topics=topics, k=k)  # type: ignore[return-value]


SERVED_TASKS: tuple[ServedTask, ...] = (
    ServedTask("embed", "v1", "Sentence vectors (L2-normalised).", EmbedOptions, _embed),
    ServedTask("classify", "v1", "Zero-shot classification into the given labels.",
               ClassifyOptions, _classify),
    ServedTask("sentiment", "v1", "Positive, negative or neutral, with scores.",
               SentimentOptions, _sentiment),
    ServedTask("ner", "v1", "Entities with types and character offsets.", NerOptions, _ner),
    ServedTask("keywords", "v1", "Key phrases, best first.", KeywordOptions, _keywords),
    ServedTask("relations", "v1", "Relations between marked or proposed entity pairs.",
               RelationOptions, _relations),
    ServedTask("analyze", "v1", "Several tasks in one pass.", AnalyzeOptions, _analyze),
)
