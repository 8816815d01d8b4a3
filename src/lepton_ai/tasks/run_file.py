"""Run a text task over one column of a file (or stdin) and write one record per row.

Shared by the task commands (``lai sentiment FILE ...``): rows stream in slices,
so files larger than memory are fine, and each record carries the 0-based row
number it belongs to. Output by suffix: ``.jsonl`` (``{"row": i, "result": ...}``),
``.csv`` or ``.parquet`` (a ``row`` column, one column per result field; lists
and nested objects as JSON text); ``-`` writes the JSON lines to stdout. Input
``-`` reads stdin: JSON lines (the text from ``column``, default "text") or plain
lines of text.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from lepton_ai.data.tables import count_rows, iter_rows, stdin_lines, text_column, texts_of
from lepton_ai.errors import E, LeptonError
from lepton_ai.settings import settings

#: Rows per task call (the statistical keyword scorer counts document
#: frequencies within one slice).
FILE_SLICE = 1024
OUTPUTS = (".jsonl", ".ndjson", ".csv", ".parquet")
STDIN = "-"
STDOUT = "-"


def run_over_file(
    path: str | Path | Sequence[str],
    out: str | Path,
    task: Callable[[list[str]], Sequence[Any]],
    *,
    column: str | None = None,
    description: str = "processing",
    show_progress: bool | None = None,
) -> tuple[int, float]:
    """Apply ``task`` (texts → one result per text) to ``column``; returns (rows, seconds).

    ``path`` may also be the texts themselves (a list), numbered from row 0.
    """
    to_stdout = str(out) == STDOUT
    out = Path(out)
    if not to_stdout and out.suffix.lower() not in OUTPUTS:
        raise LeptonError(E.E306, suffix=out.suffix.lower(), path=out,
                          allowed=", ".join(OUTPUTS) + ", or - (JSON lines on stdout)")
    given = not isinstance(path, (str, Path))
    from_stdin = not given and str(path) == STDIN
    if given:
        texts = list(path)  # type: ignore[arg-type]
        slices: Iterator[tuple[list[int], list[str]]] = iter([(list(range(len(texts))), texts)])
        total: int | None = len(texts)
        name = "the given texts"
    else:
        source = Path(path)  # type: ignore[arg-type]
        slices = _stdin_slices(sys.stdin, column) if from_stdin else _file_slices(source, column)
        total = None if from_stdin or source.suffix.lower() != ".parquet" else count_rows(source)
        name = "stdin" if from_stdin else source.name
    show = settings.show_progress if show_progress is None else show_progress
    from lepton_ai.progress import progress_bar

    started = time.perf_counter()
    done = 0
    if not to_stdout:
        out.parent.mkdir(parents=True, exist_ok=True)
    with _writer(out) as writer, progress_bar(total, f"{description} {name}",
                                              enabled=show) as advance:
        for rows, texts in slices:
            writer.write(rows, [plain(result) for result in task(texts)])
            done += len(texts)
            advance(len(texts))
    return done, time.perf_counter() - started


def _file_slices(path: Path, column: str | None) -> Iterator[tuple[list[int], list[str]]]:
    name = text_column(path, column)
    first = 0
    for rows in iter_rows(path, batch_size=FILE_SLICE):
        texts = texts_of(rows, name, path, first_row=first)
        yield list(range(first, first + len(texts))), texts
        first += len(texts)


def _stdin_slices(
    stream: TextIO, column: str | None
) -> Iterator[tuple[list[int], list[str]]]:
    """Non-blank lines of ``stream``: JSON objects give ``column``, other lines are text."""
    rows: list[int] = []
    texts: list[str] = []
    for number, line in enumerate(stdin_lines(stream)):
        if not line.strip():
            continue
        texts.append(_line_text(line, column, number))
        rows.append(number)
        if len(texts) >= FILE_SLICE:
            yield rows, texts
            rows, texts = [], []
    if texts:
        yield rows, texts


def stdin_texts(column: str | None = None) -> list[str]:
    """Every text on stdin (JSON lines give ``column``, other lines are text)."""
    return [text for _, texts in _stdin_slices(sys.stdin, column) for text in texts]


def _line_text(line: str, column: str | None, number: int) -> str:
    stripped = line.strip()
    if not stripped.startswith("{"):
        return line.rstrip("\n").rstrip("\r")
    try:
        record = json.loads(stripped)
    except json.JSONDecodeError:
        return line.rstrip("\n").rstrip("\r")
    name = column or "text"
    value = record.get(name) if isinstance(record, dict) else None
    if not isinstance(value, str) or not value.strip():
        found = ", ".join(record) if isinstance(record, dict) else "none"
        raise LeptonError(E.E303, column=name, path=f"stdin line {number + 1}", found=found,
                          hint=" Pass --column with the field holding the text.")
    return value


def plain(value: Any) -> Any:
    """Dataclasses as dicts, recursively (JSON-ready)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


class _JsonLines:
    def __init__(self, out: Path | None) -> None:
        """Lines into ``out``, or onto stdout (left open) when ``out`` is None."""
        self.owned = out is not None
        self.handle: TextIO = out.open("w", encoding="utf-8") if out is not None else sys.stdout

    def write(self, rows: list[int], results: list[Any]) -> None:
        for row, result in zip(rows, results, strict=True):
            self.handle.write(json.dumps({"row": row, "result": result}, ensure_ascii=False)
                              + "\n")

    def close(self) -> None:
        if self.owned:
            self.handle.close()
        else:
            self.handle.flush()


def flat_record(row: int, result: Any) -> dict[str, Any]:
    """A table row: ``row`` plus one column per field; nested values as JSON text."""
    fields = result if isinstance(result, dict) else {"result": result}
    record: dict[str, Any] = {"row": row}
    for key, value in fields.items():
        record[key] = (json.dumps(value, ensure_ascii=False)
                       if isinstance(value, (list, dict)) else value)
    return record


class _Csv:
    def __init__(self, out: Path) -> None:
        self.handle = out.open("w", newline="", encoding="utf-8")
        self.writer: csv.DictWriter[str] | None = None

    def write(self, rows: list[int], results: list[Any]) -> None:
        records = [flat_record(row, result) for row, result in zip(rows, results, strict=True)]
        if records and self.writer is None:
            self.writer = csv.DictWriter(self.handle, fieldnames=list(records[0]))
            self.writer.writeheader()
        if self.writer is not None:
            self.writer.writerows(records)

    def close(self) -> None:
        self.handle.close()


class _Parquet:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.writer: Any = None
        self.schema: Any = None

    def write(self, rows: list[int], results: list[Any]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        records = [flat_record(row, result) for row, result in zip(rows, results, strict=True)]
        if not records:
            return
        if self.writer is None:
            inferred = pa.Table.from_pylist(records).schema
            # A column that is empty in the first slice holds text later on.
            self.schema = pa.schema([pa.field(f.name, pa.string() if pa.types.is_null(f.type)
                                              else f.type) for f in inferred])
            self.writer = pq.ParquetWriter(str(self.out), self.schema)
        self.writer.write_table(pa.Table.from_pylist(records, schema=self.schema))

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


@contextmanager
def _writer(out: Path) -> Iterator[_JsonLines | _Csv | _Parquet]:
    """The writer for ``out``'s suffix, closed on exit."""
    suffix = out.suffix.lower()
    target = (_JsonLines(None) if str(out) == STDOUT else _Csv(out) if suffix == ".csv"
              else _Parquet(out) if suffix == ".parquet" else _JsonLines(out))
    try:
        yield target
    finally:
        target.close()
