"""A character-level BiLSTM-CRF tagger, trained from scratch on the user's data.

No packaged encoder can be fine-tuned for Chinese (MiniLM's vocabulary maps most
Chinese characters to [UNK]), so Chinese entity recognition trains this small
network: character + character-bigram embeddings (+ jieba word hints: each character's
place in its dictionary word and the word's part of speech,
:mod:`lepton_ai.text.zh_words`) → BiLSTM → CRF (Lample et al., 2016; bigrams as in
Zhang & Yang, 2018). The CRF comes from ``pytorch-crf``; decoding is NumPy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
from torch import nn

PAD, UNK = "<pad>", "<unk>"
#: Bigram vocabulary cap: rare bigrams add weights (50 floats each) but little accuracy;
#: 6,000 keeps a Chinese Wikipedia tagger's weights under 2 MB in half precision.
MAX_BIGRAMS = 6000


@dataclass
class CharVocab:
    """Characters, bigrams and tags, with their indices (saved as JSON)."""

    chars: list[str]
    bigrams: list[str]
    tags: list[str]
    #: Word hints (``"B-ns"``...); empty for taggers trained without them.
    features: list[str] = field(default_factory=list)

    @classmethod
    def build(
        cls, sentences: Sequence[Sequence[str]], tags: list[str], min_bigram: int = 2,
        features: Sequence[Sequence[str]] = (), max_bigrams: int = MAX_BIGRAMS,
    ) -> CharVocab:
        """Every training character and word hint; the ``max_bigrams`` most frequent
        bigrams seen at least ``min_bigram`` times."""
        from collections import Counter

        chars = sorted({c for s in sentences for c in s})
        counts = Counter(b for s in sentences for b in bigrams_of(s))
        common = [b for b, n in counts.most_common(max_bigrams) if n >= min_bigram]
        frequent = sorted(common)
        hints = sorted({f for row in features for f in row})
        return cls([PAD, UNK, *chars], [PAD, UNK, *frequent], list(tags),
                   [PAD, UNK, *hints] if hints else [])

    def to_dict(self) -> dict[str, list[str]]:
        """For ``vocab.json``."""
        return asdict(self)

    def encode(self, tokens: Sequence[str]) -> tuple[list[int], list[int], list[int]]:
        """Character, bigram and word-hint indices of one sentence (no hints: [])."""
        char_index = self._index("chars")
        bigram_index = self._index("bigrams")
        hints: list[int] = []
        if self.features:
            from lepton_ai.text.zh_words import word_features

            hint_index = self._index("features")
            hints = [hint_index.get(f, 1) for f in word_features(tokens)]
        return (
            [char_index.get(c, 1) for c in tokens],
            [bigram_index.get(b, 1) for b in bigrams_of(tokens)],
            hints,
        )

    def _index(self, name: str) -> dict[str, int]:
        cache = self.__dict__.setdefault("_cache", {})
        if name not in cache:
            cache[name] = {item: i for i, item in enumerate(getattr(self, name))}
        return cache[name]


def bigrams_of(tokens: Sequence[str]) -> list[str]:
    """Each character with its successor (the last with an end marker)."""
    return [a + b for a, b in zip(tokens, [*tokens[1:], "</s>"], strict=True)]


class CharBiLSTMCRF(nn.Module):
    """Embeddings → BiLSTM → per-tag scores → CRF."""

    def __init__(
        self, n_chars: int, n_bigrams: int, n_tags: int, char_dim: int = 100,
        bigram_dim: int = 50, hidden: int = 200, dropout: float = 0.5,
        n_features: int = 0, feature_dim: int = 30,
    ) -> None:
        super().__init__()
        from torchcrf import CRF

        self.config = {"n_chars": n_chars, "n_bigrams": n_bigrams, "n_tags": n_tags,
                       "char_dim": char_dim, "bigram_dim": bigram_dim, "hidden": hidden,
                       "dropout": dropout, "n_features": n_features,
                       "feature_dim": feature_dim}
        self.chars = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.bigrams = nn.Embedding(n_bigrams, bigram_dim, padding_idx=0)
        self.features = (nn.Embedding(n_features, feature_dim, padding_idx=0) if n_features
                         else None)
        self.drop = nn.Dropout(dropout)
        width = char_dim + bigram_dim + (feature_dim if n_features else 0)
        self.lstm = nn.LSTM(width, hidden // 2, batch_first=True, bidirectional=True)
        self.scores = nn.Linear(hidden, n_tags)
        self.crf = CRF(n_tags, batch_first=True)

    def emissions(self, chars: torch.Tensor, bigrams: torch.Tensor,
                  features: torch.Tensor | None = None) -> torch.Tensor:
        """Per-position tag scores, ``(batch, length, n_tags)``."""
        parts = [self.chars(chars), self.bigrams(bigrams)]
        if self.features is not None:
            assert features is not None, "this tagger was trained with word hints"
            parts.append(self.features(features))
        x = self.drop(torch.cat(parts, dim=-1))
        lengths = (chars != 0).sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                   enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True,
                                                  total_length=chars.shape[1])
        return self.scores(self.drop(out))

    def loss(self, chars: torch.Tensor, bigrams: torch.Tensor, tags: torch.Tensor,
             features: torch.Tensor | None = None) -> torch.Tensor:
        """Negative log-likelihood of the gold tags, averaged over the batch."""
        mask = chars != 0
        return -self.crf(self.emissions(chars, bigrams, features), tags, mask=mask,
                         reduction="mean")

    @torch.no_grad()
    def decode(self, chars: torch.Tensor, bigrams: torch.Tensor,
               features: torch.Tensor | None = None) -> list[list[int]]:
        """Best tag sequence of each sentence (Viterbi, vectorised over the batch)."""
        crf = self.crf
        return viterbi(self.emissions(chars, bigrams, features).numpy(), (chars != 0).numpy(),
                       crf.start_transitions.detach().numpy(),
                       crf.end_transitions.detach().numpy(), crf.transitions.detach().numpy())


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


def batch_tensors(
    encoded: Sequence[tuple[list[int], list[int], list[int]]],
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
    """Padded characters, bigrams and word hints (None without hints) of encoded sentences."""
    hints = [row[2] for row in encoded]
    return (pad_batch([row[0] for row in encoded]), pad_batch([row[1] for row in encoded]),
            pad_batch(hints) if any(hints) else None)


def pad_batch(rows: Sequence[Sequence[int]]) -> torch.Tensor:
    """Right-pad index lists with 0."""
    length = max(1, max(len(r) for r in rows))
    out = torch.zeros((len(rows), length), dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return out
