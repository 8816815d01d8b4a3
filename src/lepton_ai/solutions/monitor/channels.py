"""Where alerts go (a monitor's, and a server's drift notices): the log, a webhook
(JSON POST signed with HMAC-SHA256, retried with back-off), e-mail (SMTP) and a
Prometheus counter.

Alerts are sent from a background thread, so a webhook that hangs never holds up
reading and analysis. A channel that still fails after its retries is reported
(LAI-W1102) and the monitor goes on; the alert itself is already in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import queue
import threading
import time
from typing import Any, Protocol

from lepton_ai.errors import W, warn
from lepton_ai.solutions.monitor.alerts import Alert
from lepton_ai.solutions.monitor.configuration import ChannelConfig

log = logging.getLogger("lepton_ai.monitor")
SIGNATURE_HEADER = "X-Lepton-Signature"
#: Seconds before the first retry; each further retry waits twice as long.
FIRST_RETRY_SECONDS = 0.5


class Notice(Protocol):
    """What a channel can send: a monitor's :class:`Alert`, or a server's drift notice."""

    id: str

    def payload(self) -> dict[str, Any]: ...

    def headline(self) -> str: ...


class Channel(Protocol):
    """Sends one notice; raises on failure (the dispatcher retries)."""

    name: str

    def send(self, alert: Notice) -> None: ...


class LogChannel:
    """Writes the alert's headline to the ``lepton_ai.monitor`` log (no document text)."""

    name = "log"

    def send(self, alert: Notice) -> None:
        log.warning("ALERT %s", alert.headline())


class WebhookChannel:
    """POSTs the alert as JSON; with a secret, signs the body (``X-Lepton-Signature:
    sha256=HEX``, HMAC-SHA256 of the exact bytes sent) so the receiver can check it."""

    name = "webhook"

    def __init__(self, url: str, secret: str | None, timeout: float) -> None:
        self.url = url
        self.secret = secret
        self.timeout = timeout

    def send(self, alert: Notice) -> None:
        import httpx

        body = json.dumps(alert.payload(), ensure_ascii=False, default=str).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers[SIGNATURE_HEADER] = "sha256=" + signature(self.secret, body)
        response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
        response.raise_for_status()


def signature(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``body`` under ``secret``, as the webhook header carries it."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class EmailChannel:
    """Sends the alert by SMTP: its headline as the subject, the evidence as the body."""

    name = "email"

    def __init__(self, config: ChannelConfig) -> None:
        self.config = config

    def send(self, alert: Notice) -> None:
        import smtplib
        from email.message import EmailMessage

        config = self.config
        message = EmailMessage()
        message["Subject"] = alert.headline()
        message["From"] = config.sender
        message["To"] = ", ".join(config.recipients)
        message.set_content(json.dumps(alert.payload(), ensure_ascii=False, indent=2,
                                       default=str))
        with smtplib.SMTP(config.smtp_host or "", config.smtp_port,
                          timeout=config.timeout_seconds) as smtp:
            if config.starttls:
                smtp.starttls()
            user = os.environ.get(config.username_env or "")
            if user:
                smtp.login(user, os.environ.get(config.password_env or "", ""))
            smtp.send_message(message)


class PrometheusChannel:
    """Counts alerts in ``lepton_monitor_alerts_total{monitor, rule, kind}``."""

    name = "prometheus"

    def send(self, alert: Notice) -> None:
        if not isinstance(alert, Alert):
            return  # a server's own notices are in its /metrics already
        from lepton_ai.solutions.monitor.counters import ALERTS_TOTAL

        ALERTS_TOTAL.labels(alert.monitor, alert.rule, alert.kind).inc()


def channel_of(config: ChannelConfig) -> Channel:
    """The channel a config section describes."""
    if config.kind == "webhook":
        secret = os.environ.get(config.secret_env) if config.secret_env else None
        return WebhookChannel(config.url or "", secret, config.timeout_seconds)
    if config.kind == "email":
        return EmailChannel(config)
    if config.kind == "prometheus":
        return PrometheusChannel()
    return LogChannel()


class Dispatcher:
    """Sends alerts to every channel from one background thread, with retries."""

    def __init__(self, configs: list[ChannelConfig]) -> None:
        self._channels = [(channel_of(c), c.retries) for c in configs]
        self._queue: queue.Queue[Notice | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="lepton-alerts", daemon=True)
        self._thread.start()
        self.sent = 0
        self.failed = 0

    def send(self, alert: Notice) -> None:
        """Queue ``alert`` for every channel; returns at once."""
        self._queue.put(alert)

    def _run(self) -> None:
        while (alert := self._queue.get()) is not None:
            for channel, retries in self._channels:
                self._deliver(channel, retries, alert)
            self._queue.task_done()
        self._queue.task_done()

    def _deliver(self, channel: Channel, retries: int, alert: Notice) -> None:
        problem: Any = None
        for attempt in range(retries + 1):
            if attempt:
                time.sleep(FIRST_RETRY_SECONDS * 2 ** (attempt - 1))
            try:
                channel.send(alert)
                self.sent += 1
                return
            except Exception as error:  # any failure of a channel is retried, then reported
                problem = error
        self.failed += 1
        warn(W.W1102, alert=alert.id, channel=channel.name, attempts=retries + 1,
             problem=type(problem).__name__)

    def close(self, timeout: float = 30.0) -> None:
        """Send what is queued (waiting at most ``timeout`` seconds), then stop."""
        self._queue.put(None)
        self._thread.join(timeout)
