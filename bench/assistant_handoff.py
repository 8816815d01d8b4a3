"""Hand-over decisions of `lai assistant` on our labelled conversations (issue 20).

    .venv/bin/python bench/assistant_handoff.py [--set handoff_conversations_heldout]

bench/data/handoff_conversations.jsonl: 154 short conversations (English and
Chinese) written by us, each turn labelled hand-over or not before any run; the
rules were revised after the first run on it, so its figures are optimistic.
bench/data/handoff_conversations_heldout.jsonl: 40 more, written after that. The
English ones talk to a BANKING77 base (our 77 answers, 5 training questions per
intent as phrasings), the Chinese ones to our 60-entry banking FAQ. Every turn is
sent in its conversation's session; recall and precision of ``reply.handoff``
against the labels, overall and per language, and the mistakes, are recorded in
bench/results/assistant_handoff.jsonl.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _common import code_version, record
from assistant_banking77 import write_faq
from lepton_ai.solutions.assistant import Assistant, build_knowledge_base

DATA = Path(__file__).resolve().parent / "data"


def scores(pairs: list[tuple[bool, bool]]) -> dict[str, float]:
    tp = sum(1 for gold, said in pairs if gold and said)
    fp = sum(1 for gold, said in pairs if not gold and said)
    fn = sum(1 for gold, said in pairs if gold and not said)
    return {"turns": len(pairs), "handoffs": tp + fn,
            "recall": round(tp / max(tp + fn, 1), 4), "precision": round(tp / max(tp + fp, 1), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", default="handoff_conversations",
                        help="a .jsonl in bench/data: handoff_conversations (154, the rules "
                        "were revised on it) or handoff_conversations_heldout (40, written after)")
    args = parser.parse_args()
    conversations = [json.loads(line) for line in
                     (DATA / f"{args.set}.jsonl").open(encoding="utf-8")]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_faq(root / "banking77.csv", 5, set())
        build_knowledge_base(root / "en", faq=root / "banking77.csv")
        build_knowledge_base(root / "zh", faq=DATA / "zh_service_faq.csv")
        bots = {"en": Assistant(root / "en", log=False), "zh": Assistant(root / "zh", log=False)}
        pairs: dict[str, list[tuple[bool, bool]]] = {"en": [], "zh": []}
        mistakes = []
        for conversation in conversations:
            bot = bots[conversation["lang"]]
            for turn in conversation["turns"]:
                reply = bot.reply(turn["text"], session=conversation["id"])
                pairs[conversation["lang"]].append((turn["handoff"], reply.handoff))
                if turn["handoff"] != reply.handoff:
                    mistakes.append({"id": conversation["id"], "text": turn["text"],
                                     "label": turn["handoff"], "said": reply.handoff_reason
                                     or reply.action})
    record("assistant_handoff", {
        "bench": "assistant_handoff", "set": args.set, "code": code_version(),
        "all": scores(pairs["en"] + pairs["zh"]), "en": scores(pairs["en"]),
        "zh": scores(pairs["zh"]), "mistakes": mistakes})


if __name__ == "__main__":
    main()
