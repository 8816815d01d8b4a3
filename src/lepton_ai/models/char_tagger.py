"""A character-level BiLSTM-CRF tagger, trained from scratch on the user's data.

No packaged encoder can be fine-tuned for Chinese (MiniLM's vocabulary maps most
Chinese characters to [UNK]), so Chinese entity recognition trains this small
network: character + character-bigram embeddings (+ jieba word hints: each character's
place in its dictionary word and the word's part of speech,
:mod:`lepton_ai.text.zh_words`) → BiLSTM → CRF (Lample et al., 2016; bigrams as in
Zhang & Yang, 2018). The CRF comes from ``pytorch-crf``. This module trains; a tagger
runs on :mod:`lepton_ai.models.char_network` (NumPy, no torch).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from lepton_ai.models.char_network import viterbi


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
