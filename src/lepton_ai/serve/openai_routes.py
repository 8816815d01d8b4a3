"""OpenAI-compatible routes: ``POST /v1/embeddings`` and ``GET /v1/models``
(chat completions: :mod:`lepton_ai.serve.chat_routes`).

The official ``openai`` client works against them unchanged; it asks for
``encoding_format="base64"`` by default (little-endian float32), which is also
the cheapest to produce.
"""

from __future__ import annotations

import base64
from typing import Any, Literal

import numpy as np
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.errors import E, LeptonError
from lepton_ai.models.registry import encoder_names
from lepton_ai.serve.json_body import documented_body, parse_body
from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key

router = APIRouter(dependencies=[Depends(require_api_key)], tags=["OpenAI-compatible"])


class EmbeddingsRequest(BaseModel):
    """OpenAI's embeddings request (``input`` as text; token arrays are refused)."""

    model_config = ConfigDict(extra="ignore")

    input: str | list[str] = Field(..., description="One text or a list of texts.")
    model: str = Field(..., description="A model id from GET /v1/models.")
    encoding_format: Literal["float", "base64"] = "float"
    dimensions: int | None = Field(None, ge=1, description="Must equal the model's size.")
    user: str | None = Field(None, description="Accepted and ignored (never logged).")


class EmbeddingItem(BaseModel):
    object: Literal["embedding"] = "embedding"
    index: int
    embedding: list[float] | str


class Usage(BaseModel):
    prompt_tokens: int
    total_tokens: int


class EmbeddingsResponse(BaseModel):
    object: Literal["list"] = "list"
    data: list[EmbeddingItem]
    model: str
    usage: Usage


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


def _embed_with_tokens(items: list[tuple[str, str]]) -> list[tuple[np.ndarray, int]]:
    """Vectors and token counts for (text, model name) items of one model."""
    from lepton_ai.models.encoders import TransformerEncoder
    from lepton_ai.models.loader import load_encoder

    encoder = load_encoder(items[0][1])
    texts = [text for text, _ in items]
    if isinstance(encoder, TransformerEncoder):
        vectors, counts = encoder.encode_counted(texts)
    else:  # engines without a visible tokenizer: whitespace words + specials
        vectors, counts = encoder.encode(texts), [len(text.split()) + 2 for text in texts]
    return list(zip(vectors, counts, strict=True))


@router.post("/v1/embeddings", response_model=EmbeddingsResponse,
             summary="Create embeddings (OpenAI-compatible)",
             openapi_extra=documented_body(EmbeddingsRequest))
async def create_embeddings(request: Request) -> Any:
    body = parse_body(EmbeddingsRequest, await request.body())
    state = request.app.state.lai
    name = encoder_names().get(body.model.lower())
    if name is None:
        raise LeptonError(E.E805, kind="embedding model", name=body.model,
                          known=", ".join(sorted(set(encoder_names().values()))))
    request.scope["lai"]["model"] = name
    texts = [body.input] if isinstance(body.input, str) else body.input
    texts = state.check_texts(texts)
    batcher = state.batcher(f"embeddings:{name}", _embed_with_tokens)
    results = await batcher.submit([(text, name) for text in texts])
    if body.dimensions is not None and results and body.dimensions != len(results[0][0]):
        raise LeptonError(E.E810, what=f"dimensions={body.dimensions}",
                          why=f"{name} makes {len(results[0][0])}-dimensional vectors")
    data = [{"object": "embedding", "index": i,
             "embedding": _encode(vector, body.encoding_format)}
            for i, (vector, _) in enumerate(results)]
    tokens = sum(count for _, count in results)
    return JSONBytes(
        {"object": "list", "data": data, "model": name,
         "usage": {"prompt_tokens": tokens, "total_tokens": tokens}},
        )


def _encode(vector: np.ndarray, encoding_format: str) -> Any:
    if encoding_format == "base64":
        return base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode("ascii")
    return vector


@router.get("/v1/registry", summary="Every model lepton-ai ships: licence, size, languages")
async def registry() -> Any:
    from lepton_ai.models.registry import SHIPPED

    return JSONBytes({"data": [
        {"name": spec.name, "role": spec.role, "kind": spec.kind, "languages": spec.languages,
         "license": spec.license, "size_mb": spec.size_mb, "trained_on": spec.trained_on,
         "source": spec.source, "installed": spec.installed, "description": spec.description}
        for spec in SHIPPED]})


@router.get("/v1/models", response_model=ModelList, summary="List models (OpenAI-compatible)")
async def list_models(request: Request) -> Any:
    state = request.app.state.lai
    created = int(state.started)
    # owned_by says what each model is for (free text in OpenAI's API): the console
    # offers only the chat ones on its chat page.
    cards = [{"id": name, "object": "model", "created": created,
              "owned_by": "lepton-ai:embeddings"} for name in sorted(set(encoder_names().values()))]
    if state.chat.available():
        cards.append({"id": state.chat.name, "object": "model", "created": created,
                      "owned_by": "lepton-ai:chat"})
    cards += [{"id": name, "object": "model", "created": created, "owned_by": "you"}
              for name in state.models.names()]
    cards += [{"id": f"assistant:{name}", "object": "model", "created": created,
               "owned_by": "you:assistant"} for name in sorted(state.assistants)]
    return JSONBytes({"object": "list", "data": cards})
