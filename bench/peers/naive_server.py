"""Peer: a naive FastAPI + sentence-transformers server, one model call per request."""

from __future__ import annotations

import argparse

import torch
import uvicorn
from fastapi import FastAPI
from pydantic import BaseModel
from sentence_transformers import SentenceTransformer


class Body(BaseModel):
    input: list[str]


def build(folder: str) -> FastAPI:
    torch.set_num_threads(2)
    model = SentenceTransformer(folder, device="cpu")
    app = FastAPI()

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    @app.post("/embed")
    def embed(body: Body) -> dict:
        return {"data": model.encode(body.input, normalize_embeddings=True).tolist()}

    return app


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(build(args.model), host="127.0.0.1", port=args.port, log_level="warning")
