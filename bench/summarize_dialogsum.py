"""Summaries on DialogSum dev: lead baseline, extractive, abstractive (SmolLM2) — ROUGE F1.

ROUGE-1/2/L F1 ×100 with Porter stemming (Google's rouge-score, the reimplementation
of ROUGE-1.5.5) against each dialogue's one dev reference. The dialogues are read
from ../shared/data/dialogsum (never copied).

    .venv/bin/python bench/summarize_dialogsum.py --abstractive 100

Dialogues are summarized by whole turns (speaker kept); the turns' position prior
was chosen on the first 250 dialogues, so both halves are reported apart.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.tasks.summarize import sentences_of


def dialogues() -> list[dict[str, str]]:
    path = SHARED_DATA / "dialogsum" / "dialogsum.dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def lead(text: str, n: int) -> str:
    return " ".join(text[start:end] for start, end in sentences_of(text)[:n])


class CharacterTokens:
    """Chinese ROUGE counts characters (rouge-score's own tokenizer drops CJK)."""

    @staticmethod
    def tokenize(text: str) -> list[str]:
        return [char for char in text if char.isalnum()]


def score(predictions: list[str], references: list[str], chinese: bool = False
          ) -> dict[str, float]:
    """Mean ROUGE-1/2/L F1 × 100: Porter-stemmed words, or characters for Chinese."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=not chinese,
                                      tokenizer=CharacterTokens() if chinese else None)
    totals = {"rouge1": 0.0, "rouge2": 0.0, "rougeL": 0.0}
    for prediction, reference in zip(predictions, references, strict=True):
        for name, value in scorer.score(reference, prediction).items():
            totals[name] += value.fmeasure
    return {name: round(100 * total / len(predictions), 2) for name, total in totals.items()}


def run(name: str, rows: list[dict[str, str]], summarize) -> None:  # type: ignore[no-untyped-def]
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        predictions = [summarize(row["dialogue"]) for row in rows]
        seconds = time.perf_counter() - started
    record("summarize_dialogsum", {
        "method": name, "dialogues": len(rows), **score(predictions, [r["summary"] for r in rows]),
        "dialogues_per_s": round(len(rows) / seconds, 2), "example": predictions[0][:300],
        "foreign_cores": round(meter.foreign_cores, 2), "code": code_version()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--abstractive", type=int, default=100,
                        help="Dialogues for the (slow) abstractive run; 0 skips it.")
    args = parser.parse_args()
    rows = dialogues()
    # The dialogue turns' position prior was chosen on the first half; the second half
    # is the check nothing was tuned on.
    for half, part in (("first half, tuned on", rows[:250]), ("second half", rows[250:])):
        run(f"lead-3 ({half})", part, lambda text: lead(text, 3))
        run(f"extractive-3 ({half})", part,
            lambda text: lai.summarize(text, method="extractive", max_sentences=3).text)
    for n in (2, 3):
        run(f"lead-{n}", rows, lambda text, n=n: lead(text, n))
        run(f"extractive-{n}", rows,
            lambda text, n=n: lai.summarize(text, method="extractive", max_sentences=n).text)
    if args.abstractive:
        subset = rows[: args.abstractive]
        run("lead-3 (same subset)", subset, lambda text: lead(text, 3))
        run("extractive-3 (same subset)", subset,
            lambda text: lai.summarize(text, method="extractive", max_sentences=3).text)
        run("abstractive SmolLM2-135M", subset,
            lambda text: lai.summarize(text, method="abstractive", max_sentences=2).text)


if __name__ == "__main__":
    main()
