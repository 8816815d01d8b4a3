"""Transformer encoders with attention heads removed: cut, saved, and loaded again.

transformers 5 no longer prunes heads: a BERT layer sizes its query, key and value
projections from the config's single head count, so a folder whose layers keep
different numbers of heads does not load with ``from_pretrained``. A pruned folder's
``config.json`` therefore records the heads each layer keeps (:data:`KEPT_HEADS`);
:func:`load_transformer` builds the model at full size, cuts every layer down to its
kept heads, then loads the (smaller) saved weights. The cut is real: the matrices
shrink, so ONNX Runtime runs fewer multiplications, not masked ones.

The attention code reshapes to ``(-1 heads, head size)``, so a layer with fewer heads
runs unchanged once its projections are cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lepton_ai.models.folder import read_json_file

#: ``config.json`` key: for each layer, the indices of the heads it keeps.
KEPT_HEADS = "lepton_kept_heads"


def kept_heads(folder: Path) -> list[list[int]] | None:
    """The heads each layer of the folder's model keeps; None when nothing was pruned."""
    config = read_json_file(Path(folder) / "config.json")
    found = config.get(KEPT_HEADS) if isinstance(config, dict) else None
    return [list(map(int, layer)) for layer in found] if found else None


def encoder_layers(model: Any) -> Any:
    """The ``nn.ModuleList`` of a BERT-style encoder's layers (None if not BERT-style)."""
    inner = getattr(model, "base_model", model)
    for path in (("encoder", "layer"), ("transformer", "layer")):
        found = inner
        for name in path:
            found = getattr(found, name, None)
        if found is not None:
            return found
    return None


def attention_parts(layer: Any) -> tuple[Any, Any] | None:
    """A layer's self-attention (with query, key, value) and its output projection."""
    attention = getattr(layer, "attention", None)
    inner, output = getattr(attention, "self", None), getattr(attention, "output", None)
    if inner is None or output is None or not hasattr(inner, "query"):
        return None
    return inner, output.dense


def head_size(model: Any) -> int:
    """Width of one attention head."""
    config = model.config
    return int(config.hidden_size // config.num_attention_heads)


def cut_heads(model: Any, keep: Sequence[Sequence[int]]) -> None:
    """Keep only the heads ``keep[layer]`` of every layer (in place; real, smaller weights)."""
    import torch

    size = head_size(model)
    for layer, heads in zip(encoder_layers(model), keep, strict=True):
        parts = attention_parts(layer)
        assert parts is not None, "cut_heads needs a BERT-style attention"
        inner, dense = parts
        rows = torch.cat([torch.arange(h * size, (h + 1) * size) for h in heads])
        for name in ("query", "key", "value"):
            setattr(inner, name, _rows(getattr(inner, name), rows))
        dense_cut = torch.nn.Linear(len(rows), dense.out_features)
        with torch.no_grad():
            dense_cut.weight.copy_(dense.weight[:, rows])
            dense_cut.bias.copy_(dense.bias)
        inner.num_attention_heads = len(heads)
        inner.all_head_size = len(rows)
        layer.attention.output.dense = dense_cut


def _rows(linear: Any, rows: Any) -> Any:
    import torch

    cut = torch.nn.Linear(linear.in_features, len(rows))
    with torch.no_grad():
        cut.weight.copy_(linear.weight[rows])
        cut.bias.copy_(linear.bias[rows])
    return cut


def load_transformer(folder: Path, **options: Any) -> Any:
    """``AutoModel.from_pretrained(folder)``, also for folders whose heads were pruned."""
    from transformers import AutoConfig, AutoModel

    keep = kept_heads(folder)
    if keep is None:
        return AutoModel.from_pretrained(str(folder), use_safetensors=True, **options)
    from safetensors.torch import load_file

    config = AutoConfig.from_pretrained(str(folder))
    model = AutoModel.from_config(config, **options)
    cut_heads(model, keep)
    state = load_file(str(Path(folder) / "model.safetensors"))
    missing, unexpected = model.load_state_dict(state, strict=False)
    # Buffers such as position_ids are not saved; any weight left out is an error.
    real_missing = [name for name in missing if not name.endswith("position_ids")]
    if real_missing or unexpected:
        raise ValueError(f"{folder}: weights do not match the pruned shape "
                         f"(missing {real_missing[:3]}, unexpected {list(unexpected)[:3]})")
    return model.eval()
