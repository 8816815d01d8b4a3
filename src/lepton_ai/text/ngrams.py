"""Lexical n-gram features (TF-IDF) that a classifier head can add to sentence vectors.

Frozen sentence encoders blur the exact words that decide many domain labels
("退款", "chargeback"); a linear model on n-gram counts keeps them. Chinese is
read character by character (each Han character is a token, so n-grams of 1-3
characters cover words without a segmenter); other scripts word by word.

The vocabulary and IDF weights are plain JSON: loading runs no code. Scoring
needs only NumPy.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lepton_ai.errors import E, LeptonError

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: One Han character, or one run of other letters/digits.
_TOKEN = re.compile(f"[{_HAN}]|[^\\W{_HAN}]+")
FORMAT = "lepton-ngrams/1"


def tokens_of(text: str) -> list[str]:
    """Han characters and lower-cased words of ``text`` (NFKC-normalised)."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).lower())


def ngrams_of(text: str, max_n: int = 3) -> list[str]:
    """Every n-gram of 1..``max_n`` consecutive tokens, joined by a space."""
    tokens = tokens_of(text)
    grams = list(tokens)
    for n in range(2, max_n + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


@dataclass
class NgramVocabulary:
    """The n-grams a head weighs, with their inverse document frequencies."""

    terms: dict[str, int]
    idf: np.ndarray
    max_n: int = 3

    def __len__(self) -> int:
        return len(self.terms)

    @classmethod
    def fit(
        cls, texts: Iterable[str], *, max_terms: int = 100_000, min_count: int = 2, max_n: int = 3
    ) -> NgramVocabulary:
        """Keep the ``max_terms`` n-grams found in the most texts (at least ``min_count``)."""
        document_frequency: Counter[str] = Counter()
        n_texts = 0
        for text in texts:
            document_frequency.update(set(ngrams_of(text, max_n)))
            n_texts += 1
        kept = [g for g, c in document_frequency.most_common(max_terms) if c >= min_count]
        kept.sort()  # a stable, readable order on disk
        # scikit-learn's smoothed IDF: ln((1 + n) / (1 + df)) + 1
        idf = np.array(
            [math.log((1 + n_texts) / (1 + document_frequency[g])) + 1.0 for g in kept],
            dtype=np.float32,
        )
        return cls({g: i for i, g in enumerate(kept)}, idf, max_n)

    def sparse_rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF of each text as COO triplets (row, column, value); rows are L2-normalised.

        Term frequency is sublinear (1 + ln count), as in scikit-learn's ``sublinear_tf``.
        """
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        for row, text in enumerate(texts):
            counts = Counter(g for g in ngrams_of(text, self.max_n) if g in self.terms)
            if not counts:
                continue
            indices = np.fromiter((self.terms[g] for g in counts), np.int64, len(counts))
            frequencies = np.fromiter(counts.values(), np.float32, len(counts))
            weights = (1.0 + np.log(frequencies)) * self.idf[indices]
            weights /= np.linalg.norm(weights)
            rows.extend([row] * len(indices))
            cols.extend(indices.tolist())
            values.extend(weights.tolist())
        return (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                np.asarray(values, dtype=np.float32))

    def scores(self, texts: Sequence[str], weight: np.ndarray) -> np.ndarray:
        """``tfidf(texts) @ weight.T``: ``(n, n_labels)`` from a ``(n_labels, n_terms)`` weight."""
        rows, cols, values = self.sparse_rows(texts)
        out = np.zeros((len(texts), weight.shape[0]), dtype=np.float32)
        if not len(rows):
            return out
        # rows come grouped by text, in order: one reduceat per text (np.add.at is slow)
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] = np.add.reduceat(weight.T[cols] * values[:, None], starts, axis=0)
        return out

    def save(self, file: Path) -> None:
        """Write the vocabulary as JSON (terms in column order, with their IDF)."""
        ordered = sorted(self.terms, key=self.terms.__getitem__)
        payload = {"format": FORMAT, "max_n": self.max_n, "terms": ordered,
                   "idf": [round(float(v), 6) for v in self.idf]}
        file.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, file: Path) -> NgramVocabulary:
        """Read a vocabulary written by :meth:`save`."""
        try:
            payload = json.loads(file.read_text(encoding="utf-8"))
            valid = payload.get("format") == FORMAT and len(payload["terms"]) == len(payload["idf"])
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise LeptonError(E.E606, path=file, why=str(error)) from error
        if not valid:
            raise LeptonError(E.E606, path=file, why=f"not a {FORMAT} vocabulary")
        terms = {g: i for i, g in enumerate(payload["terms"])}
        return cls(terms, np.asarray(payload["idf"], dtype=np.float32), int(payload["max_n"]))
