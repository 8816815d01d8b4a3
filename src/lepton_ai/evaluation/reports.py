"""Evaluation reports of classifiers: ``report.json``, ``report.md``, the confusion matrix
(PNG) and the side-by-side comparison of model directories."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.metrics import ECE_BINS


def write_report(report: dict[str, Any], folder: Path, labels: list[str], title: str) -> None:
    """``report.json``, ``report.md`` and (single-label) ``confusion_matrix.png`` and
    ``calibration.png``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    if "confusion_matrix" in report:
        plot_confusion_matrix(np.array(report["confusion_matrix"]), labels,
                              folder / "confusion_matrix.png")
    if report.get("calibration"):
        plot_reliability(report["calibration"], report["ece"], folder / "calibration.png")
    (folder / "report.md").write_text(markdown_report(report, title), encoding="utf-8")


def add_to_report(folder: Path, key: str, value: Any) -> None:
    """Add one entry to the ``report.json`` in ``folder``."""
    path = folder / "report.json"
    report = json.loads(path.read_text(encoding="utf-8"))
    report[key] = value
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


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
    if report.get("calibration"):
        lines += ["", "![calibration: accuracy against confidence](calibration.png)"]
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

    from lepton_ai.evaluation.fonts import font_family_for

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


def plot_reliability(bins: list[dict[str, float]], ece: float, file: Path) -> None:
    """The reliability diagram: each confidence bin's accuracy (bars) against the
    diagonal a calibrated model would follow, and how many predictions each bin holds."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lows = [b["low"] for b in bins]
    widths = [b["high"] - b["low"] for b in bins]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(4.8, 5.2), dpi=110, sharex=True,
                                      gridspec_kw={"height_ratios": [3, 1]})
    top.bar(lows, [b["accuracy"] for b in bins], width=widths, align="edge",
            color="#2458d6", edgecolor="white", label="accuracy")
    top.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o",
             color="#d66a24", markersize=4, label="at the bin's mean confidence")
    top.plot([0, 1], [0, 1], "--", color="grey", linewidth=1, label="calibrated")
    top.set_ylim(0, 1)
    top.set_ylabel("accuracy")
    top.set_title(f"Calibration (ECE {ece:.3f})")
    top.legend(loc="upper left", fontsize=8)
    bottom.bar(lows, [b["count"] for b in bins], width=widths, align="edge", color="#8a94a6",
               edgecolor="white")
    bottom.set_xlim(0, 1)
    bottom.set_xlabel("confidence (the predicted label's probability)")
    bottom.set_ylabel("predictions")
    fig.tight_layout()
    fig.savefig(file)
    plt.close(fig)


def _short(label: str, width: int = 28) -> str:
    return label if len(label) <= width else label[: width - 1] + "…"


def compare_reports(folders: list[Path]) -> list[dict[str, Any]]:
    """One row per model directory: method, base, metrics, training time, size."""
    from lepton_ai.artifacts.manifest import Manifest

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
