"""Merging a LoRA/AdaLoRA adapter into its base encoder (peft), for fast inference."""

from __future__ import annotations

import warnings
from pathlib import Path

from lepton_ai.dependencies import require
from lepton_ai.models.folder import copy_side_files
from lepton_ai.models.registry import resolve


def merge_adapter(base: str, adapter: Path, target: Path) -> None:
    """Write ``base`` with ``adapter`` merged in as a plain encoder folder at ``target``."""
    require("peft", "LoRA/AdaLoRA models", "peft==0.21.2")
    from peft import PeftModel
    from transformers import AutoModel

    base_folder = resolve(base).path()
    model = AutoModel.from_pretrained(str(base_folder), use_safetensors=True)
    with warnings.catch_warnings():  # peft 0.21 reads a property transformers deprecated
        warnings.filterwarnings("ignore", message=".*is_gradient_checkpointing",
                                category=FutureWarning)
        merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    partial = target.with_name(target.name + ".partial")
    merged.save_pretrained(str(partial), safe_serialization=True)
    copy_side_files(base_folder, partial)
    if not target.exists():  # another process may have merged it meanwhile
        partial.replace(target)
