"""What the monitor works out for each document: language, 3-way sentiment, entities,
the watched names it mentions (through their aliases and, optionally, any
``$TICKER``), topic and key phrases — one batched :func:`lepton_ai.analyze` call per
batch of documents.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lepton_ai.solutions.monitor.configuration import AnalysisConfig, WatchedName
from lepton_ai.tasks.analyze import analyze
from lepton_ai.tasks.classify import classify
from lepton_ai.tasks.knowledge import Knowledge
from lepton_ai.tasks.sentiment import sentiment
from lepton_ai.text.lang import has_cjk

WATCHED_LABEL = "WATCHED"
CASHTAG = re.compile(r"(?<![\w$])\$([A-Za-z][A-Za-z.]{0,5})(?![\w])")
#: How much of an entity list is kept per document.
ENTITIES_KEPT = 20


@dataclass(frozen=True)
class DocumentAnalysis:
    """The analysis of one document."""

    lang: str
    sentiment: str | None = None
    polarity: float = 0.0
    watched: tuple[str, ...] = ()
    entities: tuple[tuple[str, str], ...] = ()
    topic: str | None = None
    keywords: tuple[str, ...] = ()

    @property
    def negative(self) -> bool:
        """Whether the document reads negative."""
        return self.sentiment == "negative"


class WatchList:
    """The names to follow, found in text through their aliases (and cashtags)."""

    def __init__(self, names: Sequence[WatchedName], cashtags: bool = False) -> None:
        self.cashtags = cashtags
        self.knowledge = Knowledge(
            {"name": n.name, "label": WATCHED_LABEL, "id": n.id or n.name, "aliases": n.aliases}
            for n in names)

    def __bool__(self) -> bool:
        return bool(self.knowledge.terms) or self.cashtags

    def find(self, text: str) -> tuple[str, ...]:
        """The ids of the watched names ``text`` mentions, each once, in order; a
        ``$TICKER`` that is already an alias counts as that name."""
        known = self.knowledge.find(text)
        found = [entity.id or entity.text for entity in known]
        if self.cashtags:
            found.extend("$" + match.group(1).upper().rstrip(".")
                         for match in CASHTAG.finditer(text)
                         if not any(e.start < match.end() and match.start() < e.end
                                    for e in known))
        return tuple(dict.fromkeys(found))


class DocumentAnalyzer:
    """Runs the configured analysis over a batch of texts: one ``lai.analyze`` pass,
    with sentiment and topics from their own models when the config names them.

    Args:
        config: the monitor's ``analysis`` section.
        watch: the watched names.
        folder: where a relative ``topic_model`` / ``sentiment_model`` folder is.
    """

    def __init__(self, config: AnalysisConfig, watch: WatchList,
                 folder: Path = Path(".")) -> None:
        self.config = config
        self.watch = watch
        self.own_sentiment = "sentiment" in config.tasks and bool(
            config.sentiment_model or config.sentiment_domain)
        self.topic_model = (str(_resolved(config.topic_model, folder))
                            if "topic" in config.tasks and config.topic_model else None)
        self.sentiment_model = (str(_resolved(config.sentiment_model, folder))
                                if config.sentiment_model else None)
        skipped = {"sentiment"} if self.own_sentiment else set()
        skipped |= {"topic"} if self.topic_model else set()
        self._tasks = [{"entities": "ner"}.get(task, task) for task in config.tasks
                       if task not in skipped]

    def __call__(self, texts: Sequence[str]) -> list[DocumentAnalysis]:
        """One :class:`DocumentAnalysis` per text, in order."""
        if not texts:
            return []
        items = list(texts)
        results = analyze(items, self._tasks, topics=self.config.topics,
                          k=self.config.keywords_per_document) if self._tasks else None
        sentiments = sentiment(items, domain=self.config.sentiment_domain,
                               model=self.sentiment_model) if self.own_sentiment else None
        topics = classify(items, model=self.topic_model) if self.topic_model else None
        analyses = []
        for position, text in enumerate(texts):
            found = results[position] if results is not None else None
            sentiment_of = (sentiments[position] if sentiments is not None
                            else found.sentiment if found is not None else None)
            topic = (topics[position].label if topics is not None
                     else found.topic.label if found is not None and found.topic else None)
            analyses.append(DocumentAnalysis(
                lang="zh" if has_cjk(text) else "en",
                sentiment=sentiment_of.label if sentiment_of is not None else None,
                polarity=(round(float(sentiment_of.polarity), 4)
                          if sentiment_of is not None else 0.0),
                watched=self.watch.find(text),
                entities=tuple((e.text, e.label) for e in (found.entities or [])[:ENTITIES_KEPT])
                if found is not None else (),
                topic=topic,
                keywords=tuple(k.phrase for k in found.keywords or [])
                if found is not None else (),
            ))
        return analyses


def _resolved(name: str, folder: Path) -> str | Path:
    """A folder relative to the config's, or a registered model name as it is."""
    candidate = folder / name
    return candidate if candidate.exists() else name
