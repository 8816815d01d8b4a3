"""The trainable side of an encoder: a transformers model that yields sentence vectors.

Training runs on torch; inference of the saved result runs on the same fast
ONNX path as ``lai.embed``. To keep the two identical, the backbone tokenizes
with the folder's ``tokenizer.json`` exactly as ``TransformerEncoder`` does,
pools the same way (mean or CLS, from the folder) and L2-normalises, so a head
trained on these vectors reads the vectors ``lai.embed`` produces.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from lepton_ai.models.folder import (
    FolderInfo,
    copy_side_files,
    inspect_folder,
    weights_checksum,
)
from lepton_ai.models.registry import HF_ENCODER, ModelSpec
from lepton_ai.settings import settings

#: Sentences per forward pass when a training batch is run in groups of similar length.
LENGTH_GROUP = 8


def pad_id_lists(batch: Sequence[Sequence[int]], pad_id: int, mask_dtype: torch.dtype = torch.long
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Token ids padded with ``pad_id`` to the longest list (at least 1), and the mask."""
    length = max(1, max(len(ids) for ids in batch))
    input_ids = torch.full((len(batch), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), length), dtype=mask_dtype)
    for row, ids in enumerate(batch):
        input_ids[row, : len(ids)] = torch.tensor(ids, dtype=torch.long)
        mask[row, : len(ids)] = 1
    return input_ids, mask


class SentenceBackbone(nn.Module):
    """A Hugging Face encoder plus pooling and L2 normalisation, trainable in torch."""

    def __init__(self, folder: Path, max_length: int | None = None) -> None:
        super().__init__()
        from tokenizers import Tokenizer
        from transformers.utils import logging as hf_logging

        from lepton_ai.models.pruned_heads import load_transformer

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
        self.info: FolderInfo = inspect_folder(Path(folder))
        self.model = load_transformer(Path(folder))
        self.max_length = min(max_length or self.info.max_seq_length, self.info.max_seq_length)
        self.tokenizer = Tokenizer.from_file(str(self.info.tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.max_length)
        pad = self.tokenizer.token_to_id("[PAD]")
        if pad is None:
            pad = self.tokenizer.token_to_id("<pad>")
        self.pad_id = int(pad or 0)
        self._token_types = getattr(self.model.config, "type_vocab_size", 0) > 0

    @property
    def dim(self) -> int:
        """Size of the sentence vectors."""
        return self.info.hidden_size

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids with special tokens, truncated to ``max_length``."""
        return [e.ids for e in self.tokenizer.encode_batch(list(texts))]

    def pad(self, batch: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Pad a batch of id lists to its longest member."""
        return pad_id_lists(batch, self.pad_id)

    def token_states(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Last hidden states, ``(batch, length, dim)``."""
        extra = {"token_type_ids": torch.zeros_like(input_ids)} if self._token_types else {}
        return self.model(input_ids=input_ids, attention_mask=mask, **extra).last_hidden_state

    def forward(self, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """L2-normalised sentence vectors, ``(batch, dim)``."""
        hidden = self.token_states(input_ids, mask)
        if self.info.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return nn.functional.normalize(pooled, dim=-1)

    def vectors_by_length(
        self, batch: Sequence[Sequence[int]], group: int = LENGTH_GROUP
    ) -> torch.Tensor:
        """Sentence vectors of ``batch`` (token id lists), in its order, with gradients.

        The members run in groups of ``group`` of similar length: a padded position
        costs as much as a real one, and in a random batch padded to its longest member
        many are padding (44% in AG News pair batches, seed 2; 15% grouped).
        """
        order = sorted(range(len(batch)), key=lambda i: len(batch[i]))
        parts = []
        for start in range(0, len(order), group):
            input_ids, mask = self.pad([batch[i] for i in order[start : start + group]])
            parts.append(self(input_ids, mask))
        back = torch.empty(len(order), dtype=torch.long)
        back[torch.tensor(order)] = torch.arange(len(order))
        return torch.cat(parts)[back]

    @torch.no_grad()
    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Sentence vectors in eval mode (length-sorted batches)."""
        was_training = self.training
        self.eval()
        ids = self.token_ids(texts)
        order = np.argsort([len(i) for i in ids])
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            chosen = order[start : start + batch_size]
            input_ids, mask = self.pad([ids[i] for i in chosen])
            out[chosen] = self(input_ids, mask).float().numpy()
        self.train(was_training)
        return out

    def save(self, folder: Path) -> None:
        """Write a complete encoder folder (safetensors) that ``lai.embed`` can load."""
        folder.mkdir(parents=True, exist_ok=True)
        self.model.save_pretrained(str(folder), safe_serialization=True)
        copy_side_files(self.info.path, folder)


def base_checksum(spec: ModelSpec) -> str | None:
    """The checksum of a Hugging Face base encoder's weights, recorded in models that
    name their base instead of copying it (heads, adapters); None for other kinds."""
    if spec.kind != HF_ENCODER:
        return None
    info = inspect_folder(spec.path())
    return weights_checksum(info.weights_file, settings.cache_dir) if info.weights_file else None
