"""What the conversation log says: deflection, hand-overs, and what to add to the FAQ.

Unanswered messages (turns the assistant could not answer or had to ask about)
are grouped by meaning: each message joins the first group whose first message
is at least ``SAME_QUESTION`` cosine-similar, in the base's vector space for its
script. Each group becomes a suggested FAQ question, its most central message,
with how often it was asked, largest first.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.solutions.assistant.knowledge_base import KnowledgeBase

#: Cosine at which two unanswered messages count as the same question.
SAME_QUESTION = 0.7
UNANSWERED = ("unknown", "clarify")


@dataclass
class Suggestion:
    """A question customers asked that the base could not answer, and its variants."""

    question: str
    times: int
    examples: list[str] = field(default_factory=list)


@dataclass
class AssistantReport:
    """Rates and suggestions over the logged turns of one assistant."""

    turns: int
    conversations: int
    answered_share: float
    handed_over_share: float
    actions: dict[str, int]
    by_day: dict[str, dict[str, int]]
    suggestions: list[Suggestion]
    feedback: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        """A plain dict (``report.json``)."""
        return asdict(self)


def group_questions(kb: KnowledgeBase, messages: list[str]) -> list[Suggestion]:
    """Unanswered messages grouped by meaning, largest group first."""
    from lepton_ai.solutions.assistant.retrieval import HybridRetriever

    counts = Counter(messages)
    retriever = HybridRetriever(kb)
    groups: list[tuple[str, np.ndarray, list[str]]] = []  # (space, leader vector, members)
    for text, _ in counts.most_common():
        space = kb.space_for(text)
        vector = retriever.embed(text, space)
        for group_space, leader, members in groups:
            if group_space == space and float(vector @ leader) >= SAME_QUESTION:
                members.append(text)
                break
        else:
            groups.append((space, vector, [text]))
    suggestions = []
    for _, _, members in groups:
        times = sum(counts[text] for text in members)
        suggestions.append(Suggestion(members[0], times, members[1:6]))
    return sorted(suggestions, key=lambda s: -s.times)


def build_report(kb_dir: str | Path, *, log: str | None = None) -> AssistantReport:
    """The report of the assistant over ``kb_dir`` from its conversation log."""
    from lepton_ai.solutions.assistant.conversation_log import ConversationLog

    kb = KnowledgeBase.load(kb_dir)
    store = ConversationLog(log or f"sqlite:///{kb.path / 'conversations.db'}")
    name = kb.path.resolve().name
    turns = list(store.turns(name))
    feedback = store.feedback(name)
    store.close()
    actions = Counter(turn["action"] for turn in turns)
    sessions = {turn["session"] for turn in turns}
    handed = {turn["session"] for turn in turns if turn["handoff"]}
    by_day: dict[str, Counter[str]] = {}
    for turn in turns:
        by_day.setdefault(turn["created_at"].date().isoformat(), Counter())[turn["action"]] += 1
    unanswered = [turn["message"] for turn in turns if turn["action"] in UNANSWERED]
    ratings = Counter(item["rating"] for item in feedback if item["rating"] is not None)
    return AssistantReport(
        turns=len(turns), conversations=len(sessions),
        answered_share=round((actions["answer"] + actions["grounded"]) / max(len(turns), 1), 4),
        handed_over_share=round(len(handed) / max(len(sessions), 1), 4),
        actions=dict(actions.most_common()),
        by_day={day: dict(counts) for day, counts in sorted(by_day.items())},
        suggestions=group_questions(kb, unanswered) if unanswered else [],
        feedback={"up": ratings.get(1, 0), "down": ratings.get(-1, 0),
                  "corrections": sum(1 for item in feedback if item["correct_entry"])})


def write_report(report: AssistantReport, folder: str | Path) -> list[Path]:
    """``report.json``, ``report.md`` and ``report.png`` (actions per day and the most
    asked unanswered questions) in ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lepton_ai.evaluation.fonts import font_family_for

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report.as_json(), ensure_ascii=False,
                                                indent=2), encoding="utf-8")
    lines = ["# Assistant report\n", f"{report.turns} turns in {report.conversations} "
             f"conversations; answered {report.answered_share:.1%} of turns; "
             f"{report.handed_over_share:.1%} of conversations handed over.\n",
             "## Suggested FAQ entries (unanswered questions by meaning)\n",
             "| asked | question | also asked as |", "|---:|---|---|"]
    lines += [f"| {s.times} | {s.question} | {'; '.join(s.examples)} |"
              for s in report.suggestions[:30]]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    family = font_family_for([s.question for s in report.suggestions[:10]])
    figure, (days, top) = plt.subplots(1, 2, figsize=(12, 4.5))
    names = sorted({action for counts in report.by_day.values() for action in counts})
    bottom = np.zeros(len(report.by_day))
    for action in names:
        values = np.array([counts.get(action, 0) for counts in report.by_day.values()])
        days.bar(list(report.by_day), values, bottom=bottom, label=action)
        bottom += values
    days.set_title("Turns per day by action")
    days.legend(fontsize=8)
    days.tick_params(axis="x", rotation=45)
    shown = report.suggestions[:10][::-1]
    top.barh(range(len(shown)), [s.times for s in shown], color="#c0504d")
    top.set_yticks(range(len(shown)), [s.question[:40] for s in shown],
                   **({"fontfamily": family} if family else {}))
    top.set_title("Most asked unanswered questions")
    figure.tight_layout()
    figure.savefig(out / "report.png", dpi=110)
    plt.close(figure)
    return [out / "report.json", out / "report.md", out / "report.png"]
