"""How much each attention head or layer matters to the model's outputs.

Heads: Michel et al. (2019), "Are Sixteen Heads Really Better than One?": a gate
ξ_h multiplies each head's output, and a head's importance is the mean of |∂L/∂ξ_h|
over data, L being the distillation loss against the teacher. Scores are normalised
per layer (their L2 norm), as in the paper, before heads are ranked across layers.

Layers: the loss on a sample with each layer left out in turn (few layers, so
ablating each is cheap and measures exactly what removing it costs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lepton_ai.models.pruned_heads import attention_parts, encoder_layers, head_size

#: A function of a batch of example indices giving the loss to measure importance by.
LossOf = Callable[[Sequence[int]], Any]


def head_importance(model: Any, loss_of: LossOf, batches: Sequence[Sequence[int]]) -> np.ndarray:
    """``(layers, heads)`` importance of every head, normalised per layer."""
    import torch

    size = head_size(model)
    layers = encoder_layers(model)
    n_heads = [attention_parts(layer)[0].query.out_features // size for layer in layers]
    gates = [torch.ones(n, requires_grad=True) for n in n_heads]
    hooks = []
    for layer, gate in zip(layers, gates, strict=True):
        dense = attention_parts(layer)[1]

        def scale(_module: Any, inputs: tuple[Any, ...], gate: Any = gate) -> tuple[Any, ...]:
            return (inputs[0] * gate.repeat_interleave(size),)

        hooks.append(dense.register_forward_pre_hook(scale))
    totals = np.zeros((len(layers), max(n_heads)), dtype=np.float64)
    was_training = model.training
    model.eval()
    try:
        for batch in batches:
            loss = loss_of(batch)
            grads = torch.autograd.grad(loss, gates)
            for row, grad in enumerate(grads):
                totals[row, : len(grad)] += grad.abs().numpy()
    finally:
        for hook in hooks:
            hook.remove()
        model.train(was_training)
    norms = np.linalg.norm(totals, axis=1, keepdims=True)
    scores = totals / np.maximum(norms, 1e-12)
    for row, n in enumerate(n_heads):  # heads a layer no longer has never rank
        scores[row, n:] = np.inf
    return scores


def heads_to_keep(scores: np.ndarray, fraction: float) -> list[list[int]]:
    """Remove the ``fraction`` least important heads overall; every layer keeps one."""
    real = np.isfinite(scores)
    n_remove = round(float(fraction * real.sum()))
    order = np.argsort(np.where(real, scores, np.inf), axis=None)
    removed: set[tuple[int, int]] = set()
    left = real.sum(axis=1).astype(int)
    for flat in order:
        if len(removed) == n_remove:
            break
        layer, head = np.unravel_index(flat, scores.shape)
        if not real[layer, head] or left[layer] <= 1:
            continue
        removed.add((int(layer), int(head)))
        left[layer] -= 1
    return [[h for h in range(int(real[layer].sum())) if (layer, h) not in removed]
            for layer in range(scores.shape[0])]


def layer_importance(model: Any, loss_of: LossOf, batches: Sequence[Sequence[int]]) -> list[float]:
    """For each layer, how much the loss rises when that layer is left out."""
    import torch

    layers = encoder_layers(model)
    inner = getattr(model, "base_model", model)
    parent = inner.encoder if hasattr(inner, "encoder") else inner.transformer
    original = parent.layer
    was_training = model.training
    model.eval()

    def mean_loss() -> float:
        with torch.no_grad():
            return float(np.mean([float(loss_of(batch)) for batch in batches]))

    try:
        baseline = mean_loss()
        rises = []
        for skipped in range(len(layers)):
            parent.layer = torch.nn.ModuleList(
                [layer for index, layer in enumerate(original) if index != skipped])
            rises.append(mean_loss() - baseline)
    finally:
        parent.layer = original
        model.train(was_training)
    return rises
