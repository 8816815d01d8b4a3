"""Entity-level evaluation of taggers (seqeval, conlleval-compatible)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lepton_ai.training.ner.data import TaggedSentence, read_tagged

if TYPE_CHECKING:
    from lepton_ai.tasks.tagger import Tagger


def entity_scores(gold: list[list[str]], predicted: list[list[str]]) -> dict[str, Any]:
    """Micro precision/recall/F1 over entities, and the same per entity type."""
    from seqeval.metrics import classification_report, f1_score, precision_score, recall_score

    per_type = classification_report(gold, predicted, output_dict=True, zero_division=0)
    return {
        "precision": float(precision_score(gold, predicted, zero_division=0)),
        "recall": float(recall_score(gold, predicted, zero_division=0)),
        "f1": float(f1_score(gold, predicted, zero_division=0)),
        "per_type": [
            {"label": name, "precision": float(v["precision"]), "recall": float(v["recall"]),
             "f1": float(v["f1-score"]), "support": int(v["support"])}
            for name, v in per_type.items() if "avg" not in name
        ],
    }


def evaluate_tagger(
    tagger: Tagger, data: str | Path | list[TaggedSentence], out: str | Path | None = None
) -> dict[str, Any]:
    """Score ``tagger`` on tagged sentences (or a file of them); write a report if asked."""
    sentences = data if isinstance(data, list) else read_tagged(data)
    predicted = tagger.tag_tokens([s.tokens for s in sentences])
    report = entity_scores([s.tags for s in sentences], predicted)
    report["sentences"] = len(sentences)
    if out is not None:
        write_tagger_report(report, Path(out))
    return report


def write_tagger_report(report: dict[str, Any], folder: Path) -> None:
    """``report.json`` and a Markdown table per entity type."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                        encoding="utf-8")
    lines = [
        "# Entity recognition report", "",
        f"Sentences: {report['sentences']}. Entity-level micro scores (seqeval):", "",
        f"Precision {report['precision']:.4f} · Recall {report['recall']:.4f} · "
        f"**F1 {report['f1']:.4f}**", "",
        "| type | precision | recall | F1 | support |", "|---|---|---|---|---|",
    ]
    for row in report["per_type"]:
        lines.append(f"| {row['label']} | {row['precision']:.3f} | {row['recall']:.3f} | "
                     f"{row['f1']:.3f} | {row['support']} |")
    (folder / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
