"""Key phrases of texts: ``lai.keywords``.

Two scorers over the same candidates (noun phrases, see ``text/phrases.py``):

- ``embedding`` (default): EmbedRank / KeyBERT style. The text and its candidates
  are embedded by one sentence encoder; candidates are ranked by cosine to the
  text, picked with maximal marginal relevance so near-duplicates do not fill the
  list (``diversity`` 0 = pure relevance).
- ``statistical``: TF-IDF, no encoder, thousands of texts per second. Document
  frequencies come from the texts of the call plus any ``background`` texts, so
  pass many texts (or a background corpus) at once. Chinese uses jieba's TF-IDF
  with its own document frequencies from a large general corpus.

Both favour phrases that occur early (titles and first sentences name the topic).
``method="auto"`` uses the embedding scorer for English (Inspec F1@10, see
docs/benchmarks.md) and jieba's TF-IDF for Chinese, whose sentence vectors
(USE) separate short Chinese phrases poorly.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, overload

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
from lepton_ai.text.phrases import Candidate, chinese_candidates, english_candidates

Method = Literal["auto", "embedding", "statistical"]
METHODS: tuple[str, ...] = ("auto", "embedding", "statistical")


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
    if method == "statistical" and chinese:
        return [_jieba_tfidf(text, k) for text in texts]
    candidates = (chinese_candidates if chinese else english_candidates)(texts)
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


def _jieba_tfidf(text: str, k: int) -> list[Keyword]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from lepton_ai.text.phrases import quiet_jieba

    quiet_jieba()
    import jieba.analyse

    tags = jieba.analyse.extract_tags(
        text, topK=2 * k + 5, withWeight=True,
        allowPOS=("n", "nr", "ns", "nt", "nz", "vn", "an", "eng"),
    )
    results = []
    for word, weight in tags:
        start = text.find(word)
        latin = word.isascii() and word.isalpha()
        # jieba cuts Latin words at accented letters ("café" -> "caf"): keep whole words only.
        if latin and (word.lower() in ENGLISH_STOP_WORDS or not _whole_word(text, start,
                                                                            len(word))):
            continue
        results.append(Keyword(word, round(float(weight), 6), start, start + len(word)))
    return results[:k]


def _whole_word(text: str, start: int, length: int) -> bool:
    """No letter of a non-CJK word touches the span on either side."""
    around = text[start - 1 : start] + text[start + length : start + length + 1]
    return not any(ch.isalpha() and not has_cjk(ch) for ch in around)


class KeywordOptions(Options):
    """Options of :func:`keywords`."""

    k: int = Field(10, ge=1, le=100, description="Key phrases per text.")
    method: Method = Field("auto", description="auto (embedding for English, jieba TF-IDF "
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
              "zh": "jieba TF-IDF"},
    analysis=AnalysisPart("keywords", field="keywords"),
    cli_parsers={"background": texts_from_file})
