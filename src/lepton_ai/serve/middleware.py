"""One pure-ASGI middleware: request ids, body-size limit, access log and metrics.

Pure ASGI (not ``BaseHTTPMiddleware``) keeps the per-request cost to a few
microseconds, which matters at hundreds of requests per second on two cores.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.http_errors import BodyTooLargeError, BodyTooSlowError, lepton_error_body
from lepton_ai.serve.observe import Metrics, log_access, request_id

#: Training uploads (``serve/train_routes.py``): a table of examples, with its own
#: larger body limit (``ServeConfig.max_upload_bytes``).
UPLOAD_PATH = "/v1/train/uploads"

Scope = dict[str, Any]
Message = dict[str, Any]


class ServeMiddleware:
    """Wraps the app: every HTTP request is counted, timed, logged and size-checked.

    Work requests (``POST /v1/...``) are refused with 429 before their body is
    read while the server already holds more than ``max_backlog_s`` seconds of
    queued work: under a flood of requests the rejections stay cheap, so the
    cores keep serving the admitted ones.
    """

    def __init__(self, app: Any, metrics: Metrics, max_body_bytes: int,
                 backlog: Callable[[], float], max_backlog_s: float,
                 routes: Sequence[Any] = (), body_timeout_s: float = 30.0,
                 max_upload_bytes: int | None = None) -> None:
        self.app = app
        self.max_upload_bytes = max_upload_bytes or max_body_bytes
        self.body_timeout_s = body_timeout_s
        self.routes = routes
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes
        self.backlog = backlog
        self.max_backlog_s = max_backlog_s

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id(scope.get("headers", []))
        scope["lai"] = note = {"request_id": rid}
        status = {"code": 500, "sent": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                status["sent"] = True
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            if scope["method"] == "POST" and scope["path"].startswith("/v1/"):
                backlog = self.backlog()
                if backlog > self.max_backlog_s:
                    note["error"] = "LAI-E801"
                    await self._send_429(send_with_id, backlog)
                    return
            limit, code = self._body_limit(scope)
            if self._declared_too_large(scope, limit):
                raise BodyTooLargeError
            await self.app(scope, self._limited(receive, limit), send_with_id)
        except BodyTooLargeError:
            if status["sent"]:
                raise
            note["error"] = f"LAI-{code.name}"
            await _send_error(send_with_id, LeptonError(code, limit=limit))
        except BodyTooSlowError as slow:
            if status["sent"]:
                raise
            note["error"] = "LAI-E817"
            await _send_error(send_with_id, LeptonError(
                E.E817, timeout=self.body_timeout_s, received=slow.received),
                [(b"connection", b"close")])
        finally:
            self._record(scope, note, status["code"], time.perf_counter() - started)

    def _body_limit(self, scope: Scope) -> tuple[int, E]:
        """The body limit of this request and the error that names its fix: training
        uploads have their own, larger one."""
        if scope["method"] == "PUT" and scope["path"] == UPLOAD_PATH:
            return self.max_upload_bytes, E.E822
        return self.max_body_bytes, E.E803

    @staticmethod
    def _declared_too_large(scope: Scope, limit: int) -> bool:
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    return int(value) > limit
                except ValueError:
                    return False
        return False

    def _limited(self, receive: Any, limit: int) -> Any:
        """``receive`` that counts the body against the size limit as it arrives (a
        chunked body declares no length) and gives up on a body that stalls."""
        seen = 0
        complete = False

        async def receive_limited() -> Message:
            nonlocal seen, complete
            if complete:  # later calls wait for a disconnect: no deadline on those
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), self.body_timeout_s)
            except TimeoutError:
                raise BodyTooSlowError(seen) from None
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLargeError
                complete = not message.get("more_body", False)
            else:
                complete = True
            return message

        return receive_limited

    async def _send_429(self, send: Any, backlog: float) -> None:
        retry_after = max(1, round(backlog))
        error = LeptonError(E.E801, detail="work queued across all routes", wait=backlog,
                            retry_after=retry_after)
        await _send_error(send, error, [(b"retry-after", str(retry_after).encode())])

    def _record(self, scope: Scope, note: dict[str, Any], status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", None) or self._route_template(scope)
        model = note.get("model", "")
        self.metrics.requests.labels(route, model, str(status)).inc()
        self.metrics.latency.labels(route, model).observe(seconds)
        if "error" in note:
            self.metrics.errors.labels(route, note["error"]).inc()
        if status in (429, 503):
            self.metrics.rejected.labels(route, "overload" if status == 429 else "deadline").inc()
        log_access({"request_id": note["request_id"], "method": scope.get("method"),
                    "route": route, "status": status, "ms": round(seconds * 1000, 2),
                    "model": model or None, "error": note.get("error")})

    def _route_template(self, scope: Scope) -> str:
        """The route a request answered before routing (a 429, a 413) was meant for,
        so metrics count it there and not under "unmatched"."""
        for route in self.routes:
            if scope["method"] in route.methods and route.path_regex.match(scope["path"]):
                return str(route.path)
        return "unmatched"


async def _send_error(send: Any, error: LeptonError,
                      headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = orjson.dumps(lepton_error_body(error))
    await send({"type": "http.response.start", "status": error.status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})
