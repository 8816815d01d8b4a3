"""Slow and stalled clients: the HTTP protocol closes a connection whose request head does
not arrive in time.

uvicorn times out idle keep-alive connections but not a request head that trickles in
(a "slow-loris" client holds a connection with one header line every few seconds), so
enough of them exhaust the server. :class:`GuardedHttpProtocol` arms a timer when a
connection opens and when each request begins, and closes the connection if the head is
not complete when it fires. Bodies that stall are the middleware's job (408 LAI-E817,
:mod:`lepton_ai.serve.middleware`), as is the size of chunked bodies.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline on each request head."""

    #: Set from ``ServeConfig.header_timeout_s`` when the app is built in this process.
    header_timeout_s: float = 10.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_head_timer()

    def on_headers_complete(self) -> None:
        self._disarm_head_timer()
        super().on_headers_complete()

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_too_slow)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self.transport.is_closing():
            self.transport.close()
