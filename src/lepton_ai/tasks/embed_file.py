"""Embed one column of a file into ``.npy`` or ``.parquet``, streaming.

Memory stays flat whatever the file's size: rows are read in slices, and the
output is written as it goes (``.npy`` through a memory map sized by a first,
cheap counting pass; ``.parquet`` row group by row group, in a single pass).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lepton_ai.data.tables import count_rows, iter_rows, text_column, texts_of
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.loader import load_encoder
from lepton_ai.settings import settings
from lepton_ai.tasks.embed import SLICE, choose_model

OUTPUT_SUFFIXES = (".npy", ".parquet")


@dataclass(frozen=True)
class EmbedFileResult:
    """What :func:`embed_file` wrote."""

    rows: int
    dim: int
    model: str
    seconds: float


def embed_file(
    path: str | Path,
    out: str | Path,
    *,
    column: str | None = None,
    model: str | Path | None = None,
    lang: str = "auto",
    backend: str = "auto",
    precision: str | None = None,
    show_progress: bool | None = None,
) -> EmbedFileResult:
    """Embed ``column`` of ``path`` into ``out`` (``.npy`` or ``.parquet``).

    With ``lang="auto"`` the model is chosen once, from the first slice of rows,
    and used for the whole file (one vector space per output file).
    ``.parquet`` output has columns ``row`` (0-based row number) and ``vector``.
    """
    path, out = Path(path), Path(out)
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise LeptonError(E.E306, suffix=suffix, path=out, allowed=".npy or .parquet")
    name = text_column(path, column)
    # .npy needs the row count up front; Parquet input knows it from its metadata.
    # Otherwise skip the extra pass over the file (the progress bar has no total).
    needs_count = suffix == ".npy" or path.suffix.lower() == ".parquet"
    total = count_rows(path) if needs_count else None
    start = time.perf_counter()
    writer: _Writer | None = None
    encoder = None
    done = 0
    show = settings.show_progress if show_progress is None else show_progress
    from lepton_ai.progress import progress_bar

    with progress_bar(total, f"embedding {path.name}", enabled=show) as advance:
        for rows in iter_rows(path, batch_size=SLICE):
            texts = texts_of(rows, name, path, first_row=done)
            if encoder is None:
                encoder = load_encoder(choose_model(texts, model, lang), backend, precision)
                writer = _open_writer(out, total or 0, encoder.dim)
            assert writer is not None
            writer.write(done, encoder.encode(texts, role="document"))
            done += len(texts)
            advance(len(texts))
    if writer is None:  # an empty file: still write a valid, empty output
        encoder = load_encoder(choose_model([], model, lang), backend, precision)
        writer = _open_writer(out, 0, encoder.dim)
    writer.close()
    assert encoder is not None
    return EmbedFileResult(done, encoder.dim, encoder.name, time.perf_counter() - start)


class _Writer:
    def write(self, first_row: int, vectors: np.ndarray) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _NpyWriter(_Writer):
    def __init__(self, out: Path, rows: int, dim: int) -> None:
        out.parent.mkdir(parents=True, exist_ok=True)
        self._array = np.lib.format.open_memmap(out, mode="w+", dtype=np.float32, shape=(rows, dim))

    def write(self, first_row: int, vectors: np.ndarray) -> None:
        self._array[first_row : first_row + len(vectors)] = vectors

    def close(self) -> None:
        self._array.flush()
        del self._array


class _ParquetWriter(_Writer):
    def __init__(self, out: Path, dim: int) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        out.parent.mkdir(parents=True, exist_ok=True)
        self._pa = pa
        self._schema = pa.schema(
            [("row", pa.int64()), ("vector", pa.list_(pa.float32(), dim))]
        )
        self._writer = pq.ParquetWriter(out, self._schema)

    def write(self, first_row: int, vectors: np.ndarray) -> None:
        pa = self._pa
        flat = pa.array(vectors.reshape(-1), type=pa.float32())
        column = pa.FixedSizeListArray.from_arrays(flat, vectors.shape[1])
        rows = pa.array(np.arange(first_row, first_row + len(vectors)), type=pa.int64())
        self._writer.write_table(pa.Table.from_arrays([rows, column], schema=self._schema))

    def close(self) -> None:
        self._writer.close()


def _open_writer(out: Path, rows: int, dim: int) -> _Writer:
    return _NpyWriter(out, rows, dim) if out.suffix.lower() == ".npy" else _ParquetWriter(out, dim)
