"""The learning loop: what customers and agents said about answers goes back in.

Feedback in the conversation log names, for a turn, either a thumbs-up on the
entry that answered it or the entry that *should* have answered it
(``correct_entry``). :func:`learn` turns each such turn's message (as logged,
personal data masked) into a new phrasing of that entry, kept in
``KB_DIR/learned.jsonl`` and merged into every later build, and updates the base:
only the new phrasings are embedded. With an intent model, the same examples
update it through the continual-learning path of ``lai train --from``.
"""

from __future__ import annotations

import csv
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lepton_ai.solutions.assistant.knowledge_base import LEARNED, KnowledgeBase, learned_phrasings


@dataclass
class LearnReport:
    """What one learning pass took in and changed."""

    examples: int
    new_phrasings: int
    version: int
    intent_model: str | None = None
    intent_accuracy: float | None = None


def examples_from_feedback(kb: KnowledgeBase, turns: list[dict[str, Any]],
                           feedback: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(message, entry id)`` pairs: corrections first; thumbs-up on answered turns."""
    by_id = {turn["id"]: turn for turn in turns}
    pairs: dict[str, str] = {}
    for item in feedback:
        turn = by_id.get(item["turn"])
        if turn is None:
            continue
        if item.get("correct_entry"):
            pairs[turn["message"]] = item["correct_entry"]
        elif item.get("rating") == 1 and turn.get("entry") and turn["action"] == "answer":
            pairs.setdefault(turn["message"], turn["entry"])
    return [(text, entry) for text, entry in pairs.items() if entry in kb.entries]


def learn(kb_dir: str | Path, *, log: str | None = None,
          intent_model: str | Path | None = None) -> LearnReport:
    """Take the log's feedback into the knowledge base (and the intent model)."""
    from lepton_ai.solutions.assistant.build import build_knowledge_base
    from lepton_ai.solutions.assistant.conversation_log import ConversationLog

    root = Path(kb_dir)
    kb = KnowledgeBase.load(root)
    store = ConversationLog(log or f"sqlite:///{root / 'conversations.db'}")
    name = root.resolve().name
    examples = examples_from_feedback(kb, list(store.turns(name)), store.feedback(name))
    store.close()
    known = learned_phrasings(root)
    fresh = [(text, entry) for text, entry in examples
             if text not in known.get(entry, []) and text not in kb.entries[entry].phrasings()]
    if fresh:
        with (root / LEARNED).open("a", encoding="utf-8") as handle:
            for text, entry in fresh:
                handle.write(json.dumps({"entry": entry, "text": text}, ensure_ascii=False)
                             + "\n")
    version = build_knowledge_base(root, update=True).version if fresh else kb.version
    report = LearnReport(len(examples), len(fresh), version)
    if intent_model is not None and examples:
        report.intent_model, report.intent_accuracy = _update_intents(kb, examples,
                                                                      Path(intent_model))
    return report


def _update_intents(kb: KnowledgeBase, examples: list[tuple[str, str]],
                    model: Path) -> tuple[str, float]:
    from lepton_ai.training.pipeline import train

    rows = [(text, kb.entries[entry].category) for text, entry in examples
            if kb.entries[entry].category]
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "learned.csv"
        with data.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([("text", "label"), *rows])
        updated = train(data, from_model=model, out=model)
    return str(model), float(updated.metrics.get("accuracy", 0.0))
