"""API keys: ``Authorization: Bearer KEY`` (as the OpenAI client sends) or ``X-API-Key``."""

from __future__ import annotations

import hmac

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from lepton_ai.errors import E, LeptonError

bearer_scheme = HTTPBearer(auto_error=False, description="Authorization: Bearer KEY")
header_scheme = APIKeyHeader(name="X-API-Key", auto_error=False)


def key_matches(given: str | None, keys: frozenset[str]) -> bool:
    """Constant-time comparison against every key (no early exit on a match)."""
    if given is None:
        return False
    supplied = given.encode("utf-8")
    found = False
    for key in keys:
        found |= hmac.compare_digest(supplied, key.encode("utf-8"))
    return found


def presented_key(request: Request) -> str | None:
    """The key a request presents, from either header."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return token.strip()
    return request.headers.get("x-api-key")


def check_key(request: Request, keys: frozenset[str]) -> None:
    """Nothing if keys are off or the request's key matches; else LAI-E804 (401)."""
    if keys and not key_matches(presented_key(request), keys):
        raise LeptonError(E.E804)


async def require_api_key(
    request: Request,
    _bearer: HTTPAuthorizationCredentials | None = Depends(bearer_scheme),  # noqa: B008
    _header: str | None = Depends(header_scheme),
) -> None:
    """Dependency for API routes (the two schemes document the headers in /docs)."""
    check_key(request, request.app.state.lai.config.api_keys)


async def require_admin_key(request: Request) -> None:
    """Dependency for ``/admin`` routes."""
    check_key(request, request.app.state.lai.config.effective_admin_keys)
