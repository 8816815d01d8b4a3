"""Sentence embeddings and cosine similarity: ``lai.embed`` and ``lai.similarity``.

One call shape everywhere: one string in, one vector out; a list in, a matrix
out. Every vector carries the name of the model that made it, so vectors from
different models are never compared by accident.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, overload

import numpy as np
from pydantic import Field

from lepton_ai.errors import E, LeptonError
from lepton_ai.models.encoders import Encoder, Role
from lepton_ai.models.loader import load_encoder
from lepton_ai.models.registry import DEFAULT_ENGLISH, DEFAULT_MULTILINGUAL
from lepton_ai.settings import settings
from lepton_ai.tasks.declaration import Options, TaskDeclaration, local_only
from lepton_ai.text.hygiene import checked_text
from lepton_ai.text.lang import needs_multilingual

Lang = Literal["auto", "en", "zh", "multi"]
LANGS: tuple[str, ...] = ("auto", "en", "zh", "multi")
#: Texts per encoder call when embedding long lists (progress granularity).
SLICE = 2048


class Embedding(np.ndarray):
    """A NumPy array of sentence vectors that remembers its model (``.model``).

    It behaves as a plain ``float32`` array everywhere; :func:`similarity` reads
    ``.model`` to refuse comparing vectors of two different models. The matrix
    :func:`embed` returns for a list also finds a row by its text, as the original
    product documents use it: ``vectors = lai.embed(words); vectors["机器学习"]``.
    """

    model: str | None
    texts: tuple[str, ...] | None

    def __new__(cls, data: np.ndarray, model: str | None,
                texts: Sequence[str] | None = None) -> Embedding:
        array = np.asarray(data, dtype=np.float32).view(cls)
        array.model = model
        array.texts = tuple(texts) if texts is not None else None
        return array

    def __array_finalize__(self, obj: Any) -> None:
        self.model = getattr(obj, "model", None)
        self.texts = None  # slices and copies no longer line up with the texts

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            row = self._rows().get(key)
            if row is None:
                raise LeptonError(E.E207, text=key[:80], held=(
                    "no texts (index it by position)" if self.texts is None
                    else f"{len(self.texts)} texts, not this one"))
            return super().__getitem__(row)
        return super().__getitem__(key)

    def _rows(self) -> dict[str, int]:
        """Text → first row, built on the first lookup."""
        rows = getattr(self, "_row_of", None)
        if rows is None:
            rows = {} if self.texts is None else {
                text: row for row, text in reversed(list(enumerate(self.texts)))}
            self._row_of = rows
        return rows

    def __reduce__(self):  # type: ignore[no-untyped-def]
        # Pickling an Embedding (e.g. to a worker process) yields a plain array.
        return np.asarray(self).__reduce__()


def choose_model(texts: Sequence[str], model: str | Path | None, lang: str) -> str | Path:
    """The model a call uses: ``model=`` if given, else the ``lang`` rule.

    ``lang="auto"`` picks the multilingual default for the *whole call* when any
    text contains CJK or another non-Latin script, else the English default.
    """
    if lang not in LANGS:
        raise LeptonError(E.E203, allowed=", ".join(LANGS), lang=lang)
    if model is not None:
        return model
    if lang == "en":
        return DEFAULT_ENGLISH
    if lang in ("zh", "multi"):
        return DEFAULT_MULTILINGUAL
    return DEFAULT_MULTILINGUAL if needs_multilingual(texts) else DEFAULT_ENGLISH


def as_text_list(texts: object) -> tuple[list[str], bool]:
    """Validate the one-call shape: returns the list and whether one str came in.

    Every text passes :func:`~lepton_ai.text.hygiene.checked_text`: empty texts and
    lone surrogates get a coded error, control characters become spaces.
    """
    if isinstance(texts, str):
        return [checked_text(texts)], True
    if isinstance(texts, (list, tuple)) or (
        isinstance(texts, np.ndarray) and texts.dtype.kind in "UO"
    ):
        items = list(texts)
        for index, item in enumerate(items):
            if not isinstance(item, str):
                raise LeptonError(E.E202, index=index, type_name=type(item).__name__)
            items[index] = checked_text(item, index)
        return items, False
    raise LeptonError(E.E201, type_name=type(texts).__name__)


def encode_texts(
    encoder: Encoder, texts: list[str], role: Role = "query", show_progress: bool | None = None
) -> np.ndarray:
    """Encode in slices, with a progress bar when the list is long.

    The next slice is tokenized on a second thread while the model runs this one, so
    no core waits on the tokenizer between slices (100,000 texts: 10 s of tokenizing
    no longer adds to the model's time).
    """
    if len(texts) <= SLICE:
        return encoder.encode(texts, role=role)
    show = settings.show_progress if show_progress is None else show_progress
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    from concurrent.futures import ThreadPoolExecutor

    from lepton_ai.progress import progress_bar

    starts = range(0, len(texts), SLICE)
    with (progress_bar(len(texts), f"embedding with {encoder.name}", enabled=show) as advance,
          ThreadPoolExecutor(1, thread_name_prefix="lepton-tokenize") as ahead):
        upcoming = ahead.submit(encoder.prepare, texts[:SLICE], role=role)
        for start in starts:
            prepared = upcoming.result()
            following = start + SLICE
            if following < len(texts):
                upcoming = ahead.submit(encoder.prepare, texts[following:following + SLICE],
                                        role=role)
            out[start : start + SLICE] = encoder.encode_prepared(prepared)
            advance(len(prepared.texts))
    return out


def _prepare_call(
    texts: object, model: str | Path | None, lang: str, backend: str, precision: str | None
) -> tuple[list[str], bool, Encoder]:
    """Validate the call shape and load the one encoder the whole call uses."""
    items, single = as_text_list(texts)
    encoder = load_encoder(choose_model(items, model, lang), backend=backend, precision=precision)
    return items, single, encoder


@overload
def embed(texts: str, *, model: str | Path | None = ..., lang: Lang = ...,
          backend: str = ..., precision: str | None = ...,
          show_progress: bool | None = ...) -> Embedding: ...
@overload
def embed(texts: Sequence[str], *, model: str | Path | None = ..., lang: Lang = ...,
          backend: str = ..., precision: str | None = ...,
          show_progress: bool | None = ...) -> Embedding: ...
def embed(
    texts: str | Sequence[str],
    *,
    model: str | Path | None = None,
    lang: Lang = "auto",
    backend: str = "auto",
    precision: str | None = None,
    show_progress: bool | None = None,
) -> Embedding:
    """Sentence vectors, L2-normalised float32.

    Args:
        texts: one string (returns shape ``(dim,)``) or a list (``(n, dim)``).
        model: a registered name (``lai models``) or a local Hugging Face folder.
        lang: ``"auto"`` routes a call containing Chinese (or another non-Latin
            script) to the multilingual default, else the English default;
            ``"en"``, ``"zh"``/``"multi"`` force one. Ignored when ``model`` is set.
        backend: ``"auto"``, ``"onnx"`` or ``"torch"`` (Hugging Face encoders).
        precision: ``"fp32"``, ``"int8"`` or ``"auto"`` (see docs/embeddings.md).
        show_progress: progress bar for long lists (default: settings).

    Returns:
        An :class:`Embedding` (a NumPy array) whose ``.model`` names the model used.

    Example:
        >>> import lepton_ai as lai
        >>> lai.embed("hello").shape
        (384,)
    """
    items, single, encoder = _prepare_call(texts, model, lang, backend, precision)
    vectors = (
        np.zeros((0, encoder.dim), np.float32)
        if not items
        else encode_texts(encoder, items, show_progress=show_progress)
    )
    result = Embedding(vectors, encoder.name, items)
    return result[0] if single else result


def embed_chunks(
    texts: str | Sequence[str],
    *,
    model: str | Path | None = None,
    lang: Lang = "auto",
    backend: str = "auto",
    precision: str | None = None,
) -> Embedding | list[Embedding]:
    """Per-chunk vectors: one ``(n_chunks, dim)`` array per text.

    Texts within the model's window give one row (the same vector as :func:`embed`).
    Longer texts give one row per window (see docs/embeddings.md for the rule).
    Models that handle length themselves (USE, e5) always give one row.
    """
    from lepton_ai.models.encoders import TransformerEncoder

    items, single, encoder = _prepare_call(texts, model, lang, backend, precision)
    if isinstance(encoder, TransformerEncoder):
        pieces = encoder.encode_pieces(items)
    else:
        pieces = [row[None, :] for row in encoder.encode(items)]
    tagged = [Embedding(p, encoder.name) for p in pieces]
    return tagged[0] if single else tagged


def similarity(
    a: str | Sequence[str] | np.ndarray,
    b: str | Sequence[str] | np.ndarray,
    *,
    model: str | Path | None = None,
    lang: Lang = "auto",
) -> float | np.ndarray:
    """Cosine similarity of two texts or vectors (a float), or of two lists (a matrix).

    Texts on both sides are embedded in one call, so they share a model. Vectors
    from :func:`embed` may be passed directly (e.g. ``lai.similarity(emb[0], emb[1])``);
    vectors of two different models raise LAI-E205.

    Returns:
        ``float`` when both sides are single; else an array of shape ``(len(a), len(b))``
        (a single side counts as a list of one, and that axis is dropped).
    """
    a_vec, a_single, b_vec, b_single = _vectors_for(a, b, model, lang)
    if a_vec.shape[-1] != b_vec.shape[-1]:
        raise LeptonError(E.E204, dim_a=a_vec.shape[-1], dim_b=b_vec.shape[-1])
    scores = np.asarray(_unit(a_vec) @ _unit(b_vec).T, dtype=np.float32)
    if a_single and b_single:
        return float(scores[0, 0])
    if a_single:
        return scores[0]
    if b_single:
        return scores[:, 0]
    return scores


def _vectors_for(
    a: object, b: object, model: str | Path | None, lang: str
) -> tuple[np.ndarray, bool, np.ndarray, bool]:
    a_is_vec, b_is_vec = _is_vectors(a), _is_vectors(b)
    if a_is_vec and b_is_vec:
        _check_same_model(a, b)
        a_arr, b_arr = np.asarray(a, np.float32), np.asarray(b, np.float32)
        return np.atleast_2d(a_arr), a_arr.ndim == 1, np.atleast_2d(b_arr), b_arr.ndim == 1
    if a_is_vec or b_is_vec:
        vec_side, text_side = (a, b) if a_is_vec else (b, a)
        texts, single = as_text_list(text_side)
        vec_model = getattr(vec_side, "model", None)
        embedded = embed(texts, model=model or vec_model, lang=lang)
        vec = np.asarray(vec_side, np.float32)
        if a_is_vec:
            return np.atleast_2d(vec), vec.ndim == 1, embedded, single
        return embedded, single, np.atleast_2d(vec), vec.ndim == 1
    try:
        a_texts, a_single = as_text_list(a)
        b_texts, b_single = as_text_list(b)
    except TypeError:  # not texts (E201/E202); an empty text keeps its own code
        raise LeptonError(E.E206, type_a=type(a).__name__, type_b=type(b).__name__) from None
    both = embed(a_texts + b_texts, model=model, lang=lang)
    return both[: len(a_texts)], a_single, both[len(a_texts) :], b_single


def _is_vectors(value: object) -> bool:
    return isinstance(value, np.ndarray) and value.dtype.kind == "f"


def _check_same_model(a: object, b: object) -> None:
    model_a, model_b = getattr(a, "model", None), getattr(b, "model", None)
    if model_a and model_b and model_a != model_b:
        raise LeptonError(E.E205, model_a=model_a, model_b=model_b)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class EmbedOptions(Options):
    """Options of :func:`embed`."""

    model: str | None = Field(
        None, description="A registered model name (lai models; GET /v1/models), or locally "
        "a Hugging Face folder.")
    lang: Lang = Field("auto", description="auto: the multilingual default when any text "
                       "needs it, else the English one; en | zh | multi force one.")
    backend: str = Field("auto", description="auto | onnx | torch.",
                         json_schema_extra=local_only())
    precision: str | None = Field(None, description="fp32 | int8 | auto (default: "
                                  "LEPTON_PRECISION).", json_schema_extra=local_only())


def model_of_call(texts: Sequence[str], options: Mapping[str, Any]) -> str:
    """The registered name of the model :func:`embed` uses for ``texts`` and ``options``."""
    from lepton_ai.models.registry import resolve

    return resolve(choose_model(texts, options.get("model"), options.get("lang", "auto"))).name


TASK = TaskDeclaration(
    name="embed", version="v1", summary="Sentence vectors (L2-normalised), with their model.",
    function=embed, options=EmbedOptions, result=np.ndarray,
    defaults={"en": DEFAULT_ENGLISH, "zh": DEFAULT_MULTILINGUAL},
    call_model=model_of_call, custom_cli=True)
