"""JSON answers written by orjson: NumPy arrays and dataclasses natively, no copies to lists."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse


class JSONBytes(JSONResponse):
    """A JSON response for results that hold NumPy arrays and dataclasses.

    A :class:`JSONResponse` (only its rendering differs) so that FastAPI documents each
    route's ``response_model`` in the OpenAPI schema: for other response classes it
    writes ``{"type": "string"}``.
    """

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS)
