"""Streaming readers for the table formats users hand in.

Rows are plain ``dict``s (JSON-safe values), read in batches so files larger
than memory can be processed. Nothing here unpickles or executes anything.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from lepton_ai.documents.pages import DOCUMENT_SUFFIXES
from lepton_ai.errors import E, LeptonError

Row = dict[str, Any]
SUFFIXES = (".csv", ".tsv", ".jsonl", ".ndjson", ".json", ".parquet", ".txt")
TXT_COLUMN = "text"


def _check(path: Path) -> str:
    if not path.is_file():
        raise LeptonError(E.E301, path=path, cwd=Path.cwd())
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES and suffix not in DOCUMENT_SUFFIXES:
        raise LeptonError(E.E302, suffix=suffix, path=path)
    return suffix


def iter_rows(path: str | Path, batch_size: int = 4096) -> Iterator[list[Row]]:
    """Yield the file's rows in batches of at most ``batch_size``."""
    path = Path(path)
    suffix = _check(path)
    if suffix == ".parquet":
        yield from _parquet_batches(path, batch_size)
        return
    if suffix in DOCUMENT_SUFFIXES:
        yield from _document_pages(path)
        return
    batch: list[Row] = []
    try:
        for row in _row_stream(path, suffix):
            batch.append(row)
            if len(batch) >= batch_size:
                yield batch
                batch = []
    except UnicodeDecodeError as exc:
        raise not_utf8_error(path, exc) from None
    if batch:
        yield batch


def _document_pages(path: Path) -> Iterator[list[Row]]:
    """A scan or PDF: one row per page with text (``text``, ``page``), read as it comes."""
    from lepton_ai.documents import iter_pages

    for page in iter_pages(path):
        if page.text.strip():
            yield [{TXT_COLUMN: page.text, "page": page.number}]


def _csv_rows(handle: Any, suffix: str) -> csv.DictReader[str]:
    csv.field_size_limit(sys.maxsize)
    if suffix == ".tsv":
        # Rows are lines: a text that starts with a stray quote mark must not swallow
        # the rows after it.
        return csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
    return csv.DictReader(handle)


def _row_stream(path: Path, suffix: str) -> Iterator[Row]:
    if suffix in (".csv", ".tsv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if suffix == ".tsv":  # fields quoted whole (as pandas writes them) are unquoted
                for row in _csv_rows(handle, suffix):
                    yield {key: _unquote(value) for key, value in row.items()}
            else:
                yield from _csv_rows(handle, suffix)
    elif suffix in (".jsonl", ".ndjson"):
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    value = _json(line, path, number)
                    yield value if isinstance(value, dict) else {TXT_COLUMN: value}
    elif suffix == ".json":
        with path.open(encoding="utf-8") as handle:
            data = _json(handle.read(), path, None)
        for value in data if isinstance(data, list) else [data]:
            yield value if isinstance(value, dict) else {TXT_COLUMN: value}
    else:  # .txt: one text per line
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                text = line.rstrip("\n")
                if text.strip():
                    yield {TXT_COLUMN: text}


def _json(text: str, path: Path, line: int | None) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise LeptonError(E.E308, line=line or exc.lineno, path=path, problem=exc.msg) from None


def guess_encoding(head: bytes) -> tuple[str, str]:
    """(iconv's name, a sentence for the message) for bytes that are not UTF-8."""
    try:
        chinese = codecs.getincrementaldecoder("gb18030")().decode(head, final=False)
    except UnicodeDecodeError:
        chinese = ""
    if any("\u4e00" <= char <= "\u9fff" for char in chinese):
        return "GB18030", " It looks like GBK/GB18030 (Chinese Windows' default)."
    return "CP1252", " It may be Windows-1252 or Latin-1."


def _bad_byte(error: UnicodeDecodeError) -> str:
    return f"0x{error.object[error.start]:02x}" if error.start < len(error.object) else "?"


def not_utf8_error(path: Path, error: UnicodeDecodeError,
                   head: bytes | None = None) -> LeptonError:
    """LAI-E307, guessing the encoding the file is in from its first bytes (``head``, or
    read from ``path``)."""
    if head is None:
        with path.open("rb") as handle:
            head = handle.read(1 << 16)
    source, guess = guess_encoding(head)
    excel = " (Excel: 'CSV UTF-8')" if path.suffix.lower() in (".csv", ".tsv") else ""
    return LeptonError(E.E307, path=path, byte=_bad_byte(error), offset=error.start,
                       guess=guess, source=source, excel=excel,
                       target=path.with_name(f"{path.stem}-utf8{path.suffix}"))


def stdin_lines(stream: TextIO) -> Iterator[str]:
    """Lines of ``stream`` (stdin), decoded as UTF-8 here; LAI-E310 on other bytes.

    The locale's decoder would turn such bytes into surrogates without a word, and
    the tokenizer would fail on them much later.
    """
    raw = getattr(stream, "buffer", None)
    if raw is None:  # already text (e.g. io.StringIO)
        yield from stream
        return
    for number, line in enumerate(raw, start=1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            source, guess = guess_encoding(line)
            raise LeptonError(E.E310, line=number, byte=_bad_byte(error), guess=guess,
                              source=source) from None


def _unquote(value: str | None) -> str | None:
    """Undo whole-field quoting (outer quote marks, doubled inner ones); else as is."""
    if value is None or len(value) < 2 or value[0] != '"' or value[-1] != '"':
        return value
    inner = value[1:-1]
    if inner.replace('""', "").count('"'):
        return value
    return inner.replace('""', '"')


def _parquet_batches(path: Path, batch_size: int) -> Iterator[list[Row]]:
    import pyarrow.parquet as pq

    with pq.ParquetFile(path) as handle:
        for batch in handle.iter_batches(batch_size=batch_size):
            yield batch.to_pylist()


def read_rows(path: str | Path) -> list[Row]:
    """All rows of a file (for corpora that fit in memory)."""
    return [row for batch in iter_rows(path) for row in batch]


def count_rows(path: str | Path) -> int:
    """Number of rows, without keeping them."""
    path = Path(path)
    if _check(path) == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    return sum(len(batch) for batch in iter_rows(path))


def columns_of(path: str | Path) -> list[str]:
    """Column names: the header (CSV/TSV), the schema (Parquet), else the first record.

    Raises LAI-E309 for a file with neither header nor records.
    """
    path = Path(path)
    suffix = _check(path)
    if suffix in DOCUMENT_SUFFIXES:
        return [TXT_COLUMN, "page"]
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return list(pq.ParquetFile(path).schema_arrow.names)
    if suffix in (".csv", ".tsv"):
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                header = _csv_rows(handle, suffix).fieldnames
        except UnicodeDecodeError as exc:
            raise not_utf8_error(path, exc) from None
        if header:
            return list(header)
    for batch in iter_rows(path, batch_size=1):
        return list(batch[0].keys())
    raise LeptonError(E.E309, path=path)


def text_column(path: str | Path, column: str | None) -> str:
    """Check ``column`` exists (or pick the only one) and return its name.

    Raises LAI-E303 with the columns found and the closest match, or LAI-E304
    when the file has several columns and none was named.
    """
    found = columns_of(path)
    if column is None:
        if len(found) == 1:
            return found[0]
        if TXT_COLUMN in found:
            return TXT_COLUMN
        raise LeptonError(E.E304, path=path, found=", ".join(found))
    require_column(column, found, path)
    return column


def require_column(column: str, found: Sequence[str], path: str | Path) -> None:
    """LAI-E303 with the columns ``found`` and the closest match, unless ``column`` is
    one of them."""
    if column not in found:
        close = difflib.get_close_matches(column, found, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise LeptonError(E.E303, column=column, path=path, found=", ".join(found), hint=hint)


def texts_of(rows: list[Row], column: str, path: str | Path, first_row: int = 0) -> list[str]:
    """The text column of ``rows``; LAI-E305 names the first empty row (1-based)."""
    texts: list[str] = []
    for offset, row in enumerate(rows):
        value = row.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise LeptonError(E.E305, row=first_row + offset + 1, path=path, column=column)
        texts.append(value if isinstance(value, str) else str(value))
    return texts


def texts_from_file(path: str | Path, column: str | None = None) -> list[str]:
    """Every text of a file's one text column (``.txt``: one per line), as a list."""
    return texts_of(read_rows(path), text_column(path, column), path)


def json_from_file(path: str | Path) -> Any:
    """A JSON file's value (LAI-E301 when missing, LAI-E308 when not JSON)."""
    file = Path(path)
    if not file.is_file():
        raise LeptonError(E.E301, path=file, cwd=Path.cwd())
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise LeptonError(E.E308, line=error.lineno, path=file, problem=error.msg) from None
