"""When a person should take over, and what that person is told.

Four reasons, in the order they are checked: the customer asks for a person; the
matched entry is marked human-only; the customer is angry (strongly negative
sentiment *and* an anger cue: a negative product experience alone is a normal
support question, "my card was stolen" must not page an agent); the assistant
was unsure twice in a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lepton_ai.solutions.assistant.session import Session

ASKS_FOR_PERSON = re.compile(
    r"\b(human|real person|live (agent|person|chat)|(speak|talk|chat) (to|with) (a |an |the |"
    r"some |your )?(someone|somebody|person|agent|human|manager|operator|representative|rep)|"
    r"(an?|the) (agent|operator|representative)|call me( back)?)\b|人工|真人|客服人员|转接|"
    r"找(个)?人|接线员",
    re.IGNORECASE)
ANGER_CUES = re.compile(
    r"\b(ridiculous|unacceptable|furious|angry|outrageous|disgusting|useless|scam|"
    r"worst|terrible|awful|fed up|sick of|complain|complaint|lawyer|sue|report you|"
    r"rip[- ]?off|wtf|damn)\b|!!|投诉|垃圾|骗子|气死|太差|差劲|坑人|无语|离谱|举报|"
    r"受够|忍无可忍|什么破|烂",
    re.IGNORECASE)
#: Sentiment this negative (the model's probability) counts toward anger.
ANGER_SENTIMENT = 0.75
#: How many unsure turns in a row hand over.
UNSURE_TURNS = 2


def asks_for_person(message: str) -> bool:
    """Whether the customer asks to talk to a person."""
    return bool(ASKS_FOR_PERSON.search(message))


def is_angry(message: str, sentiment_label: str | None, sentiment_score: float) -> bool:
    """Strongly negative sentiment with an anger cue, or several cues at once."""
    cues = len(ANGER_CUES.findall(message))
    shouting = sum(1 for word in message.split() if len(word) > 3 and word.isupper()) >= 2
    negative = sentiment_label == "negative" and sentiment_score >= ANGER_SENTIMENT
    return (negative and (cues > 0 or shouting)) or cues >= 2


def summary(session: Session, reason: str, entities: Sequence[str]) -> str:
    """The note an agent reads: why, what the customer wants, what was tried.

    Built from whole turns with their speakers, never from sentences cut across
    them, so the agent can trust who said what.
    """
    lines = [f"Hand-over reason: {reason}."]
    asked = [turn.user for turn in session.turns]
    if asked:
        lines.append(f"Customer first wrote: {asked[0]}")
        if len(asked) > 1:
            lines.append(f"Customer last wrote: {asked[-1]}")
    if entities:
        lines.append("Details mentioned: " + "; ".join(dict.fromkeys(entities)))
    tried = [f"turn {n}: {turn.action}" + (f" (entry {turn.entry}, confidence "
                                           f"{turn.confidence:.2f})" if turn.entry else "")
             for n, turn in enumerate(session.turns, 1) if turn.action != "handoff"]
    if tried:
        lines.append("Assistant tried: " + "; ".join(tried))
    lines.append("Transcript:")
    for turn in session.turns:
        lines.append(f"  Customer: {turn.user}")
        lines.append(f"  Assistant: {turn.reply}")
    return "\n".join(lines)


def reason_text(reason: str) -> str:
    """A short human sentence for a hand-over reason code."""
    return {"requested": "the customer asked for a person",
            "human_only": "the topic is marked for people only",
            "angry": "the customer is upset",
            "unsure": f"the assistant was unsure {UNSURE_TURNS} times in a row"}[reason]

