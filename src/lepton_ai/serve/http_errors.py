"""Coded library errors as HTTP answers, in the OpenAI error shape.

``{"error": {"code": "LAI-E201", "message": "...", "type": "invalid_request_error"}}``:
the official ``openai`` client surfaces ``message``; our ``lai.Client`` raises
:class:`~lepton_ai.errors.LeptonError`-like errors with the code.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from lepton_ai.errors import Kind, LeptonError
from lepton_ai.serve.responses import JSONBytes

LOG = logging.getLogger("lepton_ai.serve")

#: The API error type of statuses no coded error has (Starlette's 404/405, 500).
_OTHER_TYPES: dict[int, str] = {kind.status: kind.api_type for kind in Kind}


def error_body(code: str, message: str, status: int, kind: Kind | None = None,
               **extra: Any) -> dict[str, Any]:
    """The JSON body of an error answer; ``type`` is the error kind's API type."""
    api_type = kind.api_type if kind is not None else _OTHER_TYPES.get(
        status, "invalid_request_error" if status < 500 else "server_error")
    return {"error": {"code": code, "message": message, "type": api_type, **extra}}


def error_response(code: str, message: str, status: int,
                   headers: dict[str, str] | None = None, kind: Kind | None = None,
                   **extra: Any) -> JSONBytes:
    """An error answer, noted for the access log and metrics."""
    return JSONBytes(error_body(code, message, status, kind, **extra), status_code=status,
                     headers=headers)


def lepton_error_body(error: LeptonError) -> dict[str, Any]:
    """The JSON body of a coded error (also sent inside an event stream)."""
    return error_body(error.code, str(error), error.status, error.kind)


async def on_lepton_error(request: Request, error: Exception) -> JSONBytes:
    """A coded error: the status of its kind, Retry-After when retrying helps."""
    assert isinstance(error, LeptonError)
    status = error.status
    request.scope.setdefault("lai", {})["error"] = error.code
    headers = None
    if status in (429, 503):
        headers = {"Retry-After": str(error.fields.get("retry_after", 1))}
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return error_response(error.code, str(error), status, headers, error.kind)


async def on_validation_error(request: Request, error: Exception) -> JSONBytes:
    """A request that does not match the documented schema: 422 naming the fields."""
    assert isinstance(error, RequestValidationError)
    request.scope.setdefault("lai", {})["error"] = "LAI-E810"
    problems = [
        {"field": ".".join(str(part) for part in item.get("loc", ())), "problem": item.get("msg")}
        for item in error.errors()
    ]
    where = "; ".join(f"{p['field']}: {p['problem']}" for p in problems[:5])
    message = f"[LAI-E810] The request does not match the API ({where}). See /docs."
    return error_response("LAI-E810", message, 422, problems=problems)


class BodyTooLargeError(Exception):
    """The body grew past the limit while it was being read."""


class BodyTooSlowError(Exception):
    """The body stopped arriving: no part of it within the body timeout."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received



async def on_http_error(request: Request, error: Exception) -> JSONBytes:
    """Starlette's own errors (404 route, 405 method) in the same shape."""
    assert isinstance(error, HTTPException)
    if isinstance(error.__cause__, (BodyTooLargeError, BodyTooSlowError)):
        # FastAPI turns any failure while reading a body into a generic 400; the
        # middleware answers these two with their own codes (413, 408).
        raise error.__cause__
    return error_response(f"HTTP-{error.status_code}", str(error.detail), error.status_code,
                          dict(error.headers) if error.headers else None)


async def on_unexpected_error(request: Request, error: Exception) -> JSONBytes:
    """A bug: logged with its traceback (never the request body), answered 500."""
    rid = request.scope.get("lai", {}).get("request_id", "")
    request.scope.setdefault("lai", {})["error"] = "LAI-E500"
    LOG.error("unexpected error in request %s", rid, exc_info=error)
    return error_response("LAI-E500", f"Internal error (request id {rid}); it was logged.",
                          500)
