"""Classifier heads on sentence vectors, run in NumPy.

A head is a linear layer (multinomial logistic regression) or a one-hidden-layer
MLP. A linear head may also weigh the text's n-grams (``ngram.weight`` over a
TF-IDF vocabulary saved beside it as ``ngrams.json``). Weights are stored as
safetensors; inference needs only NumPy, so a classifier whose encoder runs on
ONNX Runtime never imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lepton_ai.artifacts.manifest import require_file
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.folder import checked_safetensors
from lepton_ai.text.ngrams import NgramVocabulary

LINEAR = "linear"
MLP = "mlp"
NGRAM_WEIGHT = "ngram.weight"
NGRAM_FILE = "ngrams.json"


#: The classifier head of a model directory.
HEAD_FILE = "head.safetensors"


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, stable for large logits."""
    shifted = np.exp(logits - logits.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


def affine(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``x @ weight.T + bias``, with the transpose copied to C order first.

    OpenBLAS takes ~500x longer on the transposed view for these shapes (32 x 256 by a
    77 x 256 weight: 12.6 ms against 0.03 ms here), which made the head cost more than
    a static encoder; the copy of a head-sized matrix is microseconds.
    """
    return x @ np.ascontiguousarray(weight.T) + bias


def check_linear_layer(file: Path, weight: np.ndarray, bias: np.ndarray, outputs: int,
                       what: str) -> None:
    """LAI-E606 naming ``file`` when ``weight`` and ``bias`` do not fit together or do not
    score ``outputs`` ``what`` (labels, tags) as the manifest lists them."""
    if weight.ndim != 2 or bias.shape != (weight.shape[0],):
        raise LeptonError(E.E606, path=file, why=f"out.weight {tuple(weight.shape)} and "
                          f"out.bias {tuple(bias.shape)} do not fit together")
    if weight.shape[0] != outputs:
        raise LeptonError(E.E606, path=file, why=f"it scores {weight.shape[0]} {what} but "
                          f"the manifest lists {outputs}")


@dataclass
class HeadWeights:
    """The numbers of a trained head, and how to apply them."""

    kind: str
    tensors: dict[str, np.ndarray]
    multi_label: bool = False
    ngrams: NgramVocabulary | None = None

    def logits(self, vectors: np.ndarray, texts: Sequence[str] | None = None) -> np.ndarray:
        """Raw scores, ``(n, n_labels)``; ``texts`` are needed when the head weighs n-grams."""
        t = self.tensors
        if self.kind == MLP:
            hidden = np.maximum(affine(vectors, t["hidden.weight"], t["hidden.bias"]), 0.0)
            return affine(hidden, t["out.weight"], t["out.bias"])
        scores = affine(vectors, t["out.weight"], t["out.bias"])
        if self.ngrams is not None:
            if texts is None:
                raise TypeError("this head weighs n-grams: pass the texts with their vectors")
            scores = scores + self.ngrams.scores(texts, t[NGRAM_WEIGHT])
        return scores

    def probabilities(
        self, vectors: np.ndarray, texts: Sequence[str] | None = None
    ) -> np.ndarray:
        """Softmax (single-label) or per-label sigmoid (multi-label) probabilities."""
        scores = self.logits(vectors.astype(np.float32), texts)
        if self.multi_label:
            return 1.0 / (1.0 + np.exp(-scores))
        return softmax(scores)

    def save(self, file: Path) -> None:
        """Write the tensors as safetensors."""
        from safetensors.numpy import save_file

        save_file({k: np.ascontiguousarray(v) for k, v in self.tensors.items()}, str(file))
        if self.ngrams is not None:
            self.ngrams.save(file.parent / NGRAM_FILE)

    @property
    def input_size(self) -> int:
        """Length of the vectors the head reads."""
        first = self.tensors["hidden.weight" if self.kind == MLP else "out.weight"]
        return int(first.shape[1])

    def check_shapes(self, file: Path, labels: int) -> None:
        """LAI-E606 naming ``file`` when its tensors do not fit together or do not score
        ``labels`` labels (a manifest and a head from different trainings)."""
        t = self.tensors
        needed = ("hidden.weight", "hidden.bias", "out.weight", "out.bias") \
            if self.kind == MLP else ("out.weight", "out.bias")
        missing = [name for name in needed if name not in t]
        if missing:
            raise LeptonError(E.E606, path=file, why=f"no tensor {missing[0]!r} for a "
                              f"{self.kind} head")
        out_weight = t["out.weight"]
        check_linear_layer(file, out_weight, t["out.bias"], labels, "labels")
        if self.kind == MLP and t["hidden.weight"].shape[0] != out_weight.shape[1]:
            raise LeptonError(E.E606, path=file, why=f"hidden.weight "
                              f"{t['hidden.weight'].shape} does not feed out.weight "
                              f"{out_weight.shape}")
        if NGRAM_WEIGHT in t and self.ngrams is not None \
                and t[NGRAM_WEIGHT].shape != (labels, len(self.ngrams)):
            raise LeptonError(E.E606, path=file, why=f"{NGRAM_WEIGHT} "
                              f"{t[NGRAM_WEIGHT].shape} does not match {labels} labels × "
                              f"{len(self.ngrams)} n-grams")

    @classmethod
    def load(cls, file: Path, kind: str, multi_label: bool) -> HeadWeights:
        """Read tensors written by :meth:`save` (safetensors and JSON: no code runs on load)."""
        from safetensors.numpy import load_file

        tensors = load_file(str(checked_safetensors(file)))
        ngrams = None
        if NGRAM_WEIGHT in tensors:
            ngrams = NgramVocabulary.load(require_file(file.parent, NGRAM_FILE))
        return cls(kind, tensors, multi_label, ngrams)
