"""Run a text task over one column of a file and write one JSON line per row.

Shared by the task commands (``lai keywords FILE ...``): rows stream in slices,
so files larger than memory are fine, and each output line carries the 0-based
row number it belongs to.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lepton_ai.data.tables import count_rows, iter_rows, text_column, texts_of
from lepton_ai.errors import E, LeptonError
from lepton_ai.settings import settings

#: Rows per task call (the statistical keyword scorer counts document
#: frequencies within one slice).
FILE_SLICE = 1024


def run_over_file(
    path: str | Path,
    out: str | Path,
    task: Callable[[list[str]], Sequence[Any]],
    *,
    column: str | None = None,
    description: str = "processing",
    show_progress: bool | None = None,
) -> tuple[int, float]:
    """Apply ``task`` (texts → one result per text) to ``column``; returns (rows, seconds).

    Results are written to ``out`` (``.jsonl``) as ``{"row": i, "result": ...}``;
    dataclasses become objects.
    """
    path, out = Path(path), Path(out)
    if out.suffix.lower() not in (".jsonl", ".ndjson"):
        raise LeptonError(E.E306, suffix=out.suffix.lower(), path=out, allowed=".jsonl")
    name = text_column(path, column)
    total = count_rows(path) if path.suffix.lower() == ".parquet" else None
    started = time.perf_counter()
    done = 0
    show = settings.show_progress if show_progress is None else show_progress
    from lepton_ai.progress import progress_bar

    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as handle, progress_bar(
        total, f"{description} {path.name}", enabled=show
    ) as advance:
        for rows in iter_rows(path, batch_size=FILE_SLICE):
            texts = texts_of(rows, name, path, first_row=done)
            for offset, result in enumerate(task(texts)):
                record = {"row": done + offset, "result": _plain(result)}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            done += len(texts)
            advance(len(texts))
    return done, time.perf_counter() - started


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
