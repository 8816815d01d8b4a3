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
    """Score ``model`` on labelled ``data``; write the report files into ``out`` if given."""
    if not isinstance(data, LabelledSet):
        data = read_labelled(data, text, label, label_sep)
    unseen = sorted(data.label_counts().keys() - set(model.labels))
    if unseen:
        raise LeptonError(E.E506, labels=", ".join(repr(u) for u in unseen[:10]))
    probabilities = model.predict_proba(data.texts)
    if model.multi_label:
        report = multi_label_metrics(model.labels, data, probabilities)
    else:
        report = single_label_metrics(model.labels, data, probabilities)
    report["examples"] = len(data)
    report["data"] = data.source
    if out is not None:
        write_report(report, Path(out), model.labels, title=f"Evaluation on {data.source}")
    return report
