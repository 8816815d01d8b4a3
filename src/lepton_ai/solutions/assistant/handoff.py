"""When a person should take over, and what that person is told.

Four reasons, in the order they are checked: the customer asks for a person; the
matched entry is marked human-only; the customer is angry (a word aimed at the
company, or negative sentiment *with* a cue: a bad experience alone is a normal
support question, "my card was stolen" must not page an agent); the assistant
could neither answer nor offer choices twice in a row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lepton_ai.solutions.assistant.session import Session

_PERSON = r"(someone|somebody|person|human|agent|manager|operator|representative|rep|staff)"
ASKS_FOR_PERSON = re.compile(
    rf"\b((speak|talk|chat) (to|with) (a |an |the |some |your |a real |a live )?"
    rf"((customer )?(service|support) )?{_PERSON}|"
    rf"(get|want|need|give|have|connect|put|transfer) (me )?(to |through to |with )?"
    rf"((an?|some|a real|a live) )?{_PERSON}|"
    r"(real|live) (person|human|agent|chat)|a human|human (agent|being|please)|"
    r"(agent|operator|human) please|^\s*(agent|operator|human)\W*$|"
    r"(customer (service|support)) (agent|rep|representative|staff)|call me( back)?)\b|"
    r"人工(?!智能)|真人|客服人员|转接|找(个)?人|接线员",
    re.IGNORECASE)
#: Anger by itself: words people use at a company, not about their problem.
STRONG_ANGER = re.compile(
    r"\b(furious|outrageous|disgusting|scam|rip[- ]?off|wtf|you people|lawyer|sue you|"
    r"report you|unacceptable|pissed)\b|投诉|垃圾|骗子|气死|坑人|忍无可忍|受够|什么破|举报",
    re.IGNORECASE)
#: Anger with negative sentiment: these also describe a bad situation calmly.
WEAK_ANGER = re.compile(
    r"\b(ridiculous|angry|useless|worst|terrible|awful|fed up|sick of|complain|"
    r"complaint|damn|joke)\b|!!|\?\?|太差|差劲|无语|离谱|烂|太慢",
    re.IGNORECASE)
#: Sentiment this negative (the model's probability) makes a weak cue anger.
ANGER_SENTIMENT = 0.6
#: How many turns in a row without an answer or a clarifying question hand over.
UNSURE_TURNS = 2


def asks_for_person(message: str) -> bool:
    """Whether the customer asks to talk to a person."""
    return bool(ASKS_FOR_PERSON.search(message))


def is_angry(message: str, sentiment_label: str | None, sentiment_score: float) -> bool:
    """A strong anger cue; or weak cues (shouting counts as one) with negative
    sentiment, or two of them."""
    if STRONG_ANGER.search(message):
        return True
    shouting = sum(1 for word in message.split() if len(word) > 3 and word.isupper()) >= 2
    cues = len(WEAK_ANGER.findall(message)) + int(shouting)
    negative = sentiment_label == "negative" and sentiment_score >= ANGER_SENTIMENT
    return (negative and cues > 0) or cues >= 2


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

