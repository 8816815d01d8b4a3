"""The customer-service assistant: one message in, one decided reply out.

Each turn: read the message (language, sentiment, slots), rank the knowledge
base (hybrid retrieval; the session's last topic joins a follow-up message),
turn the ranking into a calibrated confidence, then decide:

- ``handoff``: the customer asks for a person, the entry is human-only, the
  customer is angry, or the assistant was unsure twice in a row;
- ``answer``: a FAQ answer, verbatim, when confident;
- ``grounded``: from a document chunk when confident, its own sentences (or, with
  ``generate=True``, :func:`lepton_ai.answer` writes from it) with the citation;
- ``clarify``: likely but not sure, or the top candidates are close: ask which
  one is meant, offering the best (up to ``max_options``);
- ``unknown``: "I don't know" and an offer of a person;
- ``social``: a greeting, thanks or goodbye, answered in kind (not searched).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.solutions.assistant import handoff
from lepton_ai.solutions.assistant.calibration import confidence
from lepton_ai.solutions.assistant.knowledge_base import KnowledgeBase
from lepton_ai.solutions.assistant.retrieval import Candidate, HybridRetriever
from lepton_ai.solutions.assistant.session import Session, SessionStore, Turn, is_follow_up
from lepton_ai.solutions.assistant.social import social_reply

MAX_MESSAGE_CHARS = 4000
#: Weight of the session's topic in a follow-up's query vector.
TOPIC_WEIGHT = 0.5
ACTIONS = ("answer", "grounded", "clarify", "unknown", "handoff", "social")
_TEXTS = {
    "en": {
        "clarify": "Did you mean:",
        "unknown": "I'm sorry, I don't know the answer to that. Would you like me to "
                   "connect you with a person?",
        "handoff": "I'm connecting you with a person now; they will see our conversation.",
    },
    "zh": {
        "clarify": "您想问的是：",
        "unknown": "抱歉，这个问题我暂时无法回答。需要为您转接人工客服吗？",
        "handoff": "正在为您转接人工客服，客服人员会看到我们的对话记录。",
    },
}


@dataclass(frozen=True)
class Citation:
    """Where an answer came from: the entry id, its question or heading, and a URL."""

    id: str
    title: str
    source: str | None = None
    url: str | None = None
    score: float = 0.0


@dataclass(frozen=True)
class Reply:
    """The assistant's reply to one message.

    ``action`` is one of answer, grounded, clarify, unknown, handoff, social. ``options``
    are the clarifying question's choices; ``summary`` is the hand-over note for
    the agent; ``turn_id`` names this turn in feedback.
    """

    answer: str
    action: str
    confidence: float
    handoff: bool
    citations: list[Citation]
    session: str
    turn_id: str
    lang: str
    intent: str | None = None
    sentiment: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    handoff_reason: str | None = None
    summary: str | None = None

    def as_json(self) -> dict[str, Any]:
        """A plain dict for JSON responses."""
        return asdict(self)


@dataclass(frozen=True)
class Policy:
    """The thresholds of the decision (on the calibrated confidence).

    A wrong answer costs a customer more than a clarifying question, so the assistant
    answers only when about two to one sure; below ``clarify_at`` it says it does not
    know. docs/benchmarks.md ("Default thresholds moved") has the sweep that chose them.
    """

    answer_at: float = 0.65
    clarify_at: float = 0.12
    #: Candidates within this fused-score distance of the top are "close".
    close: float = 0.04
    max_options: int = 3


class Assistant:
    """A customer-service assistant over a knowledge base folder.

    Example:
        >>> bot = Assistant("kb/")                                   # doctest: +SKIP
        >>> reply = bot.reply("How much is the card fee?", session="visitor-1")
        >>> reply.action, reply.answer, reply.citations[0].id        # doctest: +SKIP

    Args:
        kb: a folder from ``lai assistant build``, or a loaded :class:`KnowledgeBase`.
        log: a SQLAlchemy URL for the conversation log, ``None`` for
            ``KB/conversations.db``, or ``False`` for no log.
        sentiment: read each message's sentiment (anger hands over).
        generate: write grounded answers with the generation model instead of
            quoting the document's sentences.
        intent_model: a classifier folder from ``lai train`` whose labels are the
            FAQ's categories; it answers when it is surer than retrieval.
        retention_days: logged turns older than this are deleted (checked daily).
    """

    def __init__(self, kb: str | Path | KnowledgeBase, *, log: str | bool | None = None,
                 policy: Policy | None = None, sentiment: bool = True,
                 generate: bool = False, name: str | None = None,
                 retention_days: float | None = None,
                 intent_model: str | Path | None = None) -> None:
        self.kb = kb if isinstance(kb, KnowledgeBase) else KnowledgeBase.load(kb)
        self.name = name or self.kb.path.resolve().name
        self.policy = policy or Policy()
        self.retriever = HybridRetriever(self.kb)
        self.sessions = SessionStore()
        self.use_sentiment = sentiment
        self.generate = generate
        self.intents = None
        self._entries_of: dict[str, set[str]] = {}
        if intent_model is not None:
            from lepton_ai.tasks.loading import load

            self.intents = load(intent_model)
            for entry in self.kb.entries.values():
                if entry.category:
                    self._entries_of.setdefault(entry.category, set()).add(entry.id)
            unknown = sorted(set(self.intents.labels) - set(self._entries_of))
            if len(unknown) == len(self.intents.labels):
                raise LeptonError(E.E1012, model=intent_model,
                                  labels=", ".join(self.intents.labels[:5]),
                                  categories=", ".join(sorted(self._entries_of)[:5]) or "none")
        self._pruned_at = -float("inf")
        self.log = None
        if log is not False:
            from lepton_ai.solutions.assistant.conversation_log import ConversationLog

            url = log if isinstance(log, str) else f"sqlite:///{self.kb.path / 'conversations.db'}"
            self.log = ConversationLog(url, retention_days)

    # ------------------------------------------------------------------ a turn
    def reply(self, message: str, session: str | None = None) -> Reply:
        """Answer one customer message within ``session`` (a new one when None)."""
        from lepton_ai.text.hygiene import checked_text

        if not isinstance(message, str):
            raise LeptonError(E.E201, type_name=type(message).__name__)
        if len(message) > MAX_MESSAGE_CHARS:
            raise LeptonError(E.E1006, length=len(message), limit=MAX_MESSAGE_CHARS)
        message = checked_text(message)
        state = self.sessions.get(session)
        with state.lock:  # one turn of a session at a time keeps its context consistent
            reply = self._decide(message, state)
        if self.log is not None:
            self._prune_daily()
            self.log.write_turn({
                "id": reply.turn_id, "kb": self.name, "session": state.id,
                "message": message, "reply": reply.answer, "action": reply.action,
                "entry": reply.citations[0].id if reply.citations else None,
                "confidence": reply.confidence, "handoff": reply.handoff,
                "handoff_reason": reply.handoff_reason, "lang": reply.lang,
                "intent": reply.intent, "sentiment": reply.sentiment,
                "kb_version": self.kb.version})
        return reply

    def _prune_daily(self) -> None:
        """Apply the log's retention at most once a day (a delete by date, cheap)."""
        now = time.monotonic()
        if self.log is not None and self.log.retention_days is not None \
                and now - self._pruned_at > 86_400:
            self._pruned_at = now
            self.log.prune()

    def _decide(self, message: str, state: Session) -> Reply:
        lang = _language(message)
        entities = _slots(message, lang)
        texts = _TEXTS[lang if lang in _TEXTS else "en"]
        reason = "requested" if handoff.asks_for_person(message) else None
        # A greeting or thanks is neither searched nor read for sentiment (it cannot be
        # angry: social_reply takes only short messages made of polite words).
        polite = social_reply(message, lang) if reason is None else None
        sentiment_label, sentiment_score = (
            self._sentiment(message) if self.use_sentiment and polite is None else (None, 0.0))
        ranked, sure, used_context = (self._candidates(message, state) if polite is None
                                      else ([], 0.0, False))
        top = ranked[0] if ranked else None
        if reason is None and top is not None and sure >= self.policy.answer_at \
                and top.entry.human_only:
            reason = "human_only"
        if reason is None and handoff.is_angry(message, sentiment_label, sentiment_score):
            reason = "angry"
        if polite is not None:
            action, answer, options = "social", polite, []
        else:
            action, answer, options = self._choose(message, ranked, sure, texts)
        cited = ranked[:1] if action in ("answer", "grounded") else []
        if action in ("answer", "grounded") and top is not None:
            if not used_context:
                state.topic = message  # a follow-up keeps the topic it followed
            state.topic_entry = top.entry.id
        if reason is None and action == "unknown":
            state.low_confidence_streak += 1
            if state.low_confidence_streak >= handoff.UNSURE_TURNS:
                reason = "unsure"
        elif action in ("answer", "grounded", "clarify", "social"):
            state.low_confidence_streak = 0
        turn_id = uuid.uuid4().hex
        note = None
        if reason is not None:
            action, answer, options, cited = "handoff", texts["handoff"], [], cited
            state.handed_over = True
        state.turns.append(Turn(turn_id, message, answer, action,
                                top.entry.id if top else None, sure))
        if reason is not None:
            note = handoff.summary(state, handoff.reason_text(reason),
                                   [f"{e['label']}: {e['text']}" for e in entities])
        return Reply(
            answer=answer, action=action, confidence=round(sure, 4),
            handoff=reason is not None, citations=[_citation(c) for c in cited],
            session=state.id, turn_id=turn_id, lang=lang,
            intent=top.entry.category if top is not None and sure >= self.policy.clarify_at
            else None,
            sentiment=sentiment_label, entities=entities, options=options,
            handoff_reason=reason, summary=note)

    def candidates(self, message: str, session: str | None = None,
                   ) -> tuple[list[Candidate], float]:
        """The ranked entries for ``message`` and the confidence in the first, as the
        next turn of ``session`` would see them (nothing is recorded)."""
        state = self.sessions.find(session) if session else None
        ranked, sure, _ = self._candidates(message, state or Session("probe"))
        return ranked, sure

    def _candidates(self, message: str, state: Session,
                    ) -> tuple[list[Candidate], float, bool]:
        ranked, used_context = self._rank(message, state)
        sure = confidence(ranked, self.kb.calibration(self.kb.space_for(message)))
        if self.intents is not None:
            ranked, sure = self._with_intent(message, ranked, sure)
        return ranked, sure, used_context

    def _rank(self, message: str, state: Session) -> tuple[list[Candidate], bool]:
        """Rank for ``message``; a follow-up is also ranked with the session's topic.

        The topic is mixed in vector space (message + ``TOPIC_WEIGHT`` × topic) while
        the lexical half reads the new message alone, and the entry that answered
        the topic is left out: "and abroad?" after the card-fee answer asks for
        something that answer did not say. The follow-up reading wins when it is
        the more confident one.
        """
        k = self.policy.max_options + 1
        space = self.kb.space_for(message)
        vector = self.retriever.embed(message, space)
        ranked = self.retriever.rank(message, k=k, vector=vector, space=space)
        if not (state.topic and is_follow_up(message)):
            return ranked, False
        mixed = vector + TOPIC_WEIGHT * self.retriever.embed(state.topic, space)
        answered = (self.retriever.entry_rows(state.topic_entry)
                    if state.topic_entry in self.kb.entries else None)
        joined = self.retriever.rank(message, k=k, vector=mixed / np.linalg.norm(mixed),
                                     space=space, exclude=answered)
        calibration = self.kb.calibration(space)
        if confidence(joined, calibration) >= confidence(ranked, calibration):
            return joined, True
        return ranked, False

    def _with_intent(self, message: str, ranked: list[Candidate], sure: float,
                     ) -> tuple[list[Candidate], float]:
        """Let the trained intent model decide when it is surer than retrieval.

        The intent's entries are those whose category is the predicted label; the
        best-matching one goes first, with the model's probability as confidence.
        """
        assert self.intents is not None
        probabilities = self.intents.predict_proba(message)
        best = int(np.argmax(probabilities))
        label, probability = self.intents.labels[best], float(probabilities[best])
        members = self._entries_of.get(label)
        if not members or probability <= sure:
            return ranked, sure
        chosen = self.retriever.rank(message, k=1, only=members)
        rest = [c for c in ranked if c.entry.id != chosen[0].entry.id]
        return [*chosen, *rest], probability

    def _choose(self, message: str, ranked: list[Candidate], sure: float,
                texts: dict[str, str]) -> tuple[str, str, list[str]]:
        if not ranked:
            return "unknown", texts["unknown"], []
        top = ranked[0]
        close = [c for c in ranked[1:self.policy.max_options]
                 if top.score - c.score <= self.policy.close and c.entry.id != top.entry.id]
        if sure >= self.policy.answer_at and not (close and top.entry.kind == "faq"
                                                 and _same_question(top, close)):
            if top.entry.kind == "faq":
                return "answer", top.entry.answer, []
            return "grounded", self._grounded(message, top), []
        if sure >= self.policy.clarify_at:  # likely but not sure: ask, offering the best
            options = [c.entry.question for c in [top, *close]]
            return "clarify", texts["clarify"] + "\n" + "\n".join(
                f"{n}. {option}" for n, option in enumerate(options, 1)), options
        return "unknown", texts["unknown"], []

    def _grounded(self, message: str, top: Candidate) -> str:
        if self.generate:
            from lepton_ai.tasks.answer import answer

            written = answer(message, documents=[top.entry.answer], ids=[top.entry.id])
            if written.grounded:
                return written.text
        return _best_sentences(message, top.entry.answer, self.retriever)

    def _sentiment(self, message: str) -> tuple[str | None, float]:
        from lepton_ai.tasks.sentiment import sentiment

        result = sentiment(message)
        return result.label, result.score

    # ---------------------------------------------------------------- feedback
    def feedback(self, session: str, turn: str, *, rating: int | None = None,
                 correct_entry: str | None = None, note: str | None = None) -> None:
        """Record thumbs up (+1) / down (-1) and/or the entry that should have answered."""
        if rating is not None and rating not in (-1, 1):
            raise LeptonError(E.E1010, option="rating", expected="1 (up) or -1 (down)",
                              got=rating)
        if correct_entry is not None and correct_entry not in self.kb.entries:
            raise LeptonError(E.E1009, entry=correct_entry)
        state = self.sessions.find(session)
        known = state is not None and state.turn(turn) is not None
        if not known and not (self.log is not None and self.log.has_turn(turn)):
            raise LeptonError(E.E1005, turn=turn, session=session)
        if self.log is not None:
            self.log.write_feedback({"turn": turn, "kb": self.name, "rating": rating,
                                     "correct_entry": correct_entry, "note": note})

    def close(self) -> None:
        """Write what the log still holds and close it."""
        if self.log is not None:
            self.log.close()


def _same_question(top: Candidate, close: list[Candidate]) -> bool:
    """Entries asked the same way with different answers (LAI-W1001): ask which."""
    return any(c.entry.question.casefold() == top.entry.question.casefold() for c in close)


def _citation(candidate: Candidate) -> Citation:
    entry = candidate.entry
    return Citation(entry.id, entry.question, entry.source, entry.url,
                    round(candidate.score, 4))


def _language(message: str) -> str:
    from lepton_ai.text.lang import has_cjk

    return "zh" if has_cjk(message) else "en"


def _slots(message: str, lang: str) -> list[dict[str, Any]]:
    from lepton_ai.tasks.value_entities import value_entities

    return [{"text": e.text, "label": e.label, "start": e.start, "end": e.end}
            for e in value_entities(message, lang == "zh")]


def _best_sentences(message: str, text: str, retriever: HybridRetriever, keep: int = 2) -> str:
    """The ``keep`` sentences of ``text`` closest to the message, in their order."""
    from lepton_ai.text.sentences import sentence_spans

    sentences = [text[start:end].strip() for start, end in sentence_spans(text)]
    sentences = [s for s in sentences if s]
    if len(sentences) <= keep:
        return text.strip()
    from lepton_ai.tasks.embed import encode_texts

    space = retriever.kb.space_for(message)
    query = retriever.embed(message, space)
    vectors = encode_texts(retriever.encoder(space), sentences, role="document",
                           show_progress=False)
    chosen = sorted(np.argsort(-(vectors @ query))[:keep])
    return " ".join(sentences[i] for i in chosen)
