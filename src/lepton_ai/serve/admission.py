"""A bounded line of admitted requests: the next one past ``limit`` gets 429 at once.

Used where work cannot be batched and each request holds a worker for a while (chat
generations, assistant turns): queueing them without bound would turn overload into
seconds of latency for everyone; refusing early tells clients to retry.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

from lepton_ai.errors import E, LeptonError


class Ticket:
    """A request's place in a line; :meth:`release` may be called more than once."""

    def __init__(self, line: Admission) -> None:
        self._line: Admission | None = line

    def release(self) -> None:
        """Leave the line (the first call counts, the others do nothing)."""
        if self._line is not None:
            self._line.waiting -= 1
            self._line = None


class Admission:
    """At most ``limit`` requests of one kind admitted (running or waiting).

    ``what`` names them in the 429's message (``"chat requests"``); ``seconds_each``,
    about how long one holds its worker, sets the Retry-After (at least 1 s).
    """

    def __init__(self, limit: int, what: str, seconds_each: float = 1.0) -> None:
        self.limit = limit
        self.what = what
        self.seconds_each = seconds_each
        self.waiting = 0

    def admit(self) -> Ticket:
        """A place in the line, or LAI-E801 (429) when ``limit`` are already in it."""
        if self.waiting >= self.limit:
            wait = self.waiting * self.seconds_each
            raise LeptonError(E.E801, detail=f"{self.waiting} {self.what} in line",
                              wait=wait, retry_after=max(1, math.ceil(wait)))
        self.waiting += 1
        return Ticket(self)

    @contextmanager
    def admitted(self) -> Iterator[None]:
        """:meth:`admit` for the length of a ``with`` block."""
        ticket = self.admit()
        try:
            yield
        finally:
            ticket.release()
