"""A character-level BiLSTM-CRF tagger, trained from scratch on the user's data.

No packaged encoder can be fine-tuned for Chinese (MiniLM's vocabulary maps most
Chinese characters to [UNK]), so Chinese entity recognition trains this small
network: character + character-bigram embeddings → BiLSTM → CRF (Lample et al.,
2016; bigrams as in Zhang & Yang, 2018). The CRF comes from ``pytorch-crf``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

PAD, UNK = "<pad>", "<unk>"


@dataclass
class CharVocab:
    """Characters, bigrams and tags, with their indices (saved as JSON)."""

    chars: list[str]
    bigrams: list[str]
    tags: list[str]

    @classmethod
    def build(
        cls, sentences: Sequence[Sequence[str]], tags: list[str], min_bigram: int = 2
    ) -> CharVocab:
        """Every training character; bigrams seen at least ``min_bigram`` times."""
        from collections import Counter

        chars = sorted({c for s in sentences for c in s})
        counts = Counter(b for s in sentences for b in bigrams_of(s))
        frequent = sorted(b for b, n in counts.items() if n >= min_bigram)
        return cls([PAD, UNK, *chars], [PAD, UNK, *frequent], list(tags))

    def to_dict(self) -> dict[str, list[str]]:
        """For ``vocab.json``."""
        return asdict(self)

    def encode(self, tokens: Sequence[str]) -> tuple[list[int], list[int]]:
        """Character and bigram indices of one sentence."""
        char_index = self._index("chars")
        bigram_index = self._index("bigrams")
        return (
            [char_index.get(c, 1) for c in tokens],
            [bigram_index.get(b, 1) for b in bigrams_of(tokens)],
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
    ) -> None:
        super().__init__()
        from torchcrf import CRF

        self.config = {"n_chars": n_chars, "n_bigrams": n_bigrams, "n_tags": n_tags,
                       "char_dim": char_dim, "bigram_dim": bigram_dim, "hidden": hidden,
                       "dropout": dropout}
        self.chars = nn.Embedding(n_chars, char_dim, padding_idx=0)
        self.bigrams = nn.Embedding(n_bigrams, bigram_dim, padding_idx=0)
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(char_dim + bigram_dim, hidden // 2, batch_first=True,
                            bidirectional=True)
        self.scores = nn.Linear(hidden, n_tags)
        self.crf = CRF(n_tags, batch_first=True)

    def emissions(self, chars: torch.Tensor, bigrams: torch.Tensor) -> torch.Tensor:
        """Per-position tag scores, ``(batch, length, n_tags)``."""
        x = self.drop(torch.cat([self.chars(chars), self.bigrams(bigrams)], dim=-1))
        lengths = (chars != 0).sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True,
                                                   enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True,
                                                  total_length=chars.shape[1])
        return self.scores(self.drop(out))

    def loss(self, chars: torch.Tensor, bigrams: torch.Tensor, tags: torch.Tensor) -> torch.Tensor:
        """Negative log-likelihood of the gold tags, averaged over the batch."""
        mask = chars != 0
        return -self.crf(self.emissions(chars, bigrams), tags, mask=mask, reduction="mean")

    @torch.no_grad()
    def decode(self, chars: torch.Tensor, bigrams: torch.Tensor) -> list[list[int]]:
        """Best tag sequence of each sentence (Viterbi, vectorised over the batch)."""
        crf = self.crf
        return viterbi(self.emissions(chars, bigrams).numpy(), (chars != 0).numpy(),
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


def pad_batch(rows: Sequence[Sequence[int]]) -> torch.Tensor:
    """Right-pad index lists with 0."""
    length = max(1, max(len(r) for r in rows))
    out = torch.zeros((len(rows), length), dtype=torch.long)
    for i, row in enumerate(rows):
        out[i, : len(row)] = torch.tensor(row, dtype=torch.long)
    return out
