"""The lexical half of hybrid retrieval: BM25 (bm25s) over words of both languages.

English words are lower-cased, stop words dropped and the rest stemmed (Snowball,
PyStemmer); Chinese runs are cut by jieba's search mode, which also emits the
shorter words inside long ones ("信用卡年费" → 信用, 信用卡, 年费), so a
customer's wording matches a FAQ's even where segmentation differs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

_RUNS = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[^\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
#: Chinese function words that carry no meaning for matching.
_ZH_STOP = frozenset((
    "的", "了", "吗", "呢", "吧", "啊", "是", "我", "你", "在", "有", "和", "与", "就", "都",
    "也", "要", "会", "能", "怎么", "如何", "什么", "请问", "一下"))


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _english_stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def analyse(text: str) -> list[str]:
    """The index terms of ``text`` (both languages, in order)."""
    import jieba

    stop = _english_stopwords()
    terms: list[str] = []
    latin: list[str] = []
    for run in _RUNS.findall(text):
        if _CJK.match(run):
            terms.extend(word for word in jieba.cut_for_search(run) if word not in _ZH_STOP)
        else:
            word = run.lower()
            if word not in stop:
                latin.append(word)
                terms.append(word)
    if latin:  # stem in one call: PyStemmer's batch API is much faster than per word
        stems = iter(_stemmer().stemWords(latin))
        terms = [next(stems) if not _CJK.match(term) else term for term in terms]
    return terms


class LexicalIndex:
    """BM25 scores of a query against every passage.

    Example:
        >>> index = LexicalIndex(["How do I reset my password?", "信用卡年费是多少"])
        >>> [round(s, 2) > 0 for s in index.scores("password reset")]
        [True, False]
    """

    def __init__(self, passages: Sequence[str]) -> None:
        import bm25s

        self.size = len(passages)
        self._bm25 = bm25s.BM25()
        self._bm25.index([analyse(text) or ["\0"] for text in passages], show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """One BM25 score per passage (0 where no term matches)."""
        terms = analyse(query)
        if not terms or self.size == 0:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
