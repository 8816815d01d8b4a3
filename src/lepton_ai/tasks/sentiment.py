"""Sentiment: positive / negative / neutral, English and Chinese.

Every sentiment model here gives, per text, probabilities over the sentiment
labels it knows. Binary models (positive/negative) call a text neutral when
they are undecided: ``|P(positive) - P(negative)| < neutral_band``. Models
trained with a ``neutral`` label decide it themselves.

Models, by name (``model=``):

- ``goemotions-fin-minilm`` — the shipped English default, general and financial text
  (``domain="finance"`` picks it too): a LoRA adapter and head (negative / neutral /
  positive) on all-MiniLM-L6-v2, trained by this project on GoEmotions' sentiment
  grouping (Apache-2.0) and financial news tweets (MIT); model card in its folder.
- ``goemotions-minilm`` — the earlier English default: a head on frozen MiniLM vectors,
  GoEmotions only. Models trained on evaluation-only sets (SST-2: no licence stated)
  are recipes, never shipped.
- ``vader`` — VADER's English lexicon and rules (``nltk-vader-sentiment``).
- ``snownlp`` — SnowNLP's naive Bayes model trained on Chinese product reviews. It
  reads financial news poorly ("股价大跌" comes out positive).
- ``zh-lexicon`` — the project's Chinese financial/news lexicon with negation,
  degree, contrast and direction-of-change rules (:mod:`lepton_ai.text.zh_polarity`).
- ``goemotions-fin-use`` — a head on the frozen multilingual USE encoder trained on
  English permissive data (GoEmotions + financial news tweets): it reads Chinese by
  cross-lingual transfer.
- ``zh-fusion`` — the Chinese default: the mean of the probabilities of
  ``zh-lexicon``, ``goemotions-fin-use`` and ``snownlp`` (equal weights, fixed before
  any measurement). No permissively licensed Chinese sentiment corpus exists to train
  a shipped model; the three members err differently (rules miss unlisted words, the
  transferred head misses Chinese idiom, SnowNLP knows reviews only), and their mean
  beats each on financial text and on reviews (docs/benchmarks.md).
- a directory written by ``lai.train`` whose labels are sentiment names (or
  mapped to them with ``labels=``), e.g. a ChnSentiCorp model the user trains.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, overload

import numpy as np
from pydantic import Field

from lepton_ai.artifacts.manifest import model_cache
from lepton_ai.data.tables import json_from_file
from lepton_ai.errors import E, LeptonError
from lepton_ai.tasks.declaration import AnalysisPart, Options, TaskDeclaration, local_only
from lepton_ai.tasks.embed import as_text_list
from lepton_ai.text.lang import group_by_language

POSITIVE, NEGATIVE, NEUTRAL = "positive", "negative", "neutral"
SENTIMENT_LABELS = (NEGATIVE, NEUTRAL, POSITIVE)
SHIPPED = Path(__file__).resolve().parent.parent / "defaults" / "sentiment"

#: (language, domain) -> model name. "general" is what ``domain=None`` means.
DEFAULT_MODELS: dict[tuple[str, str], str] = {
    ("en", "general"): "goemotions-fin-minilm",
    ("en", "finance"): "goemotions-fin-minilm",
    ("en", "reviews"): "goemotions-fin-minilm",
    ("en", "social"): "vader",
    ("zh", "general"): "zh-fusion",
    ("zh", "finance"): "zh-fusion",
    ("zh", "reviews"): "zh-fusion",
}
#: The members of ``zh-fusion``, averaged with equal weights.
ZH_FUSION = ("zh-lexicon", "goemotions-fin-use", "snownlp")


@dataclass(frozen=True)
class Sentiment:
    """The sentiment of one text.

    ``label``: positive, negative or neutral; ``score``: the model's confidence
    in it (0–1); ``polarity``: P(positive) − P(negative), from −1 to 1;
    ``model``: which model decided.
    """

    label: str
    score: float
    polarity: float
    model: str


class SentimentModel(Protocol):
    """Probabilities over ``labels`` (a subset of positive/negative/neutral)."""

    name: str
    labels: tuple[str, ...]

    def probabilities(self, texts: Sequence[str]) -> np.ndarray: ...


class BinaryPackagedModel:
    """A packaged baseline that gives P(positive) per text (labels negative, positive)."""

    name = ""
    labels = (NEGATIVE, POSITIVE)

    def positive(self, text: str) -> float:
        """P(positive) of one text."""
        raise NotImplementedError

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        positive = np.array([self.positive(t) for t in texts], dtype=float)
        return np.stack([1.0 - positive, positive], axis=1) if texts else np.zeros((0, 2))


class VaderModel(BinaryPackagedModel):
    """VADER's compound score in [−1, 1], read as P(positive) = (1 + compound) / 2."""

    name = "vader"

    def __init__(self) -> None:
        from lepton_ai.dependencies import require

        require("vader", "the VADER English sentiment lexicon",
                "nltk-vader-sentiment==1.0.0  (or: pip install 'lepton-ai[nlp]')")
        from vader import SentimentIntensityAnalyzer

        self.analyzer = SentimentIntensityAnalyzer()

    def positive(self, text: str) -> float:
        return (1.0 + self.analyzer.polarity_scores(text)["compound"]) / 2.0


class SnowNLPModel(BinaryPackagedModel):
    """SnowNLP's P(positive) for Chinese text (naive Bayes on product reviews), computed
    from the package's data without importing it (``text/snownlp_compact.py``: the same
    probabilities in ~50 MB instead of ~410 MB)."""

    name = "snownlp"

    def __init__(self) -> None:
        import importlib.util

        from lepton_ai.dependencies import require
        from lepton_ai.settings import settings
        from lepton_ai.text.snownlp_compact import load_sentiment

        require("snownlp", "the SnowNLP Chinese sentiment model",
                "snownlp==0.12.3  (or: pip install 'lepton-ai[nlp]')")
        spec = importlib.util.find_spec("snownlp")
        assert spec is not None and spec.submodule_search_locations
        self.model = load_sentiment(Path(spec.submodule_search_locations[0]),
                                    settings.cache_dir)

    def positive(self, text: str) -> float:
        # Empty text has no words; SnowNLP would answer its class prior.
        return self.model.positive(text) if text.strip() else 0.5


class ChineseLexiconModel:
    """The project's Chinese financial/news lexicon and rules (3-way)."""

    name = "zh-lexicon"
    labels = SENTIMENT_LABELS

    def __init__(self) -> None:
        from lepton_ai.text.zh_polarity import chinese_polarity

        self.polarity = chinese_polarity()

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return np.array(self.polarity.probabilities(texts), dtype=float).reshape(-1, 3)


class FusedModel:
    """The mean of several models' probabilities over negative / neutral / positive
    (a binary member puts nothing on neutral)."""

    labels = SENTIMENT_LABELS

    def __init__(self, name: str, members: Sequence[SentimentModel]) -> None:
        self.name = name
        self.members = tuple(members)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        total = np.zeros((len(texts), len(SENTIMENT_LABELS)))
        for member in self.members:
            rows = member.probabilities(texts)
            for column, label in enumerate(member.labels):
                total[:, SENTIMENT_LABELS.index(label)] += rows[:, column]
        return total / len(self.members)


class TrainedSentimentModel:
    """A classifier directory from ``lai.train`` whose labels mean sentiments."""

    def __init__(self, folder: Path, label_names: Mapping[str, str] | None = None) -> None:
        from lepton_ai.settings import settings
        from lepton_ai.tasks.classify import TextClassifier

        # The encoder at the configured precision (int8 on CPUs with VNNI, checked
        # against fp32 on load): the shipped English model scores the same in int8 on
        # its held-out sets and runs 1.8-2.4x faster (docs/benchmarks.md, issue 21).
        self.classifier = TextClassifier.load(folder, precision=settings.precision)
        self.name = folder.name
        mapping = dict(label_names or {})
        found = self.classifier.labels
        named = [mapping.get(label, label).lower() for label in found]
        if any(n not in SENTIMENT_LABELS for n in named) or len(set(named)) != len(named):
            raise LeptonError(E.E708, path=folder, found=found,
                              example={label: "negative|positive" for label in found[:2]})
        self.labels = tuple(named)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        return self.classifier.predict_proba(list(texts))


@model_cache("sentiment model")
def load_sentiment_model(
    name: str, label_names: tuple[tuple[str, str], ...] = ()
) -> SentimentModel:
    """A sentiment model by name (see the module docstring) or directory path."""
    if name == "vader":
        return VaderModel()
    if name == "snownlp":
        return SnowNLPModel()
    if name == "zh-lexicon":
        return ChineseLexiconModel()
    if name == "zh-fusion":
        return FusedModel(name, [load_sentiment_model(member) for member in ZH_FUSION])
    folder = SHIPPED / name if (SHIPPED / name).is_dir() else Path(name)
    if not folder.is_dir():
        raise LeptonError(E.E709, name=name, known=sorted(_named_models()))
    return TrainedSentimentModel(folder, dict(label_names))


def _named_models() -> set[str]:
    shipped = SHIPPED.iterdir() if SHIPPED.is_dir() else ()
    return {"vader", "snownlp", "zh-lexicon", "zh-fusion",
            *(p.name for p in shipped if p.is_dir())}


def default_model(lang: str, domain: str | None) -> str:
    """The model name for a language and domain; LAI-E710 lists the choices."""
    key = (lang, domain or "general")
    if key not in DEFAULT_MODELS:
        choices = sorted({d for (lg, d) in DEFAULT_MODELS if lg == lang})
        raise LeptonError(E.E710, domain=domain, lang=lang, choices=choices)
    return DEFAULT_MODELS[key]


def decide(
    row: np.ndarray, labels: Sequence[str], model: str, neutral_band: float
) -> Sentiment:
    """Turn one row of probabilities into a :class:`Sentiment`."""
    probability = dict(zip(labels, (float(p) for p in row), strict=True))
    polarity = probability.get(POSITIVE, 0.0) - probability.get(NEGATIVE, 0.0)
    if NEUTRAL in probability and neutral_band > 0:
        label = max(probability, key=probability.__getitem__)
        score = probability[label]
    elif abs(polarity) < neutral_band:
        label, score = NEUTRAL, 1.0 - abs(polarity)
    else:
        label = POSITIVE if polarity > 0 else NEGATIVE
        score = probability[label]
    return Sentiment(label, round(score, 6), round(polarity, 6), model)


@overload
def sentiment(texts: str, *, lang: str = ..., domain: str | None = ...,
              model: str | Path | None = ..., labels: Mapping[str, str] | None = ...,
              neutral_band: float = ...) -> Sentiment: ...
@overload
def sentiment(texts: Sequence[str], *, lang: str = ..., domain: str | None = ...,
              model: str | Path | None = ..., labels: Mapping[str, str] | None = ...,
              neutral_band: float = ...) -> list[Sentiment]: ...
def sentiment(
    texts: str | Sequence[str],
    *,
    lang: str = "auto",
    domain: str | None = None,
    model: str | Path | None = None,
    labels: Mapping[str, str] | None = None,
    neutral_band: float = 0.05,
) -> Sentiment | list[Sentiment]:
    """Positive, negative or neutral, with a score, for each text.

    ``lang="auto"`` decides per text (Chinese characters → Chinese model).
    ``domain`` picks a default model for a kind of text ("reviews", "social");
    ``model`` names one (see the module docstring) or a trained model
    directory, whose label names ``labels`` may map, e.g. ``{"0": "negative",
    "1": "positive"}``. A binary model calls a text neutral when
    ``|polarity| < neutral_band``; pass 0 to always choose a side.
    """
    items, single = as_text_list(texts)
    groups = group_by_language(items, lang)
    if not 0.0 <= neutral_band < 1.0:
        raise LeptonError(E.E712, value=neutral_band)
    results: list[Sentiment | None] = [None] * len(items)
    mapping = tuple(sorted((labels or {}).items()))
    for language, positions in groups.items():
        chosen = str(model) if model is not None else default_model(language, domain)
        engine = load_sentiment_model(chosen, mapping)
        rows = engine.probabilities([items[i] for i in positions])
        for position, row in zip(positions, rows, strict=True):
            results[position] = decide(row, engine.labels, engine.name, neutral_band)
    final = [r for r in results if r is not None]
    return final[0] if single else final


class SentimentOptions(Options):
    """Options of :func:`sentiment`."""

    lang: Literal["auto", "en", "zh"] = Field("auto", description="auto decides per text.")
    domain: Literal["general", "finance", "reviews", "social"] | None = Field(
        None, description="Pick the default model for this kind of text (general when unset).")
    neutral_band: float = Field(
        0.05, ge=0.0, lt=1.0, description="Binary models answer neutral when "
        "|P(positive) - P(negative)| is below this; 0 never answers neutral.")
    model: str | None = Field(
        None, description="vader | snownlp | zh-lexicon | zh-fusion | goemotions-minilm | "
        "goemotions-fin-use | a trained model directory with sentiment labels.",
        json_schema_extra=local_only())
    labels: dict[str, str] | None = Field(
        None, description="A trained model's label -> positive/negative/neutral; on the "
        "command line a JSON file.", json_schema_extra=local_only())


TASK = TaskDeclaration(
    name="sentiment", version="v1", summary="Positive, negative or neutral, with scores.",
    function=sentiment, options=SentimentOptions, result=Sentiment,
    defaults={lang: model for (lang, domain), model in DEFAULT_MODELS.items()
              if domain == "general"},
    analysis=AnalysisPart("sentiment", field="sentiment"), cli_parsers={"labels": json_from_file})
