"""Key phrases of texts: ``lai.keywords``.

Two scorers over the same candidates (noun phrases, see ``text/phrases.py``):

- ``embedding`` (default): EmbedRank / KeyBERT style. The text and its candidates
  are embedded by one sentence encoder; candidates are ranked by cosine to the
  text, picked with maximal marginal relevance so near-duplicates do not fill the
  list (``diversity`` 0 = pure relevance).
- ``statistical``: TF-IDF, no encoder, thousands of texts per second. English
  document frequencies come from the texts of the call plus any ``background``
  texts, so pass many texts (or a background corpus) at once. Chinese ones come
  from a table that ships with the package (``defaults/lexicons/
  zh_document_frequencies.json``, built by ``bench/build_zh_document_frequencies.py``
  from Chinese Wikipedia sentences and travel dialogues), over the compounds of
  ``text/zh_phrases.py``, with a bonus for the first sentence (a title).

Both favour phrases that occur early (titles and first sentences name the topic).
``method="auto"`` uses the embedding scorer for English (Inspec F1@10) and the
statistical one for Chinese: on our Chinese development set the encoder's rerank
gains nothing (docs/benchmarks.md, ``bench/keywords_zh.py``).
"""

from __future__ import annotations

import functools
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, overload

import numpy as np
from pydantic import Field

from lepton_ai.data.tables import texts_from_file
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.encoders import Encoder
from lepton_ai.models.loader import load_encoder
from lepton_ai.models.registry import DEFAULT_ENGLISH
from lepton_ai.tasks.declaration import AnalysisPart, Options, TaskDeclaration, local_only
from lepton_ai.tasks.embed import Lang, as_text_list, choose_model
from lepton_ai.text.lang import has_cjk
from lepton_ai.text.phrases import Candidate, english_candidates
from lepton_ai.text.zh_phrases import chinese_candidates

Method = Literal["auto", "embedding", "statistical"]
METHODS: tuple[str, ...] = ("auto", "embedding", "statistical")
#: Document frequencies of Chinese words (see bench/build_zh_document_frequencies.py).
ZH_DOCUMENT_FREQUENCIES = (Path(__file__).resolve().parent.parent / "defaults" / "lexicons"
                           / "zh_document_frequencies.json")
#: Chinese candidates the embedding method reranks (the statistical best, none nested).
CHINESE_SHORTLIST = 20


@dataclass(frozen=True)
class Keyword:
    """A key phrase of one text: its words, score and first place in the text."""

    phrase: str
    score: float
    start: int
    end: int


@overload
def keywords(texts: str, k: int = ..., *, method: Method = ..., lang: Lang = ...,
             model: str | Path | None = ..., diversity: float = ...,
             background: Sequence[str] | None = ...) -> list[Keyword]: ...
@overload
def keywords(texts: Sequence[str], k: int = ..., *, method: Method = ..., lang: Lang = ...,
             model: str | Path | None = ..., diversity: float = ...,
             background: Sequence[str] | None = ...) -> list[list[Keyword]]: ...
def keywords(
    texts: str | Sequence[str],
    k: int = 10,
    *,
    method: Method = "auto",
    lang: Lang = "auto",
    model: str | Path | None = None,
    diversity: float = 0.3,
    background: Sequence[str] | None = None,
) -> list[Keyword] | list[list[Keyword]]:
    """The ``k`` best key phrases of each text, best first.

    One text in, one list out; a list in, a list of lists out. ``model`` is the
    encoder of the embedding method (default: by ``lang``, as in ``lai.embed``).
    The embedding method lists phrases in the order maximal marginal relevance
    picks them, each with its relevance (cosine to the text × position weight);
    the statistical method lists them by TF-IDF score. ``background`` texts only
    add document frequencies (English statistical method).
    """
    items, single = as_text_list(texts)
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        raise LeptonError(E.E701, k=k)
    if method not in METHODS:
        raise LeptonError(E.E702, method=method, allowed=", ".join(METHODS))
    if not 0.0 <= diversity <= 1.0:
        raise LeptonError(E.E703, diversity=diversity)
    if lang not in ("auto", "en", "zh", "multi"):
        choose_model(items, None, lang)  # raises the coded error naming the choices
    # Candidates are per text, so (unlike lai.embed) language is decided per text.
    chinese = [lang == "zh" or (lang in ("auto", "multi") and has_cjk(t)) for t in items]
    results: list[list[Keyword]] = [[] for _ in items]
    for is_chinese in (False, True):
        indices = [i for i, flag in enumerate(chinese) if flag == is_chinese]
        if indices:
            encoder_lang = "zh" if is_chinese else ("multi" if lang == "multi" else "en")
            found = _extract([items[i] for i in indices], k, method, is_chinese,
                             model, encoder_lang, diversity, background)
            for index, row in zip(indices, found, strict=True):
                results[index] = row
    return results[0] if single else results


def _extract(
    texts: list[str], k: int, method: str, chinese: bool, model: str | Path | None,
    encoder_lang: str, diversity: float, background: Sequence[str] | None,
) -> list[list[Keyword]]:
    if method == "auto":
        method = "statistical" if chinese else "embedding"
    if chinese:
        candidates = chinese_candidates(texts)
        scorer = ChineseTfIdf.shipped()
        if method == "statistical":
            return [scorer.top(found, k) for found in candidates]
        # The encoder reranks the statistical shortlist: embedding every n-gram is slow.
        shortlists = [scorer.shortlist(found, CHINESE_SHORTLIST) for found in candidates]
        encoder = load_encoder(choose_model(texts, model, encoder_lang))
        return chinese_embedding_keywords(texts, shortlists, scorer, encoder, k, diversity)
    else:
        candidates = english_candidates(texts)
        if method == "statistical":
            return TfIdfScorer(candidates, background).top(candidates, k)
    encoder = load_encoder(choose_model(texts, model, encoder_lang))
    return embedding_keywords(texts, candidates, encoder, k, diversity)


def embedding_keywords(
    texts: Sequence[str], candidates: Sequence[Sequence[Candidate]], encoder: Encoder,
    k: int, diversity: float, text_vectors: np.ndarray | None = None,
) -> list[list[Keyword]]:
    """Rank each text's candidates by the embedding scorer.

    ``text_vectors`` (the texts' vectors from ``encoder``, when the caller has
    them already) spare encoding the texts again.
    """
    phrases = [c.phrase for found in candidates for c in found]
    if text_vectors is None:
        # One encoder call for every text and candidate: the encoder batches by length.
        vectors = encoder.encode([*texts, *phrases], role="document")
        text_vectors, phrase_vectors = vectors[: len(texts)], vectors[len(texts) :]
    else:
        phrase_vectors = encoder.encode(phrases, role="document") if phrases else (
            np.zeros((0, text_vectors.shape[1]), dtype=np.float32))
    results, first = [], 0
    for text_vector, found in zip(text_vectors, candidates, strict=True):
        own = phrase_vectors[first : first + len(found)]
        first += len(found)
        results.append(_embedding_top(text_vector, own, found, k, diversity))
    return results


def chinese_embedding_keywords(
    texts: Sequence[str], shortlists: Sequence[Sequence[Candidate]], scorer: ChineseTfIdf,
    encoder: Encoder, k: int, diversity: float,
) -> list[list[Keyword]]:
    """Chinese shortlists reranked by statistical score × (1 + cosine to the text), with MMR.

    The statistical score is divided by the text's best, so relevance and the
    similarity MMR subtracts are on one scale.
    """
    phrases = [c.phrase for found in shortlists for c in found]
    vectors = encoder.encode([*texts, *phrases], role="document")
    text_vectors, phrase_vectors = vectors[: len(texts)], vectors[len(texts) :]
    results, first = [], 0
    for text_vector, found in zip(text_vectors, shortlists, strict=True):
        own = phrase_vectors[first : first + len(found)]
        first += len(found)
        if not found:
            results.append([])
            continue
        statistical = np.array([scorer.score(c) for c in found], dtype=np.float32)
        relevance = statistical / statistical.max() * (1.0 + np.clip(own @ text_vector, 0, 1))
        chosen = maximal_marginal_relevance(relevance, own, k, diversity)
        results.append([_keyword(found[i], float(relevance[i])) for i in chosen])
    return results


def position_weight(candidate: Candidate) -> float:
    """Earlier phrases weigh more: 1 + 1/(1 + first word index / 10)."""
    return 1.0 + 1.0 / (1.0 + candidate.word_position / 10.0)


class TfIdfScorer:
    """TF-IDF of candidates, document frequencies from the call and a background."""

    def __init__(
        self, candidates: Sequence[Sequence[Candidate]], background: Sequence[str] | None
    ) -> None:
        frequencies: Counter[str] = Counter()
        for found in candidates:
            frequencies.update(c.key for c in found)
        documents = len(candidates)
        if background:
            for found in english_candidates(list(background)):
                frequencies.update(c.key for c in found)
            documents += len(background)
        self.frequencies = frequencies
        self.documents = documents

    def idf(self, key: str) -> float:
        """Smoothed inverse document frequency (scikit-learn's formula)."""
        return math.log((1 + self.documents) / (1 + self.frequencies[key])) + 1.0

    def score(self, candidate: Candidate) -> float:
        """Sublinear TF × IDF × words × position: longer, earlier, rarer phrases win."""
        tf = 1.0 + math.log(candidate.count)
        return tf * self.idf(candidate.key) * candidate.words * position_weight(candidate)

    def top(self, candidates: Sequence[Sequence[Candidate]], k: int) -> list[list[Keyword]]:
        """The ``k`` best of each text's candidates."""
        results = []
        for found in candidates:
            scored = sorted(((self.score(c), c) for c in found), key=lambda pair: -pair[0])[:k]
            results.append([_keyword(c, score) for score, c in scored])
        return results


class ChineseTfIdf:
    """TF-IDF of Chinese candidates (``text/zh_phrases.py``) from a document-frequency table.

    score = (1 + ln own count) × mean IDF of its words × 2 if in the first sentence
    × (1 + 0.5 / (1 + first offset / 30)) × a bonus for two (1.3) or three (1.21)
    words, the length authors' key phrases mostly have. "Own count" leaves out the
    mentions inside longer candidates (血糖 in 血糖波动), as C-value does. The picks
    skip any candidate that contains, or is contained in, one already picked.
    """

    LENGTH_BONUS: ClassVar[dict[int, float]] = {2: 1.3, 3: 1.21}

    def __init__(self, frequencies: dict[str, int], documents: int) -> None:
        self.frequencies = frequencies
        self.documents = documents

    @classmethod
    def shipped(cls) -> ChineseTfIdf:
        """The scorer over the table that ships with the package (read once)."""
        return _shipped_chinese_scorer()

    def idf(self, word: str) -> float:
        """Smoothed inverse document frequency (scikit-learn's formula)."""
        return math.log((1 + self.documents) / (1 + self.frequencies.get(word, 0))) + 1.0

    def score(self, candidate: Candidate) -> float:
        """The candidate's score; see the class docstring."""
        own = max(candidate.count - candidate.nested, 0.5) if candidate.nested else (
            candidate.count)
        parts = candidate.parts or (candidate.key,)
        idf = sum(self.idf(word) for word in parts) / len(parts)
        value = (1.0 + math.log(own)) * idf * (2.0 if candidate.in_lead else 1.0)
        value *= 1.0 + 0.5 / (1.0 + candidate.start / 30.0)
        return value * self.LENGTH_BONUS.get(candidate.words, 1.0)

    def shortlist(self, found: Sequence[Candidate], n: int) -> list[Candidate]:
        """The ``n`` best candidates, none inside another, best first."""
        ranked = sorted(found, key=self.score, reverse=True)
        chosen: list[Candidate] = []
        for candidate in ranked:
            if not any(candidate.key in c.key or c.key in candidate.key for c in chosen):
                chosen.append(candidate)
                if len(chosen) == n:
                    break
        return chosen

    def top(self, found: Sequence[Candidate], k: int) -> list[Keyword]:
        """The ``k`` best key phrases of one text."""
        return [_keyword(c, self.score(c)) for c in self.shortlist(found, k)]


@functools.cache
def _shipped_chinese_scorer() -> ChineseTfIdf:
    table = json.loads(ZH_DOCUMENT_FREQUENCIES.read_text(encoding="utf-8"))
    return ChineseTfIdf(table["frequencies"], table["documents"])


def _embedding_top(
    text_vector: np.ndarray, vectors: np.ndarray, found: Sequence[Candidate], k: int,
    diversity: float,
) -> list[Keyword]:
    if not found:
        return []
    weights = np.array([position_weight(c) for c in found], dtype=np.float32)
    relevance = (vectors @ text_vector) * weights
    chosen = maximal_marginal_relevance(relevance, vectors, k, diversity)
    return [_keyword(found[i], float(relevance[i])) for i in chosen]


def maximal_marginal_relevance(
    relevance: np.ndarray, vectors: np.ndarray, k: int, diversity: float
) -> list[int]:
    """Indices picked one by one for relevance minus similarity to those already picked.

    ``diversity`` 0 ranks by relevance alone; 1 cares only about being unlike the
    picks so far (Carbonell & Goldstein, 1998).
    """
    chosen: list[int] = []
    remaining = list(range(len(relevance)))
    while remaining and len(chosen) < k:
        if chosen:
            redundancy = (vectors[remaining] @ vectors[chosen].T).max(axis=1)
        else:
            redundancy = np.zeros(len(remaining), dtype=np.float32)
        value = (1 - diversity) * relevance[remaining] - diversity * redundancy
        best = remaining[int(np.argmax(value))]
        chosen.append(best)
        remaining.remove(best)
    return chosen


def _keyword(candidate: Candidate, score: float) -> Keyword:
    return Keyword(candidate.phrase, round(float(score), 6), candidate.start, candidate.end)


class KeywordOptions(Options):
    """Options of :func:`keywords`."""

    k: int = Field(10, ge=1, le=100, description="Key phrases per text.")
    method: Method = Field("auto", description="auto (embedding for English, statistical "
                           "for Chinese) | embedding | statistical")
    lang: Literal["auto", "en", "zh", "multi"] = Field(
        "auto", description="auto decides per text; en | zh | multi force one.")
    diversity: float = Field(0.3, ge=0.0, le=1.0, description="0 ranks by relevance only; "
                             "higher keeps near-duplicate phrases out (MMR).")
    model: str | None = Field(None, description="The embedding method's encoder: a "
                              "registered name or a local folder.",
                              json_schema_extra=local_only())
    background: list[str] | None = Field(
        None, description="Texts that only add document frequencies (statistical, "
        "English); on the command line a file of texts.", json_schema_extra=local_only())


TASK = TaskDeclaration(
    name="keywords", version="v1", summary="Key phrases, best first, with offsets.",
    function=keywords, options=KeywordOptions, result=Keyword, many=True,
    defaults={"en": f"spaCy candidates ranked by {DEFAULT_ENGLISH} + MMR",
              "zh": "jieba compounds ranked by TF-IDF (shipped table) + position"},
    analysis=AnalysisPart("keywords", field="keywords"),
    cli_parsers={"background": texts_from_file})
