"""Classifier heads on sentence vectors, run in NumPy.

A head is a linear layer (multinomial logistic regression) or a one-hidden-layer
MLP. Its weights are stored as safetensors; inference needs only NumPy, so a
classifier whose encoder runs on ONNX Runtime never imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

LINEAR = "linear"
MLP = "mlp"


@dataclass
class HeadWeights:
    """The numbers of a trained head, and how to apply them."""

    kind: str
    tensors: dict[str, np.ndarray]
    multi_label: bool = False

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """Raw scores, ``(n, n_labels)``."""
        t = self.tensors
        if self.kind == MLP:
            hidden = np.maximum(vectors @ t["hidden.weight"].T + t["hidden.bias"], 0.0)
            return hidden @ t["out.weight"].T + t["out.bias"]
        return vectors @ t["out.weight"].T + t["out.bias"]

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        """Softmax (single-label) or per-label sigmoid (multi-label) probabilities."""
        scores = self.logits(vectors.astype(np.float32))
        if self.multi_label:
            return 1.0 / (1.0 + np.exp(-scores))
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, file: Path) -> None:
        """Write the tensors as safetensors."""
        from safetensors.numpy import save_file

        save_file({k: np.ascontiguousarray(v) for k, v in self.tensors.items()}, str(file))

    @classmethod
    def load(cls, file: Path, kind: str, multi_label: bool) -> HeadWeights:
        """Read tensors written by :meth:`save` (safetensors: no code runs on load)."""
        from safetensors.numpy import load_file

        return cls(kind, load_file(str(file)), multi_label)
