"""A student made from its teacher's encoder: fewer layers, fewer attention heads.

DistilBERT and TinyBERT start a student from a subset of the teacher's layers rather
than from random weights; :func:`spread_layers` picks them evenly, keeping the last
(whose output the head was trained on). Which layers or heads to remove when pruning
is measured (:mod:`lepton_ai.compression.importance`); this module only performs the cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lepton_ai.models.pruned_heads import KEPT_HEADS, cut_heads, encoder_layers


def layer_count(model: Any) -> int:
    """How many transformer layers the encoder has."""
    return len(encoder_layers(model))


def spread_layers(total: int, keep: int) -> list[int]:
    """``keep`` of ``total`` layer indices, evenly spaced and ending with the last.

    6 → 3 keeps 1, 3, 5; 12 → 4 keeps 2, 5, 8, 11 (TinyBERT's uniform mapping).
    """
    step = total / keep
    return [round(step * (i + 1)) - 1 for i in range(keep)]


def keep_layers(model: Any, indices: Sequence[int]) -> None:
    """Keep only the layers ``indices`` (in this order), in place; the config follows."""
    from torch import nn

    layers = encoder_layers(model)
    chosen = nn.ModuleList([layers[i] for i in indices])
    for position, layer in enumerate(chosen):  # attention caches index layers by position
        for module in layer.modules():
            if hasattr(module, "layer_idx"):
                module.layer_idx = position
    inner = getattr(model, "base_model", model)
    parent = inner.encoder if hasattr(inner, "encoder") else inner.transformer
    parent.layer = chosen
    config = model.config
    for key in ("num_hidden_layers", "n_layers"):
        if hasattr(config, key):
            setattr(config, key, len(chosen))
    heads = getattr(config, KEPT_HEADS, None)
    if heads:
        setattr(config, KEPT_HEADS, [heads[i] for i in indices])


def keep_heads(model: Any, keep: Sequence[Sequence[int]]) -> None:
    """Cut every layer down to the heads ``keep[layer]`` and record them in the config."""
    cut_heads(model, keep)
    setattr(model.config, KEPT_HEADS, [sorted(int(h) for h in layer) for layer in keep])


def head_total(model: Any) -> int:
    """Attention heads across all layers (after any pruning)."""
    from lepton_ai.models.pruned_heads import attention_parts, head_size

    size = head_size(model)
    return sum(attention_parts(layer)[0].query.out_features // size
               for layer in encoder_layers(model))
