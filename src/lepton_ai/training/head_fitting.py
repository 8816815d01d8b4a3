"""Training classifier heads in torch; ``tasks.heads.HeadWeights`` runs them in NumPy."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lepton_ai.artifacts.head_weights import LINEAR, MLP, NGRAM_WEIGHT, HeadWeights
from lepton_ai.text.ngrams import NgramVocabulary


def build_head(dim: int, n_labels: int, kind: str = LINEAR, dropout: float = 0.1):  # type: ignore[no-untyped-def]
    """A torch head whose ``state_dict`` names match :class:`HeadWeights`."""
    from torch import nn

    class Head(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.kind = kind
            self.drop = nn.Dropout(dropout)
            if kind == MLP:
                self.hidden = nn.Linear(dim, dim)
            self.out = nn.Linear(dim, n_labels)

        def forward(self, x):  # type: ignore[no-untyped-def]
            x = self.drop(x)
            if self.kind == MLP:
                x = self.drop(nn.functional.relu(self.hidden(x)))
            return self.out(x)

    return Head()


def head_from_weights(weights: HeadWeights, dropout: float = 0.1):  # type: ignore[no-untyped-def]
    """A torch head initialised from saved weights (continual training)."""
    import torch

    out = weights.tensors["out.weight"]
    head = build_head(out.shape[1], out.shape[0], weights.kind, dropout)
    head.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.tensors.items()})
    return head


def weights_of(head, multi_label: bool) -> HeadWeights:  # type: ignore[no-untyped-def]
    """Copy a torch head's parameters out as NumPy."""
    tensors = {k: v.detach().float().cpu().numpy().copy() for k, v in head.state_dict().items()}
    return HeadWeights(head.kind, tensors, multi_label)


def fit_head(
    vectors: np.ndarray,
    targets: np.ndarray,
    n_labels: int,
    *,
    multi_label: bool,
    kind: str = LINEAR,
    l2: float = 1e-3,
    class_weights: np.ndarray | None = None,
    init: HeadWeights | None = None,
    new_labels: int = 0,
    max_iter: int = 200,
    seed: int = 0,
):  # type: ignore[no-untyped-def]
    """Fit a head on fixed vectors, full batch, with L-BFGS (logistic regression).

    ``targets`` is ``(n,)`` class indices (single-label) or an ``(n, n_labels)``
    0/1 matrix (multi-label). ``l2`` is the penalty on the weights: on their size, or,
    when the fit starts from a previous head (``init``, a continual update), on how far
    they and the biases move from it. An update sees only a sample of the old labels'
    examples, and a penalty toward zero would refit their weights on that sample alone.
    The last ``new_labels`` outputs of ``init`` are labels the update adds: they start from nothing
    and must grow to the size of the others from a handful of examples, so they are held
    ``NEW_LABEL_PENALTY`` times as lightly.
    """
    import torch

    torch.manual_seed(seed)
    x = torch.from_numpy(np.asarray(vectors, dtype=np.float32))
    head = (
        head_from_weights(init, dropout=0.0)
        if init is not None
        else build_head(x.shape[1], n_labels, kind, dropout=0.0)
    )
    head.train()
    weight = None if class_weights is None else torch.from_numpy(class_weights.astype(np.float32))
    if multi_label:
        y = torch.from_numpy(np.asarray(targets, dtype=np.float32))
        loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=None)
    else:
        y = torch.from_numpy(np.asarray(targets, dtype=np.int64))
        loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
    # From a previous head, the biases are held too: refitted freely, they would follow
    # the rehearsal sample's label shares.
    held = [(name, p) for name, p in head.named_parameters()
            if init is not None or name.endswith("weight")]
    params = [p for _, p in held]
    anchors = [p.detach().clone() if init is not None else torch.zeros_like(p) for p in params]
    strengths = [_strength(name, p, new_labels if init is not None else 0) for name, p in held]
    optimizer = torch.optim.LBFGS(
        head.parameters(), lr=1.0, max_iter=max_iter, history_size=20,
        line_search_fn="strong_wolfe",
    )

    def closure():  # type: ignore[no-untyped-def]
        optimizer.zero_grad()
        penalty = sum((w * (p - a) ** 2).sum()
                      for p, a, w in zip(params, anchors, strengths, strict=True))
        loss = loss_fn(head(x), y) + l2 * penalty / 2
        loss.backward()
        return loss

    optimizer.step(closure)
    head.eval()
    return head


#: How lightly an update holds the outputs of the labels it adds (× the penalty).
NEW_LABEL_PENALTY = 0.01


def _strength(name: str, parameter, new_labels: int):  # type: ignore[no-untyped-def]
    """Per-element weights of the penalty: 1, and ``NEW_LABEL_PENALTY`` on the rows of
    the output layer that belong to new labels."""
    import torch

    strength = torch.ones_like(parameter)
    if new_labels and name.startswith("out."):
        strength[-new_labels:] = NEW_LABEL_PENALTY
    return strength


def fit_lexical_head(
    vectors: np.ndarray,
    texts: Sequence[str],
    targets: np.ndarray,
    n_labels: int,
    vocabulary: NgramVocabulary,
    *,
    c: float,
    class_weights: np.ndarray | None = None,
) -> HeadWeights:
    """Multinomial logistic regression on ``[vector ‖ TF-IDF n-grams]`` (scikit-learn).

    The features are sparse (up to 100,000 n-grams), which the full-batch torch
    fit above would hold densely. Single-label only.
    """
    import scipy.sparse as sparse
    from sklearn.linear_model import LogisticRegression

    rows, cols, values = vocabulary.sparse_rows(texts)
    lexical = sparse.csr_matrix((values, (rows, cols)), shape=(len(texts), len(vocabulary)))
    features = sparse.hstack([sparse.csr_matrix(vectors), lexical]).tocsr()
    weight_of = None if class_weights is None else dict(enumerate(class_weights.tolist()))
    model = LogisticRegression(C=c, max_iter=2000, class_weight=weight_of)
    model.fit(features, targets)
    coef = model.coef_.astype(np.float32)
    bias = model.intercept_.astype(np.float32)
    if coef.shape[0] == 1:  # binary: sigmoid(z) == softmax([-z/2, z/2])
        coef = np.vstack([-coef / 2, coef / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2], dtype=np.float32)
    if len(model.classes_) != n_labels:
        raise ValueError("every label needs training examples")  # checks.py guarantees it
    dim = vectors.shape[1]
    tensors = {"out.weight": coef[:, :dim].copy(), "out.bias": bias,
               NGRAM_WEIGHT: coef[:, dim:].copy()}
    return HeadWeights(LINEAR, tensors, multi_label=False, ngrams=vocabulary)
