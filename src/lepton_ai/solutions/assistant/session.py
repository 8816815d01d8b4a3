"""Conversations in memory: the turns of each session and what the policy needs of them.

A session id is the caller's (a chat widget's visitor id, a phone number's hash):
an id not seen before starts a new conversation, as in Rasa's ``sender_id``. Old
sessions leave after ``ttl_s`` of silence or when more than ``max_sessions`` are
open (least recently used first).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field

#: Openings of a message that leans on the one before ("and abroad?", "那国外呢").
_FOLLOW_UP = re.compile(
    r"^\s*(and|also|what about|how about|but|or|then|same|那|那么|还有|如果|另外|其他|呢)",
    re.IGNORECASE)


@dataclass
class Turn:
    """One exchange: the customer's message and what the assistant did."""

    id: str
    user: str
    reply: str
    action: str
    entry: str | None
    confidence: float


@dataclass
class Session:
    """One conversation: its turns, its context and its hand-over state."""

    id: str
    turns: list[Turn] = field(default_factory=list)
    low_confidence_streak: int = 0
    topic: str | None = None  # the last message that was answered: context for follow-ups
    topic_entry: str | None = None  # the entry that answered last
    handed_over: bool = False
    last_seen: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def turn(self, turn_id: str) -> Turn | None:
        """The turn with this id, if the session has it."""
        return next((turn for turn in self.turns if turn.id == turn_id), None)


def is_follow_up(message: str) -> bool:
    """Whether ``message`` reads as a continuation: a follow-up opening or very short."""
    words = message.split()
    chinese = sum(1 for char in message if "\u4e00" <= char <= "\u9fff")
    short = (len(words) <= 3 and chinese == 0) or (0 < chinese <= 4 and len(words) <= 2)
    return bool(_FOLLOW_UP.match(message)) or short


class SessionStore:
    """Thread-safe, bounded store of :class:`Session` objects."""

    def __init__(self, max_sessions: int = 10_000, ttl_s: float = 1800.0) -> None:
        self.max_sessions = max_sessions
        self.ttl_s = ttl_s
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, session_id: str | None) -> Session:
        """The session with this id (a new one when unknown or expired; a fresh id for None)."""
        now = time.monotonic()
        with self._lock:
            self._expire(now)
            key = session_id or uuid.uuid4().hex
            session = self._sessions.pop(key, None) or Session(key)
            session.last_seen = now
            self._sessions[key] = session
            while len(self._sessions) > self.max_sessions:
                self._sessions.popitem(last=False)
            return session

    def find(self, session_id: str) -> Session | None:
        """The session if it is open, without creating one."""
        with self._lock:
            return self._sessions.get(session_id)

    def _expire(self, now: float) -> None:
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if now - oldest.last_seen <= self.ttl_s:
                break
            self._sessions.popitem(last=False)

    def __len__(self) -> int:
        return len(self._sessions)
