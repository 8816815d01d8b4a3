"""The character tagger's network at inference time, in NumPy: no torch in a process
that only tags (a server), and the same answers as the torch module that trains it
(:mod:`lepton_ai.models.char_tagger`).

Also here, because both sides need them: the vocabulary (:class:`CharVocab`) and the
CRF's Viterbi decoding.

The network reads three keys per token. For Chinese, a token is a character: the
character, the character with its successor (bigram) and its jieba word hint. For
other languages, a token is a word (``units="words"``): the word lower-cased with its
digits as 0, its last three letters (suffix) and its shape (``Xx``, ``x-x``, ``d``),
which carry a word the training data never had (Lample et al., 2016, use characters
for the same reason).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

PAD, UNK = "<pad>", "<unk>"
#: Bigram vocabulary cap: rare bigrams add weights (50 floats each) but little accuracy;
#: 6,000 keeps a Chinese Wikipedia tagger's weights under 2 MB in half precision.
MAX_BIGRAMS = 6000


@dataclass
class CharVocab:
    """Characters, bigrams and tags, with their indices (saved as JSON).

    With ``units="words"`` the same three tables hold words, suffixes and word shapes
    (see the module docstring)."""

    chars: list[str]
    bigrams: list[str]
    tags: list[str]
    #: Word hints (``"B-ns"``...) or word shapes; empty for taggers trained without them.
    features: list[str] = field(default_factory=list)
    #: ``"chars"`` (Chinese) or ``"words"``.
    units: str = "chars"

    @classmethod
    def build(
        cls, sentences: Sequence[Sequence[str]], tags: list[str], min_bigram: int = 2,
        hints: bool = False, max_bigrams: int = MAX_BIGRAMS, units: str = "chars",
    ) -> CharVocab:
        """Every training character (word) and hint; the ``max_bigrams`` most frequent
        bigrams (suffixes) seen at least ``min_bigram`` times."""
        from collections import Counter

        keyed = [token_keys(s, units, hints or units == "words") for s in sentences]
        chars = sorted({c for first, _, _ in keyed for c in first})
        counts = Counter(b for _, second, _ in keyed for b in second)
        common = [b for b, n in counts.most_common(max_bigrams) if n >= min_bigram]
        frequent = sorted(common)
        found = sorted({f for _, _, third in keyed for f in third})
        return cls([PAD, UNK, *chars], [PAD, UNK, *frequent], list(tags),
                   [PAD, UNK, *found] if found else [], units)

    def to_dict(self) -> dict[str, Any]:
        """For ``vocab.json``."""
        return asdict(self)

    def encode(self, tokens: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
        """Character (word), bigram (suffix) and hint (shape) indices of one sentence
        (no hints: [])."""
        first, second, third = token_keys(tokens, self.units, bool(self.features))
        char_index = self._index("chars")
        bigram_index = self._index("bigrams")
        hint_index = self._index("features")
        return ([char_index.get(c, 1) for c in first], [bigram_index.get(b, 1) for b in second],
                [hint_index.get(f, 1) for f in third])

    def _index(self, name: str) -> dict[str, int]:
        cache = self.__dict__.setdefault("_cache", {})
        if name not in cache:
            cache[name] = {item: i for i, item in enumerate(getattr(self, name))}
        return cache[name]


def token_keys(tokens: Sequence[str], units: str,
               hints: bool) -> tuple[list[str], list[str], list[str]]:
    """The three keys of each token: character, bigram, jieba hint (``"chars"``); or
    normalized word, suffix, shape (``"words"``). ``hints=False`` leaves the third empty."""
    if units == "words":
        keys = [_word_keys(token) for token in tokens]
        return [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]
    if units != "chars":
        raise ValueError(f"units must be 'chars' or 'words', not {units!r}")
    third: list[str] = []
    if hints:
        from lepton_ai.text.zh_words import word_features

        third = word_features(tokens)
    return list(tokens), bigrams_of(tokens), third


_DIGIT = re.compile(r"\d")
_SHAPE_RUNS = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)  # a page repeats its words; this was a quarter of tagging
def _word_keys(token: str) -> tuple[str, str, str]:
    word = _DIGIT.sub("0", token.lower())
    return word, word[-3:], word_shape(token)


def word_shape(token: str) -> str:
    """``X`` upper, ``x`` lower, ``d`` digit, other characters as they are, runs
    collapsed: ``"IL-2"`` → ``"X-d"``, ``"Lung"`` → ``"Xx"``."""
    shape = "".join("X" if c.isupper() else "x" if c.isalpha() else "d" if c.isdigit() else c
                    for c in token)
    return _SHAPE_RUNS.sub(r"\1", shape)


def bigrams_of(tokens: Sequence[str]) -> list[str]:
    """Each character with its successor (the last with an end marker)."""
    return [a + b for a, b in zip(tokens, [*tokens[1:], "</s>"], strict=True)]


class CharTaggerNetwork:
    """Embeddings → BiLSTM → per-tag scores → CRF decoding, from the weights that
    :class:`~lepton_ai.models.char_tagger.CharBiLSTMCRF` saves (its ``state_dict`` names;
    half precision is widened to float32)."""

    def __init__(self, weights: Mapping[str, np.ndarray]) -> None:
        def get(name: str) -> np.ndarray:
            return np.asarray(weights[name], dtype=np.float32)

        self.tables = [get("chars.weight"), get("bigrams.weight")]
        self.has_features = "features.weight" in weights
        if self.has_features:
            self.tables.append(get("features.weight"))
        self.directions = [
            (get(f"lstm.weight_ih_l0{suffix}").T, get(f"lstm.weight_hh_l0{suffix}").T,
             get(f"lstm.bias_ih_l0{suffix}") + get(f"lstm.bias_hh_l0{suffix}"))
            for suffix in ("", "_reverse")]
        self.score_weight = get("scores.weight").T
        self.score_bias = get("scores.bias")
        self.start = get("crf.start_transitions")
        self.end = get("crf.end_transitions")
        self.transitions = get("crf.transitions")

    def emissions(self, chars: np.ndarray, bigrams: np.ndarray,
                  features: np.ndarray | None = None) -> np.ndarray:
        """Per-position tag scores, ``(batch, length, n_tags)``; rows are right-padded
        with 0, and scores past a row's length are meaningless (decoding masks them)."""
        parts = [self.tables[0][chars], self.tables[1][bigrams]]
        if self.has_features:
            assert features is not None, "this tagger was trained with word hints"
            parts.append(self.tables[2][features])
        x = np.concatenate(parts, axis=-1)
        lengths = np.maximum((chars != 0).sum(1), 1)
        forward = _lstm(x, *self.directions[0])
        # The backward direction reads each row from its own last character: reverse the
        # real positions of every row (padding stays behind them), run, reverse back.
        flipped = _flip_rows(lengths, x.shape[1])
        rows = np.arange(x.shape[0])[:, None]
        backward = _lstm(x[rows, flipped], *self.directions[1])[rows, flipped]
        hidden = np.concatenate([forward, backward], axis=-1)
        return hidden @ self.score_weight + self.score_bias

    def decode(self, chars: np.ndarray, bigrams: np.ndarray,
               features: np.ndarray | None = None) -> list[list[int]]:
        """Best tag sequence of each sentence."""
        return viterbi(self.emissions(chars, bigrams, features), chars != 0,
                       self.start, self.end, self.transitions)


def _lstm(x: np.ndarray, w_input: np.ndarray, w_hidden: np.ndarray,
          bias: np.ndarray) -> np.ndarray:
    """One LSTM direction over ``x`` (batch, length, width), gates in torch's order
    (input, forget, cell, output); hidden states (batch, length, hidden)."""
    batch, length, _ = x.shape
    size = w_hidden.shape[0]
    projected = x @ w_input + bias  # every step's input part at once
    h = np.zeros((batch, size), dtype=np.float32)
    c = np.zeros((batch, size), dtype=np.float32)
    out = np.empty((batch, length, size), dtype=np.float32)
    for t in range(length):
        gates = projected[:, t] + h @ w_hidden
        opened = _sigmoid(gates)  # the cell part is unused: one call beats three
        cell = np.tanh(gates[:, 2 * size:3 * size])
        c = opened[:, size:2 * size] * c + opened[:, :size] * cell
        h = opened[:, 3 * size:] * np.tanh(c)
        out[:, t] = h
    return out


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)  # no overflow warnings for large |x|


def _flip_rows(lengths: np.ndarray, length: int) -> np.ndarray:
    """Per row, position indices with the first ``lengths[row]`` reversed."""
    positions = np.arange(length)[None, :]
    flipped = lengths[:, None] - 1 - positions
    return np.where(positions < lengths[:, None], flipped, positions)


def pad_rows(rows: Sequence[Sequence[int]]) -> np.ndarray:
    """Right-pad index lists with 0, as int64."""
    length = max(1, max((len(r) for r in rows), default=1))
    out = np.zeros((len(rows), length), dtype=np.int64)
    for i, row in enumerate(rows):
        out[i, : len(row)] = row
    return out


def viterbi(emissions: np.ndarray, mask: np.ndarray, start: np.ndarray, end: np.ndarray,
            transitions: np.ndarray) -> list[list[int]]:
    """The highest-scoring tag path of each sequence under a linear-chain CRF.

    The same answer as ``torchcrf.CRF.decode``, whose backtracking runs in Python per
    sentence and per position; here each step is one NumPy operation over the batch.
    ``emissions`` (batch, length, tags); ``mask`` (batch, length), True on real
    positions, which come first; ``transitions[i, j]`` scores tag i followed by tag j.
    """
    batch, length, _ = emissions.shape
    lengths = mask.sum(1)
    score = start[None, :] + emissions[:, 0]
    history = np.zeros((batch, max(length - 1, 0), len(start)), dtype=np.int64)
    for t in range(1, length):
        candidates = score[:, :, None] + transitions[None] + emissions[:, t, None, :]
        history[:, t - 1] = candidates.argmax(1)
        best = candidates.max(1)
        score = np.where(mask[:, t, None], best, score)  # finished sequences keep theirs
    score = score + end[None, :]
    paths = []
    for row in range(batch):
        size = int(lengths[row])
        if size == 0:
            paths.append([])
            continue
        tag = int(score[row].argmax())
        path = [tag]
        for t in range(size - 2, -1, -1):
            tag = int(history[row, t, tag])
            path.append(tag)
        paths.append(path[::-1])
    return paths
