"""Zero-shot classification: labels named in words, no training examples.

A text goes to the label whose name (or description) is closest to it in the
sentence encoder's space. Probabilities are a softmax over the cosines scaled by
``scale``; they rank labels, they are not calibrated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from lepton_ai.artifacts.head_weights import softmax
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.encoders import Encoder
from lepton_ai.models.loader import load_encoder
from lepton_ai.tasks.embed import as_text_list, choose_model

#: Cosine → logit scale of the softmax (cosines between sentences span ~0.0-0.7).
ZERO_SHOT_SCALE = 20.0


class ZeroShotClassifier:
    """Classifies by cosine similarity to one vector per label.

    Build it with :meth:`from_labels` (label names, or a mapping name →
    description: "questions about card payments" reads better to an encoder
    than "card_payment") or from ready label vectors (e.g. the mean vector of a
    few examples per label).
    """

    def __init__(
        self, labels: Sequence[str], label_vectors: np.ndarray, encoder: Encoder,
        scale: float = ZERO_SHOT_SCALE,
    ) -> None:
        self.labels = list(labels)
        self.label_vectors = label_vectors
        self.encoder = encoder
        self.scale = scale

    @classmethod
    def from_labels(
        cls, labels: Sequence[str] | Mapping[str, str], encoder: Encoder
    ) -> ZeroShotClassifier:
        """Label vectors from the names or descriptions, embedded by ``encoder``."""
        names, descriptions = _label_texts(labels)
        return cls(names, encoder.encode(descriptions, role="query"), encoder)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probabilities, ``(n, n_labels)``."""
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.probabilities_from_vectors(self.encoder.encode(list(texts), role="document"))

    def probabilities_from_vectors(self, vectors: np.ndarray) -> np.ndarray:
        """Probabilities for texts already embedded by this classifier's encoder."""
        return softmax((vectors @ self.label_vectors.T) * self.scale).astype(np.float32)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The closest label of each text."""
        return [self.labels[int(i)] for i in self.predict_proba(texts).argmax(axis=1)]


def zero_shot(
    labels: Sequence[str] | Mapping[str, str], texts: Sequence[str],
    model: str | Path | None, lang: str,
) -> ZeroShotClassifier:
    """A zero-shot classifier on the encoder ``model`` / ``lang`` picks for ``texts``."""
    _, descriptions = _label_texts(labels)
    encoder = load_encoder(choose_model([*texts, *descriptions], model, lang))
    return ZeroShotClassifier.from_labels(labels, encoder)


def _label_texts(labels: object) -> tuple[list[str], list[str]]:
    if isinstance(labels, Mapping):
        names, descriptions = list(labels), list(labels.values())
    elif isinstance(labels, (list, tuple)):
        names = list(labels)
        descriptions = [str(name).replace("_", " ") for name in names]
    else:
        raise LeptonError(E.E704, type_name=type(labels).__name__)
    if len(names) < 2:
        raise LeptonError(E.E705, n=len(names))
    as_text_list(descriptions)  # every name / description must be a string
    if len(set(names)) != len(names):
        raise LeptonError(E.E706, names=sorted({n for n in names if names.count(n) > 1}))
    return [str(n) for n in names], descriptions
