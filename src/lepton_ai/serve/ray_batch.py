"""Batch jobs on Ray Data: ``lai embed FILE --ray`` and ``lai analyze FILE --ray``.

The file is read by Ray Data (CSV, TSV, JSON lines or Parquet), split into blocks,
and each block goes to one of ``actors`` long-lived workers that load the model once
and run single-threaded; the driver writes the results to one Parquet file holding
every input column plus the results, in the input's order. On one machine
this is slower than the plain command (Ray's start-up and ~1 GB of memory buy
nothing on 2 cores); it pays off on a cluster, where ``address=`` (``--ray-address``)
names it and the same job spreads over every node.

The model is chosen once, on the driver, from the first rows (one vector space for
the whole output), exactly as the plain command does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.data.tables import text_column
from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.ray_cluster import adopt_settings, driver_settings, start_ray

READERS = {".csv": "read_csv", ".tsv": "read_csv", ".jsonl": "read_json",
           ".json": "read_json", ".parquet": "read_parquet"}


@dataclass(frozen=True)
class RayJobResult:
    """What a Ray batch job wrote."""

    rows: int
    model: str
    out: Path
    seconds: float


class EmbedBlocks:
    """A Ray Data actor: loads the encoder once, embeds one column of each block."""

    def __init__(self, model: str, column: str, values: dict[str, Any]) -> None:
        from lepton_ai.models.loader import load_encoder

        adopt_settings(values, threads=1)  # one actor per core
        self.encoder = load_encoder(model)
        self.column = column

    def __call__(self, block: dict[str, np.ndarray]) -> Any:
        import pyarrow as pa

        texts = [str(text) for text in block[self.column]]
        vectors = np.asarray(self.encoder.encode(texts, role="document"), dtype=np.float32)
        # A plain fixed-size list column (as `lai embed` writes), readable without Ray.
        column = pa.FixedSizeListArray.from_arrays(pa.array(vectors.reshape(-1)),
                                                   vectors.shape[1])
        table = pa.table({name: pa.array(values) for name, values in block.items()})
        return table.append_column("vector", column)


class AnalyzeBlocks:
    """A Ray Data actor: runs ``lai.analyze`` on one column, results as JSON text."""

    def __init__(self, column: str, tasks: Sequence[str], options: dict[str, Any],
                 values: dict[str, Any]) -> None:
        adopt_settings(values, threads=1)  # one actor per core
        self.column, self.tasks, self.options = column, list(tasks), options

    def __call__(self, block: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        from lepton_ai.tasks.analyze import analyze
        from lepton_ai.tasks.run_file import plain

        texts = [str(text) for text in block[self.column]]
        results = analyze(texts, self.tasks, **self.options)
        encoded = [json.dumps(plain(result), ensure_ascii=False) for result in results]
        return {**block, "analysis": np.asarray(encoded, dtype=object)}


def _dataset(path: Path, ray: Any) -> Any:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise LeptonError(E.E306, suffix=path.suffix, path=path,
                          allowed=", ".join(sorted(READERS)) + " (with --ray)")
    options: dict[str, Any] = {}
    if path.suffix.lower() == ".tsv":
        import pyarrow.csv as pacsv

        options["parse_options"] = pacsv.ParseOptions(delimiter="\t")
    return getattr(ray.data, reader)(str(path), **options)


def _run(path: Path, out: Path, actors: int, address: str | None, batch_size: int,
         build: Any) -> tuple[int, float]:
    """Read ``path``, map its blocks with the actor class ``build`` gives, and write the
    results, in input order, to the Parquet file ``out`` (from the driver)."""
    import logging

    import pyarrow.parquet as pq

    # Locally, one CPU more than the actors: Ray Data's read tasks need one too,
    # or the actors hold every CPU and the job waits forever.
    ray = start_ray(address, cpus=actors + 1, purpose="--ray batch jobs")
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    started = time.perf_counter()
    dataset = _dataset(path, ray)
    actor_class, arguments = build(dataset)
    mapped = dataset.map_batches(actor_class, fn_constructor_args=arguments,
                                 batch_size=batch_size, batch_format="numpy",
                                 compute=ray.data.ActorPoolStrategy(size=actors), num_cpus=1)
    out.parent.mkdir(parents=True, exist_ok=True)
    rows, writer = 0, None
    try:
        for table in mapped.iter_batches(batch_format="pyarrow", batch_size=None):
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema)
            writer.write_table(table.cast(writer.schema))
            rows += table.num_rows
    finally:
        if writer is not None:
            writer.close()
    return rows, time.perf_counter() - started


def _first_texts(dataset: Any, column: str) -> list[str]:
    return [str(row[column]) for row in dataset.take(64)]


def embed_file_ray(path: str | Path, out: str | Path, *, column: str = "text",
                   model: str | Path | None = None, lang: str = "auto", actors: int = 2,
                   address: str | None = None, batch_size: int = 256) -> RayJobResult:
    """Embed ``column`` of ``path`` on Ray Data into the Parquet file ``out``
    (input columns + ``vector``)."""
    from lepton_ai.tasks.embed import choose_model

    path, out = Path(path), Path(out)
    chosen: dict[str, str] = {}

    text_column(path, column)  # LAI-E303 with the closest column name, before Ray starts

    def build(dataset: Any) -> tuple[type, tuple[Any, ...]]:
        chosen["model"] = str(choose_model(_first_texts(dataset, column), model, lang))
        return EmbedBlocks, (chosen["model"], column, driver_settings())

    rows, seconds = _run(path, out, actors, address, batch_size, build)
    return RayJobResult(rows, Path(chosen["model"]).name, out, seconds)


def analyze_file_ray(path: str | Path, out: str | Path, *, tasks: Sequence[str],
                     column: str = "text", options: dict[str, Any] | None = None,
                     actors: int = 2, address: str | None = None,
                     batch_size: int = 64) -> RayJobResult:
    """Run ``lai.analyze`` on ``column`` of ``path`` on Ray Data into the Parquet file
    ``out`` (input columns + ``analysis``, one JSON object per row)."""
    path, out = Path(path), Path(out)

    text_column(path, column)

    def build(dataset: Any) -> tuple[type, tuple[Any, ...]]:
        return AnalyzeBlocks, (column, tuple(tasks), dict(options or {}), driver_settings())

    rows, seconds = _run(path, out, actors, address, batch_size, build)
    return RayJobResult(rows, "+".join(tasks), out, seconds)
