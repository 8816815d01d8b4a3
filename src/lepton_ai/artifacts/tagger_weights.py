"""The weight files of a tagger's model directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Token-tagger weights (transformer + linear layer, or the character BiLSTM-CRF).
TAGGER_FILE = "tagger.safetensors"
#: The character vocabulary of a character tagger.
VOCAB_FILE = "vocab.json"


def save_vocab(out: Path, vocab: dict[str, Any]) -> None:
    """``vocab.json`` of a character tagger."""
    (out / VOCAB_FILE).write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")


def save_tensors(out: Path, tensors: dict[str, Any], *, half: bool = False) -> None:
    """``tagger.safetensors``; ``half`` stores floating-point tensors in 16 bits (half
    the file; loaders widen them back to 32)."""
    from safetensors.torch import save_file

    def stored(value: Any) -> Any:
        value = value.detach().contiguous()
        return value.half() if half and value.is_floating_point() else value

    save_file({k: stored(v) for k, v in tensors.items()}, str(out / TAGGER_FILE))
