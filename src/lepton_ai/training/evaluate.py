"""Evaluation of classifiers: metrics, per-label table, calibration, errors, reports.

``evaluate_classifier`` returns a JSON-able dict and, given a folder, writes
``report.json``, ``report.md`` and ``confusion_matrix.png`` there.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.training.data import LabelledSet, read_labelled

if TYPE_CHECKING:
    from lepton_ai.tasks.classify import TextClassifier

#: Calibration bins for the expected calibration error.
ECE_BINS = 15
#: How many of the most confident errors a report lists.
SHOWN_ERRORS = 10


def evaluate_classifier(
    model: TextClassifier,
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


def single_label_metrics(
    labels: list[str], data: LabelledSet, probabilities: np.ndarray
) -> dict[str, Any]:
    """Accuracy, macro/micro/weighted P/R/F1, per-label table, confusion matrix, ECE."""
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

    position = {name: i for i, name in enumerate(labels)}
    truth = np.array([position[example[0]] for example in data.labels])
    predicted = probabilities.argmax(1)
    confidence = probabilities.max(1)
    everything = list(range(len(labels)))
    report: dict[str, Any] = {"accuracy": float((truth == predicted).mean())}
    report.update(averaged_scores(truth, predicted, sorted(set(truth) | set(predicted))))
    p, r, f, support = precision_recall_fscore_support(
        truth, predicted, labels=everything, zero_division=0
    )
    report["per_label"] = [
        {"label": labels[i], "precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
         "support": int(support[i])}
        for i in everything
    ]
    report["confusion_matrix"] = confusion_matrix(truth, predicted, labels=everything).tolist()
    report["ece"] = expected_calibration_error(confidence, truth == predicted)
    wrong = np.flatnonzero(truth != predicted)
    worst = wrong[np.argsort(-confidence[wrong])][:SHOWN_ERRORS]
    report["confident_errors"] = [
        {"row": data.rows[i], "text": data.texts[i][:200], "label": labels[truth[i]],
         "predicted": labels[predicted[i]], "confidence": float(confidence[i])}
        for i in worst
    ]
    return report


def multi_label_metrics(
    labels: list[str], data: LabelledSet, probabilities: np.ndarray
) -> dict[str, Any]:
    """Subset accuracy and macro/micro/weighted P/R/F1 over labels."""
    from sklearn.metrics import precision_recall_fscore_support

    position = {name: i for i, name in enumerate(labels)}
    truth = np.zeros_like(probabilities, dtype=int)
    for row, example in enumerate(data.labels):
        truth[row, [position[name] for name in example]] = 1
    predicted = (probabilities >= 0.5).astype(int)
    report: dict[str, Any] = {"accuracy": float((truth == predicted).all(1).mean())}
    report.update(averaged_scores(
        truth, predicted, np.flatnonzero(truth.any(0) | predicted.any(0)).tolist()
    ))
    p, r, f, support = precision_recall_fscore_support(truth, predicted, zero_division=0)
    report["per_label"] = [
        {"label": labels[i], "precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
         "support": int(support[i])}
        for i in range(len(labels))
    ]
    return report


def averaged_scores(
    truth: np.ndarray, predicted: np.ndarray, occurring: list[int]
) -> dict[str, Any]:
    """Macro, micro and weighted P/R/F1 over the labels that occur in truth or predictions.

    A label absent from both has no defined score; counting it as 0 (as averaging over
    every trained label would) drags macro figures down for evaluation sets that cover
    only some labels, e.g. the new examples of a continual update. These are the
    labels scikit-learn averages over by default.
    """
    from sklearn.metrics import precision_recall_fscore_support

    scores: dict[str, Any] = {"averaged_labels": len(occurring)}
    for average in ("macro", "micro", "weighted"):
        p, r, f, _ = precision_recall_fscore_support(
            truth, predicted, labels=occurring or None, average=average, zero_division=0
        )
        scores[average] = {"precision": float(p), "recall": float(r), "f1": float(f)}
    return scores


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray) -> float:
    """ECE: |accuracy − confidence| averaged over equal-width confidence bins."""
    if not len(confidence):
        return 0.0
    edges = np.linspace(0.0, 1.0, ECE_BINS + 1)
    bins = np.clip(np.digitize(confidence, edges[1:-1]), 0, ECE_BINS - 1)
    total = 0.0
    for b in range(ECE_BINS):
        members = bins == b
        if members.any():
            gap = abs(correct[members].mean() - confidence[members].mean())
            total += members.mean() * gap
    return float(total)


def write_report(report: dict[str, Any], folder: Path, labels: list[str], title: str) -> None:
    """``report.json``, ``report.md`` and (single-label) ``confusion_matrix.png``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if "confusion_matrix" in report:
        plot_confusion_matrix(np.array(report["confusion_matrix"]), labels,
                              folder / "confusion_matrix.png")
    (folder / "report.md").write_text(markdown_report(report, title), encoding="utf-8")


def markdown_report(report: dict[str, Any], title: str) -> str:
    """A readable report: headline figures, per-label table, confident errors."""
    lines = [f"# {title}", "", f"Examples: {report.get('examples', '?')}", ""]
    averaged, known = report.get("averaged_labels"), len(report["per_label"])
    if averaged is not None and averaged < known:
        lines += [f"Averages cover the {averaged} of {known} labels that occur in the data "
                  "or the predictions; the others have no score.", ""]
    lines += ["| metric | precision | recall | F1 |", "|---|---|---|---|"]
    for average in ("macro", "micro", "weighted"):
        m = report[average]
        lines.append(f"| {average} | {m['precision']:.4f} | {m['recall']:.4f} | {m['f1']:.4f} |")
    lines += ["", f"Accuracy: **{report['accuracy']:.4f}**"]
    if "ece" in report:
        lines.append(f"Expected calibration error (ECE, {ECE_BINS} bins): {report['ece']:.4f}")
    if "confusion_matrix" in report:
        lines += ["", "![confusion matrix](confusion_matrix.png)"]
    lines += ["", "## Per label", "", "| label | precision | recall | F1 | support |",
              "|---|---|---|---|---|"]
    for row in sorted(report["per_label"], key=lambda r: r["f1"]):
        lines.append(
            f"| {row['label']} | {row['precision']:.3f} | {row['recall']:.3f} | "
            f"{row['f1']:.3f} | {row['support']} |"
        )
    if report.get("confident_errors"):
        lines += ["", "## Most confident errors", "", "| row | text | label | predicted | conf. |",
                  "|---|---|---|---|---|"]
        for e in report["confident_errors"]:
            text = e["text"].replace("|", "\\|").replace("\n", " ")
            lines.append(
                f"| {e['row']} | {text} | {e['label']} | {e['predicted']} | "
                f"{e['confidence']:.2f} |"
            )
    return "\n".join(lines) + "\n"


def plot_confusion_matrix(matrix: np.ndarray, labels: list[str], file: Path) -> None:
    """Row-normalised confusion matrix; the figure grows with the label count (77+ readable)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lepton_ai.training.fonts import font_family_for

    family = font_family_for(labels)
    with plt.rc_context({"font.family": family} if family else {}):
        _draw_confusion_matrix(plt, matrix, labels, file)


def _draw_confusion_matrix(plt: Any, matrix: np.ndarray, labels: list[str], file: Path) -> None:
    n = len(labels)
    rows = matrix.sum(1, keepdims=True)
    normalised = np.divide(matrix, rows, out=np.zeros_like(matrix, dtype=float), where=rows > 0)
    side = max(5.0, 0.22 * n + 3)
    font = 9 if n <= 20 else max(4.0, 9 - n / 20)
    fig, ax = plt.subplots(figsize=(side, side), dpi=110)
    image = ax.imshow(normalised, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(n), [_short(label) for label in labels], rotation=90, fontsize=font)
    ax.set_yticks(range(n), [_short(label) for label in labels], fontsize=font)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    if n <= 20:
        for i in range(n):
            for j in range(n):
                if matrix[i, j]:
                    color = "white" if normalised[i, j] > 0.5 else "black"
                    ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=font,
                            color=color)
    fig.colorbar(image, ax=ax, fraction=0.03, label="share of the true label")
    ax.set_title("Confusion matrix (rows: true label)")
    fig.tight_layout()
    fig.savefig(file)
    plt.close(fig)


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def compare_reports(folders: list[Path]) -> list[dict[str, Any]]:
    """One row per model directory: method, base, metrics, training time, size."""
    from lepton_ai.bundle import Manifest

    rows = []
    for folder in folders:
        manifest = Manifest.read(folder)
        metrics = manifest.metrics
        size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()
                   and "checkpoints" not in f.parts)
        rows.append({
            "model": str(folder), "task": manifest.task, "method": manifest.method,
            "base": manifest.base_model, "accuracy": metrics.get("accuracy"),
            "macro_f1": (metrics.get("macro") or {}).get("f1"),
            "f1": metrics.get("f1"),
            "evaluated_on": metrics.get("evaluated_on", ""),
            "train_seconds": manifest.data.get("train_seconds"),
            "trainable_parameters": manifest.data.get("trainable_parameters"),
            "size_mb": round(size / 1e6, 1),
        })
    return rows
