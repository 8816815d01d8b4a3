"""A student made from its teacher's encoder: fewer layers, fewer attention heads.

DistilBERT and TinyBERT start a student from a subset of the teacher's layers rather
than from random weights; :func:`spread_layers` picks them evenly, keeping the last
(whose output the head was trained on). Which layers or heads to remove when pruning
is measured (:mod:`lepton_ai.compression.importance`); this module only performs the cut.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.compression.importance import LossOf
from lepton_ai.models.pruned_heads import KEPT_HEADS, cut_heads, encoder_layers
from lepton_ai.training.run_log import say


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


#: Texts the head and layer importances are measured on.
IMPORTANCE_TEXTS = 512
#: Where a run keeps the cut it chose (so ``--resume`` rebuilds the same student).
CUTS_FILE = "plan.json"


def choose_cuts(fresh: Callable[[], Any], loss_for: Callable[[Any], LossOf], plan: Any,
                n_texts: int) -> dict[str, Any]:
    """Which layers (and heads) the student keeps, measured where the plan prunes.

    ``fresh()`` gives a new, uncut backbone; ``loss_for(backbone)`` the loss that
    importance is measured by (over text indices below ``n_texts``).
    """
    from lepton_ai.compression.importance import head_importance, heads_to_keep, layer_importance

    backbone = fresh()
    total = layer_count(backbone.model)
    settings = plan.settings
    order = np.random.default_rng(settings.seed).permutation(n_texts)[:IMPORTANCE_TEXTS]
    sample = [order[i : i + settings.batch_size].tolist()
              for i in range(0, len(order), settings.batch_size)]
    cuts: dict[str, Any] = {"layers": spread_layers(total, plan.layers) if plan.layers
                            else list(range(total)), "heads": None}
    keep_layers(backbone.model, cuts["layers"])
    if plan.prune_layers is not None:
        rises = layer_importance(backbone.model, loss_for(backbone), sample)
        dropped = set(np.argsort(rises)[: plan.prune_layers].tolist())
        cuts["layer_importance"] = [round(r, 5) for r in rises]
        cuts["layers"] = [layer for i, layer in enumerate(cuts["layers"]) if i not in dropped]
        backbone = fresh()
        keep_layers(backbone.model, cuts["layers"])
    if plan.prune_heads is not None:
        scores = head_importance(backbone.model, loss_for(backbone), sample)
        cuts["heads"] = heads_to_keep(scores, plan.prune_heads)
    return cuts


def cut_student(fresh: Callable[[], Any], loss_for: Callable[[Any], LossOf], plan: Any,
                n_texts: int, staging: Path, resume: bool) -> tuple[Any, dict[str, Any]]:
    """The student backbone, cut as chosen (or as chosen before, on ``resume``)."""
    plan_file = staging / CUTS_FILE
    if resume and plan_file.is_file():
        cuts = json.loads(plan_file.read_text(encoding="utf-8"))
    else:
        cuts = choose_cuts(fresh, loss_for, plan, n_texts)
        plan_file.write_text(json.dumps(cuts), encoding="utf-8")
    backbone = fresh()
    total = layer_count(backbone.model)
    keep_layers(backbone.model, cuts["layers"])
    if cuts["heads"] is not None:
        keep_heads(backbone.model, cuts["heads"])
    say(f"Student: layers {cuts['layers']} of {total}"
        + (f", {sum(map(len, cuts['heads']))} heads" if cuts["heads"] else "")
        + f"; training on {n_texts} texts")
    return backbone, cuts
