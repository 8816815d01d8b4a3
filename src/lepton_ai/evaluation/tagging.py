"""Entity-level evaluation of taggers (seqeval, conlleval-compatible) and its report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

from lepton_ai.data.tagged import TaggedSentence, read_tagged
from lepton_ai.metrics import entity_scores


class TokenTagger(Protocol):
    """What evaluation needs of a tagger."""

    def tag_tokens(self, sentences: list[list[str]]) -> list[list[str]]: ...


def evaluate_tagger(
    tagger: TokenTagger, data: str | Path | list[TaggedSentence], out: str | Path | None = None
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


def validation_f1(gold: list[TaggedSentence], predicted: list[list[str]]) -> float:
    """Entity F1 used for early stopping."""
    return float(entity_scores([s.tags for s in gold], predicted)["f1"])
