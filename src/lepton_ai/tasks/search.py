"""Semantic search: an index of documents, top-k hits for queries.

The index keeps every vector (float32, exact search by one matrix product) and,
from ``HNSW_THRESHOLD`` documents on or when asked, an HNSW graph (hnswlib) for
approximate search. The model is fixed when the first documents are added and
is stored with the index, so queries always land in the documents' vector space.

A saved index is a folder: ``index.json`` (manifest), ``vectors.npy``,
``rows.jsonl`` (the original rows) and, for HNSW, ``hnsw.bin``. Loading never
unpickles (``np.load(allow_pickle=False)``; hnswlib reads its own binary format).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.models.encoders import Encoder
from lepton_ai.models.loader import load_encoder
from lepton_ai.tasks.embed import Lang, as_text_list, choose_model, encode_texts

FORMAT_VERSION = 1
BACKENDS = ("auto", "exact", "hnsw")
#: From this many documents on, ``backend="auto"`` adds an HNSW graph.
HNSW_THRESHOLD = 50_000
TEXT_KEY = "text"


@dataclass(frozen=True)
class Hit:
    """One search result: position in the index, cosine score, text and original row."""

    id: int
    score: float
    text: str
    row: dict[str, Any] = field(default_factory=dict)


@dataclass
class HnswParams:
    """HNSW graph settings: larger ``m``/``ef_*`` mean better recall, slower build/query."""

    m: int = 32
    ef_construction: int = 200
    ef_search: int = 128


class Index:
    """A searchable collection of documents.

    Example:
        >>> index = Index.from_texts(["The cat sat.", "Stocks fell sharply."])
        >>> index.search("share prices dropped", k=1)[0].text
        'Stocks fell sharply.'
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        lang: Lang = "auto",
        backend: str = "auto",
        text_column: str = TEXT_KEY,
        hnsw: HnswParams | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise LeptonError(E.E405, backend=backend)
        self._model_arg = model
        self._lang = lang
        self.backend = backend
        self.text_column = text_column
        self.hnsw_params = hnsw or HnswParams()
        self.model: str | None = None
        self._encoder: Encoder | None = None
        self._vectors = np.zeros((0, 0), dtype=np.float32)
        self._rows: list[dict[str, Any]] = []
        self._graph: Any = None  # hnswlib.Index when in use

    # ----------------------------------------------------------------- building
    @classmethod
    def from_texts(cls, texts: Sequence[str], **options: Any) -> Index:
        """Build an index over a list of texts."""
        index = cls(**options)
        index.add(list(texts))
        return index

    @classmethod
    def from_file(cls, path: str | Path, column: str | None = None, **options: Any) -> Index:
        """Build an index over one column of a CSV/TSV/JSONL/JSON/Parquet/TXT file.

        The whole row is kept and returned with each hit.
        """
        from lepton_ai.data.tables import iter_rows, text_column

        name = text_column(path, column)
        index = cls(text_column=name, **options)
        for batch in iter_rows(path):
            index.add(batch, _path=path, _first_row=len(index))
        return index

    @classmethod
    def from_vectors(
        cls,
        vectors: np.ndarray,
        docs: Sequence[str] | Sequence[dict[str, Any]],
        model: str | Path,
        **options: Any,
    ) -> Index:
        """An index over vectors computed earlier (e.g. by ``lai embed``) with ``model``.

        ``docs`` are the texts or rows the vectors belong to, in the same order;
        queries will be embedded with ``model``.
        """
        index = cls(model, **options)
        rows, _ = index._normalise_docs(list(docs), "<docs>", 0)
        vectors = np.asarray(vectors, dtype=np.float32)
        encoder = index._encoder_for([])
        if vectors.ndim != 2 or len(vectors) != len(rows) or vectors.shape[1] != encoder.dim:
            raise LeptonError(
                E.E408, shape=vectors.shape, n=len(rows), model=encoder.name, dim=encoder.dim
            )
        index._vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        index._rows = rows
        index._update_graph(0)
        return index

    def add(
        self,
        docs: str | Sequence[str] | Sequence[dict[str, Any]],
        *,
        _path: str | Path = "<input>",
        _first_row: int = 0,
    ) -> list[int]:
        """Add texts (or rows holding ``text_column``); returns their ids."""
        rows, texts = self._normalise_docs(docs, _path, _first_row)
        if not texts:
            return []
        encoder = self._encoder_for(texts)
        vectors = encode_texts(encoder, texts, role="document")
        start = len(self._rows)
        self._vectors = vectors if start == 0 else np.vstack([self._vectors, vectors])
        self._rows.extend(rows)
        self._update_graph(start)
        return list(range(start, len(self._rows)))

    def _normalise_docs(
        self, docs: object, path: str | Path, first_row: int
    ) -> tuple[list[dict[str, Any]], list[str]]:
        if isinstance(docs, (list, tuple)) and docs and isinstance(docs[0], dict):
            from lepton_ai.data.tables import texts_of

            rows = [dict(row) for row in docs]
            return rows, texts_of(rows, self.text_column, path, first_row)
        texts, _ = as_text_list(docs)
        return [{self.text_column: t} for t in texts], texts

    def _encoder_for(self, texts: list[str]) -> Encoder:
        if self._encoder is None:
            chosen = choose_model(texts, self._model_arg, self._lang)
            self._encoder = load_encoder(chosen)
            self.model = self._encoder.name
        return self._encoder

    # ------------------------------------------------------------------ search
    @property
    def uses_graph(self) -> bool:
        """Whether searches go through the HNSW graph."""
        return self.backend == "hnsw" or (
            self.backend == "auto" and len(self._rows) >= HNSW_THRESHOLD
        )

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def vectors(self) -> np.ndarray:
        """All document vectors, shape ``(len(index), dim)`` (read-only view)."""
        view = self._vectors.view()
        view.flags.writeable = False
        return view

    def search(
        self, query: str | Sequence[str], k: int = 5, *, exact: bool | None = None
    ) -> list[Hit] | list[list[Hit]]:
        """Top-``k`` hits by cosine similarity, best first.

        Args:
            query: one text (returns a list of hits) or several (a list per query).
            k: how many hits per query.
            exact: force exact (True) or graph (False) search; default by backend.
        """
        if not isinstance(k, int) or isinstance(k, bool) or k <= 0:
            raise LeptonError(E.E404, k=k)
        if not self._rows:
            raise LeptonError(E.E406)
        queries, single = as_text_list(query)
        assert self._encoder is not None
        q = self._encoder.encode(queries, role="query")
        ids, scores = self.search_vectors(q, k, exact=exact)
        results = [
            [self._hit(int(i), float(s)) for i, s in zip(id_row, score_row, strict=True) if i >= 0]
            for id_row, score_row in zip(ids, scores, strict=True)
        ]
        return results[0] if single else results

    def search_vectors(
        self, queries: np.ndarray, k: int, *, exact: bool | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids and scores (each ``(n_queries, k)``) for query vectors; -1 pads."""
        k = min(k, len(self._rows))
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        use_graph = self.uses_graph if exact is None else not exact
        if use_graph and self._graph is not None:
            self._graph.set_ef(max(self.hnsw_params.ef_search, k))
            labels, distances = self._graph.knn_query(queries, k=k)
            return labels.astype(np.int64), (1.0 - distances).astype(np.float32)
        return _exact_top_k(self._vectors, queries, k)

    def _hit(self, position: int, score: float) -> Hit:
        row = self._rows[position]
        return Hit(position, score, str(row.get(self.text_column, "")), row)

    # -------------------------------------------------------------- HNSW graph
    def build_graph(self, params: HnswParams | None = None) -> None:
        """(Re)build the HNSW graph over all documents, e.g. with other parameters."""
        if params is not None:
            self.hnsw_params = params
        if self.backend == "exact":
            self.backend = "hnsw"
        self._graph = None
        self._update_graph(0)

    def _update_graph(self, first_new: int) -> None:
        if not self.uses_graph:
            return
        import hnswlib  # noqa: F401 - checked import with a coded error below

        if self._graph is None:
            self._graph = self._new_graph(capacity=len(self._rows))
            first_new = 0
        elif self._graph.get_max_elements() < len(self._rows):
            self._graph.resize_index(max(len(self._rows), 2 * self._graph.get_max_elements()))
        new = np.arange(first_new, len(self._rows))
        self._graph.add_items(self._vectors[new], new)

    def _new_graph(self, capacity: int) -> Any:
        from lepton_ai.dependencies import require

        require("hnswlib", "approximate search (HNSW)", "hnswlib==0.8.0")
        import hnswlib

        graph = hnswlib.Index(space="ip", dim=self._vectors.shape[1])
        graph.init_index(
            max_elements=max(capacity, 1),
            ef_construction=self.hnsw_params.ef_construction,
            M=self.hnsw_params.m,
        )
        from lepton_ai.settings import settings

        graph.set_num_threads(settings.threads)
        return graph

    # --------------------------------------------------------------- save/load
    def save(self, folder: str | Path) -> Path:
        """Write the index to ``folder`` (new, empty or an earlier index); returns it."""
        from lepton_ai._version import __version__
        from lepton_ai.artifacts.manifest import check_output_folder

        folder = Path(folder)
        check_output_folder(folder, ours=("index.json",))
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "vectors.npy", self._vectors, allow_pickle=False)
        with (folder / "rows.jsonl").open("w", encoding="utf-8") as handle:
            for row in self._rows:
                handle.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        if self._graph is not None:
            self._graph.save_index(str(folder / "hnsw.bin"))
        manifest = {
            "format_version": FORMAT_VERSION,
            "library_version": __version__,
            "model": self.model,
            "dim": int(self._vectors.shape[1]) if self._rows else None,
            "count": len(self._rows),
            "backend": self.backend,
            "text_column": self.text_column,
            "metric": "cosine",
            "hnsw": vars(self.hnsw_params) if self._graph is not None else None,
            "saved": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        (folder / "index.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: str | Path, model: str | Path | None = None) -> Index:
        """Read an index written by :meth:`save`.

        ``model`` overrides the stored model name (e.g. the same model in
        another folder); it must produce vectors of the stored dimension.
        """
        folder = Path(folder)
        manifest_file = folder / "index.json"
        if not manifest_file.is_file():
            raise LeptonError(E.E401, path=folder)
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        if int(manifest.get("format_version", 0)) > FORMAT_VERSION:
            raise LeptonError(
                E.E402, path=folder, found=manifest["format_version"], supported=FORMAT_VERSION
            )
        hnsw = HnswParams(**manifest["hnsw"]) if manifest.get("hnsw") else None
        index = cls(
            model or manifest["model"],
            backend=manifest.get("backend", "auto"),
            text_column=manifest.get("text_column", TEXT_KEY),
            hnsw=hnsw,
        )
        index._vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        with (folder / "rows.jsonl").open(encoding="utf-8") as handle:
            index._rows = [json.loads(line) for line in handle if line.strip()]
        if len(index._rows) != len(index._vectors):
            raise LeptonError(E.E403, path=folder, n=len(index._vectors), m=len(index._rows))
        if manifest.get("model"):
            try:
                index._encoder = load_encoder(model or manifest["model"])
            except LeptonError as exc:
                raise LeptonError(E.E407, path=folder, model=manifest["model"]) from exc
            index.model = index._encoder.name
        if (folder / "hnsw.bin").is_file():
            index._graph = index._new_graph(capacity=len(index._rows))
            index._graph.load_index(str(folder / "hnsw.bin"), max_elements=len(index._rows))
        return index


def _exact_top_k(vectors: np.ndarray, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    scores = queries @ vectors.T
    if k < scores.shape[1]:
        part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    else:
        part = np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    ids = np.take_along_axis(part, order, axis=1)
    return ids.astype(np.int64), np.take_along_axis(part_scores, order, axis=1).astype(np.float32)


def search(
    query: str | Sequence[str],
    corpus: Sequence[str] | Index | str | Path,
    k: int = 5,
    **options: Any,
) -> list[Hit] | list[list[Hit]]:
    """One-off semantic search over a list of texts, an :class:`Index`, or a saved index folder."""
    if isinstance(corpus, Index):
        index = corpus
    elif isinstance(corpus, (str, Path)):
        index = Index.load(corpus)  # a folder; LAI-E401 names the mistake otherwise
    else:
        index = Index.from_texts(list(corpus), **options)  # type: ignore[arg-type]
    return index.search(query, k=k)
