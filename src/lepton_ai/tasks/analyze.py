"""Several tasks over the same texts in one call, sharing the work they have in common.

For English texts, ``topic`` (zero-shot) and ``keywords`` (embedding scorer)
share one sentence-encoder pass over the texts. ``ner`` and ``sentiment`` run their
own default models (their encoders are adapted, so their vectors differ from the base
one's). Chinese texts go through each task's own Chinese path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field

from lepton_ai.errors import E, LeptonError
from lepton_ai.tasks.classify import Classification, classification_of, classify, comma_labels
from lepton_ai.tasks.declaration import Options, TaskDeclaration
from lepton_ai.tasks.embed import as_text_list, choose_model
from lepton_ai.tasks.keywords import Keyword, embedding_keywords, keywords
from lepton_ai.tasks.ner import Entity, ner
from lepton_ai.tasks.sentiment import Sentiment, sentiment
from lepton_ai.text.lang import group_by_language

TASKS = ("sentiment", "topic", "ner", "keywords")
#: What runs when no tasks are named; "topic" joins them when topics are given.
DEFAULT_TASKS = ("sentiment", "ner", "keywords")
KEYWORD_DIVERSITY = 0.3


@dataclass(frozen=True)
class Analysis:
    """The results of :func:`analyze` for one text; tasks not asked for are None."""

    sentiment: Sentiment | None = None
    topic: Classification | None = None
    entities: list[Entity] | None = None
    keywords: list[Keyword] | None = None


def analyze(
    texts: str | Sequence[str],
    tasks: Sequence[str] | None = None,
    *,
    topics: Sequence[str] | Mapping[str, str] | None = None,
    k: int = 5,
) -> Analysis | list[Analysis]:
    """Run ``tasks`` ("sentiment", "topic", "ner", "keywords") on each text.

    ``topics`` are the zero-shot labels of the "topic" task (names, or a dict
    name → description). Without ``tasks``: sentiment, ner and keywords, and topic
    too when ``topics`` are given. Language is decided per text, as in each task.
    """
    items, single = as_text_list(texts)
    wanted = _check(tasks, topics, k)
    fields: list[dict[str, Any]] = [{} for _ in items]
    for language, positions in group_by_language(items).items():
        run = _chinese if language == "zh" else _english
        for position, found in zip(positions, run([items[i] for i in positions], wanted,
                                                  topics, k), strict=True):
            fields[position] = found
    results = [Analysis(**f) for f in fields]
    return results[0] if single else results


def tasks_to_run(tasks: Sequence[str] | str | None, topics: object) -> list[str]:
    """The tasks named, or (``None``) the defaults, with "topic" when topics are given."""
    if tasks is None:
        return [*DEFAULT_TASKS, *(["topic"] if topics is not None else [])]
    return [tasks] if isinstance(tasks, str) else list(tasks)


def _check(tasks: Sequence[str] | None, topics: object, k: int) -> set[str]:
    wanted = set(tasks_to_run(tasks, topics))
    unknown = sorted(wanted - set(TASKS))
    if unknown or not wanted:
        raise LeptonError(E.E714, unknown=unknown or "none given", allowed=", ".join(TASKS))
    if "topic" in wanted and topics is None:
        raise LeptonError(E.E715)
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise LeptonError(E.E701, k=k)
    return wanted


def _english(texts: list[str], wanted: set[str], topics: Any, k: int) -> list[dict[str, Any]]:
    from lepton_ai.models.loader import load_encoder
    from lepton_ai.tasks.zero_shot import ZeroShotClassifier
    from lepton_ai.text.phrases import candidates_of, english_docs

    found: dict[str, list[Any]] = {}
    if "sentiment" in wanted:
        found["sentiment"] = sentiment(texts, lang="en")
    if "ner" in wanted:
        found["entities"] = ner(texts, lang="en")
    docs = list(english_docs(texts, tags=True, entities=False)) if "keywords" in wanted else []
    if wanted & {"topic", "keywords"}:
        encoder = load_encoder(choose_model(texts, None, "en"))
        vectors = encoder.encode(texts, role="document")  # the shared pass
        if "topic" in wanted:
            classifier = ZeroShotClassifier.from_labels(topics, encoder)
            found["topic"] = [classification_of(row, classifier.labels, False)
                              for row in classifier.probabilities_from_vectors(vectors)]
        if "keywords" in wanted:
            candidates = [candidates_of(doc) for doc in docs]
            found["keywords"] = embedding_keywords(texts, candidates, encoder, k,
                                                   KEYWORD_DIVERSITY, text_vectors=vectors)
    return _per_text(found, len(texts))


def _chinese(texts: list[str], wanted: set[str], topics: Any, k: int) -> list[dict[str, Any]]:
    found: dict[str, list[Any]] = {}
    if "sentiment" in wanted:
        found["sentiment"] = sentiment(texts, lang="zh")
    if "topic" in wanted:
        found["topic"] = classify(texts, labels=topics, lang="zh")
    if "ner" in wanted:
        found["entities"] = ner(texts, lang="zh")
    if "keywords" in wanted:
        found["keywords"] = keywords(texts, k, lang="zh")
    return _per_text(found, len(texts))


def _per_text(found: dict[str, list[Any]], n: int) -> list[dict[str, Any]]:
    return [{name: values[i] for name, values in found.items()} for i in range(n)]


class AnalyzeOptions(Options):
    """Options of :func:`analyze`."""

    tasks: list[Literal["sentiment", "topic", "ner", "keywords"]] | None = Field(
        None, min_length=1, description="Comma-separated on the command line. Default: "
        "sentiment, ner, keywords, and topic when topics are given.")
    topics: list[str] | dict[str, str] | None = Field(
        None, description="The topic task's labels (comma-separated on the command line), "
        "or name -> description.")
    k: int = Field(5, ge=1, le=100, description="Key phrases per text.")


TASK = TaskDeclaration(
    name="analyze", version="v1", summary="Several tasks over the same texts in one pass.",
    function=analyze, options=AnalyzeOptions, result=Analysis,
    defaults={"en": "the tasks' defaults, one shared encoder pass",
              "zh": "the tasks' Chinese defaults"},
    # Written by hand: it also runs as a Ray Data job (--ray).
    custom_cli=True, cli_parsers={"tasks": comma_labels, "topics": comma_labels})
