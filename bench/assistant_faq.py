"""Hit@1 of `lai assistant` retrieval on a FAQ and questions phrased differently.

    .venv/bin/python bench/assistant_faq.py [--faq F --questions Q]

Default: our Chinese banking development set (bench/data/zh_service_faq.csv, 60
entries; bench/data/zh_service_questions.csv, 300 questions, 5 per entry, written
and labelled before any model saw them). Reports hybrid, dense-only and BM25-only
(jieba terms) in the same run, and what the assistant does with each question
under its default policy. Appends to bench/results/assistant_faq.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

from _common import code_version, record
from lepton_ai.solutions.assistant import Assistant, KnowledgeBase, build_knowledge_base
from lepton_ai.solutions.assistant.retrieval import HybridRetriever

DATA = Path(__file__).resolve().parent / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--faq", type=Path, default=DATA / "zh_service_faq.csv")
    parser.add_argument("--questions", type=Path, default=DATA / "zh_service_questions.csv")
    args = parser.parse_args()
    questions = list(csv.DictReader(args.questions.open(encoding="utf-8")))
    with tempfile.TemporaryDirectory() as folder:
        report = build_knowledge_base(Path(folder) / "kb", faq=args.faq)
        kb = KnowledgeBase.load(Path(folder) / "kb")
        hits = {}
        for mode in ("hybrid", "dense", "lexical"):
            retriever = HybridRetriever(kb, mode)
            hits[mode] = round(100 * float(np.mean([
                retriever.rank(q["question"], k=1)[0].entry.id == q["entry"]
                for q in questions])), 2)
        bot = Assistant(kb, log=False, sentiment=False)
        actions: Counter[str] = Counter()
        for q in questions:
            reply = bot.reply(q["question"])
            right = bool(reply.citations) and reply.citations[0].id == q["entry"]
            offered = any(o == kb.entries[q["entry"]].question for o in reply.options)
            actions[f"{reply.action}:{'right' if right or offered else 'wrong'}"] += 1
    record("assistant_faq", {
        "bench": "assistant_faq", "faq": args.faq.name, "questions": len(questions),
        "code": code_version(), "spaces": report.models, "hit_at_1": hits,
        "actions": dict(sorted(actions.items()))})


if __name__ == "__main__":
    main()
