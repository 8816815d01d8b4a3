"""A lepton-ai text classifier as a transformers model (``lai export --format hf``).

Importing this module registers the ``lepton-classifier`` model type with
transformers' Auto classes, so ``AutoModelForSequenceClassification.from_pretrained``
loads an exported folder with code from this installed package: the folder holds
weights and JSON only, and nothing in it is ever executed (no remote code).
The classifier is the encoder, its pooling (mean over tokens, or the first token), L2
normalisation, and the head (a linear layer, or a hidden ReLU layer and then one): the
same steps lepton-ai runs.

Without the import, the configuration's own model type stops transformers with its
error instead of building the encoder family's own sequence classifier (a pooler and
a random classifier) around these weights.
"""

from __future__ import annotations

import torch
from torch import nn
from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForSequenceClassification,
    PretrainedConfig,
    PreTrainedModel,
)
from transformers.modeling_outputs import SequenceClassifierOutput


class LeptonClassifierConfig(PretrainedConfig):
    """The encoder's configuration (``encoder``), the head's kind and the pooling."""

    model_type = "lepton-classifier"

    def __init__(self, encoder: dict | None = None, head_kind: str = "linear",
                 pooling: str = "mean", **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.encoder = encoder or {}
        self.head_kind = head_kind
        self.pooling = pooling


class LeptonHead(nn.Module):
    """lepton-ai's head: ``out`` on the sentence vector, after ``hidden`` + ReLU (mlp)."""

    def __init__(self, size: int, labels: int, kind: str) -> None:
        super().__init__()
        self.kind = kind
        if kind == "mlp":
            self.hidden = nn.Linear(size, size)
        self.out = nn.Linear(size, labels)

    def forward(self, vectors: torch.Tensor) -> torch.Tensor:
        if self.kind == "mlp":
            vectors = torch.relu(self.hidden(vectors))
        return self.out(vectors)


class LeptonForSequenceClassification(PreTrainedModel):
    """Encoder → pooling → L2 normalisation → head; ``logits`` as lepton-ai's head gives
    them (softmax for one label, a sigmoid per label when ``problem_type`` says multi)."""

    config_class = LeptonClassifierConfig
    base_model_prefix = "encoder"

    def __init__(self, config: LeptonClassifierConfig) -> None:
        super().__init__(config)
        encoder_config = AutoConfig.for_model(**config.encoder)
        self.encoder = AutoModel.from_config(encoder_config)
        self.head = LeptonHead(encoder_config.hidden_size, config.num_labels, config.head_kind)
        self.post_init()

    def forward(self, input_ids: torch.Tensor | None = None,
                attention_mask: torch.Tensor | None = None,
                token_type_ids: torch.Tensor | None = None, **kwargs: object
                ) -> SequenceClassifierOutput:
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        extra = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask,
                              **extra).last_hidden_state
        if self.config.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        vectors = nn.functional.normalize(pooled, dim=-1)
        return SequenceClassifierOutput(logits=self.head(vectors))


AutoConfig.register(LeptonClassifierConfig.model_type, LeptonClassifierConfig, exist_ok=True)
AutoModelForSequenceClassification.register(LeptonClassifierConfig,
                                            LeptonForSequenceClassification, exist_ok=True)
