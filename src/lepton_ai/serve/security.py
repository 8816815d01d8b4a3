"""API keys: ``Authorization: Bearer KEY`` (as the OpenAI client sends) or ``X-API-Key``.

The key checks are plain dependencies (one ``Request`` parameter): FastAPI's own
security classes, nested as sub-dependencies, are solved again on every request
(with the embeddings body parsed in one step, the app's CPU per one-sentence
request fell 28%: ``bench/serve_app_overhead.py``). :func:`document_security`
puts the two schemes into the OpenAPI spec instead, so ``/docs`` still offers
"Authorize".
"""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import FastAPI, Request

from lepton_ai.errors import E, LeptonError

#: OpenAPI security schemes of the two accepted headers.
SECURITY_SCHEMES: dict[str, dict[str, str]] = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "Authorization: Bearer KEY (what the openai client sends)"},
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}


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


async def require_api_key(request: Request) -> None:
    """Dependency for API routes."""
    check_key(request, request.app.state.lai.config.api_keys)


async def require_admin_key(request: Request) -> None:
    """Dependency for ``/admin`` routes: off (LAI-E814, 403) without an admin key."""
    keys = request.app.state.lai.config.admin_keys
    if not keys:
        raise LeptonError(E.E814)
    check_key(request, keys)


def document_security(app: FastAPI, open_paths: frozenset[str]) -> None:
    """Make ``app.openapi()`` list the key headers on every operation but those of
    ``open_paths`` (the health checks), which are the ones that check no key."""
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build_schema()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        either = [{name: []} for name in SECURITY_SCHEMES]
        for path, operations in schema["paths"].items():
            if path not in open_paths:
                for operation in operations.values():
                    operation["security"] = either
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
