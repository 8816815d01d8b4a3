"""A JSON body parsed by pydantic in one step (bytes → model), for hot routes.

FastAPI's own body handling decodes the JSON to Python objects, then validates
them through its dependency machinery; replacing it here and the key check's
nested dependencies (:mod:`lepton_ai.serve.security`) cut the app's CPU per
one-sentence embeddings request by 28% (``bench/serve_app_overhead.py``).

A route that takes the raw ``Request`` and calls :func:`parse_body` answers
invalid input exactly as FastAPI would (a
:class:`~fastapi.exceptions.RequestValidationError` with ``body`` locations),
and :func:`documented_body` keeps the schema in the OpenAPI spec (FastAPI's
documented way to parse a body yourself).
"""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

Model = TypeVar("Model", bound=BaseModel)


def parse_body(model: type[Model], raw: bytes) -> Model:
    """``raw`` validated as ``model``; RequestValidationError (422) when it is not."""
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        problems = [{**problem, "loc": ("body", *problem["loc"])}
                    for problem in error.errors(include_url=False)]
        raise RequestValidationError(problems) from None


def documented_body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` for a route that parses ``model`` itself."""
    return {"requestBody": {"required": True, "content": {
        "application/json": {"schema": model.model_json_schema()}}}}
