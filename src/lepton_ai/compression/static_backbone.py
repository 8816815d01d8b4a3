"""A model2vec static model as a trainable torch module, for the static tier's distillation.

A text's vector is the mean of its tokens' rows (model2vec's own encoding: no special
tokens, unknown tokens dropped), L2-normalised. :class:`StaticBackbone` has the
interface :mod:`~lepton_ai.compression.distillation` trains a transformer student
through (``token_ids``, ``pad``, ``forward``, ``encode``, ``save``), so the static
student learns its teacher's label distribution and sentence vectors the same way;
only the token table is trained, and inference stays a table lookup and a mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn


class StaticBackbone(nn.Module):
    """A model2vec model's token table, trainable; vectors are token means."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        from model2vec import StaticModel

        self.static = StaticModel.from_pretrained(str(folder))
        if self.static.token_mapping is not None or self.static.weights is not None:
            raise ValueError(f"{folder}: a vocabulary-quantized static model cannot be trained")
        self.table = nn.Embedding.from_pretrained(
            torch.from_numpy(np.asarray(self.static.embedding, dtype=np.float32)), freeze=False)
        self.max_length = self.static.max_length

    @property
    def dim(self) -> int:
        """Size of the sentence vectors."""
        return int(self.table.embedding_dim)

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """model2vec's tokens of each text, cut at its ``max_length``."""
        ids = self.static.tokenize(list(texts))
        return [row[: self.max_length] if self.max_length else row for row in ids]

    def pad(self, batch: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Pad a batch of id lists to its longest member (an empty text stays all padding)."""
        from lepton_ai.training.backbone import pad_id_lists

        return pad_id_lists(batch, 0, mask_dtype=torch.float32)

    def forward(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """L2-normalised token means, ``(batch, dim)``."""
        summed = (self.table(input_ids) * mask.unsqueeze(-1)).sum(1)
        mean = summed / mask.sum(1, keepdim=True).clamp(min=1.0)
        return nn.functional.normalize(mean, dim=-1)

    @torch.no_grad()
    def encode(self, texts: Sequence[str], batch_size: int = 256) -> np.ndarray:
        """Sentence vectors of ``texts``."""
        ids = self.token_ids(texts)
        out = np.zeros((len(ids), self.dim), dtype=np.float32)
        for start in range(0, len(ids), batch_size):
            input_ids, mask = self.pad(ids[start : start + batch_size])
            out[start : start + batch_size] = self(input_ids, mask).numpy()
        return out

    def save(self, folder: Path) -> None:
        """Write the trained table as a model2vec folder (what ``StaticEncoder`` loads)."""
        from model2vec import StaticModel

        trained = StaticModel(
            self.table.weight.detach().numpy().copy(), self.static.tokenizer,
            config=dict(self.static.config), normalize=self.static.normalize,
            base_model_name=self.static.base_model_name, language=self.static.language,
            max_length=self.max_length)
        trained.save_pretrained(str(folder))
