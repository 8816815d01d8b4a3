"""Peer: LitServe with dynamic batching over sentence-transformers (bench/serve_embeddings.py)."""

from __future__ import annotations

import argparse

import litserve as ls
import torch
from sentence_transformers import SentenceTransformer


class EmbedAPI(ls.LitAPI):
    def __init__(self, folder: str) -> None:
        super().__init__(max_batch_size=32, batch_timeout=0.005)
        self.folder = folder

    def setup(self, device: str) -> None:
        torch.set_num_threads(2)
        self.model = SentenceTransformer(self.folder, device="cpu")

    def decode_request(self, request: dict) -> list[str]:
        return list(request["input"])

    def batch(self, inputs: list[list[str]]) -> list[list[str]]:
        return inputs

    def predict(self, batch: list[list[str]]) -> list:
        flat = [text for texts in batch for text in texts]
        vectors = self.model.encode(flat, batch_size=64, normalize_embeddings=True)
        out, start = [], 0
        for texts in batch:
            out.append(vectors[start:start + len(texts)])
            start += len(texts)
        return out

    def unbatch(self, output: list) -> list:
        return output

    def encode_response(self, output) -> dict:  # type: ignore[no-untyped-def]
        return {"data": output.tolist()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    server = ls.LitServer(EmbedAPI(args.model), accelerator="cpu", workers_per_device=1)
    server.run(host="127.0.0.1", port=args.port, log_level="warning",
               generate_client_file=False)
