"""Evaluation of classifiers on labelled data: metrics and, on request, the report files.

``evaluate_classifier`` returns a JSON-able dict and, given a folder, writes
``report.json``, ``report.md`` and ``confusion_matrix.png`` there. It needs only a
model's ``labels``, ``multi_label`` and ``predict_proba``: anything shaped like a
:class:`~lepton_ai.tasks.classify.TextClassifier`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import numpy as np

from lepton_ai.data.labelled import LabelledSet, read_labelled
from lepton_ai.errors import E, LeptonError
from lepton_ai.evaluation.out_of_scope import OUT_OF_SCOPE, out_of_scope_metrics
from lepton_ai.evaluation.reports import write_report
from lepton_ai.metrics import multi_label_metrics, single_label_metrics


class Classifier(Protocol):
    """What evaluation needs of a classifier."""

    @property
    def labels(self) -> list[str]: ...

    @property
    def multi_label(self) -> bool: ...

    def predict_proba(self, texts: list[str]) -> np.ndarray: ...


def evaluate_classifier(
    model: Classifier,
    data: LabelledSet | str | Path,
    *,
    text: str = "text",
    label: str = "label",
    label_sep: str | None = None,
    out: str | Path | None = None,
) -> dict[str, Any]:
    """Score ``model`` on labelled ``data``; write the report files into ``out`` if given.

    A model that abstains (``out_of_scope_threshold``) may be scored on data with
    ``out_of_scope`` examples: ``report["out_of_scope"]`` then holds in-scope accuracy
    (abstaining counts as wrong), out-of-scope recall and the in-scope rejections;
    the other metrics are those of the in-scope examples without abstaining.
    """
    if not isinstance(data, LabelledSet):
        data = read_labelled(data, text, label, label_sep)
    threshold = getattr(model, "out_of_scope_threshold", None)
    allowed = set(model.labels) | ({OUT_OF_SCOPE} if threshold is not None else set())
    unseen = sorted(data.label_counts().keys() - allowed)
    if unseen:
        raise LeptonError(E.E506, labels=", ".join(repr(u) for u in unseen[:10]))
    probabilities = model.predict_proba(data.texts)
    abstaining = None
    if threshold is not None and not model.multi_label:
        abstaining = out_of_scope_metrics(probabilities, [labels[0] for labels in data.labels],
                                          model.labels, threshold)
        known = [i for i, labels in enumerate(data.labels) if labels[0] in model.labels]
        data, probabilities = data.subset(known), probabilities[known]
    if model.multi_label:
        report = multi_label_metrics(model.labels, data, probabilities)
    else:
        report = single_label_metrics(model.labels, data, probabilities)
    if abstaining is not None:
        report["out_of_scope"] = {"threshold": threshold, **abstaining}
    report["examples"] = len(data)
    report["data"] = data.source
    if out is not None:
        write_report(report, Path(out), model.labels, title=f"Evaluation on {data.source}")
    return report
