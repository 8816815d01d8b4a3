"""Documents in: rows of a CSV/JSONL file (followed as it grows, like ``tail -f``) or of
standard input, turned into :class:`Document` records.

A row without text or time, or with a time that does not parse, is skipped, counted
per reason and reported (LAI-W1101 names an example row and the format expected);
nothing is skipped silently. Files are read at the pace the machine allows: nothing
is dropped, the reader simply waits while the monitor is busy. Each batch carries
the byte offset after its last row, which the store commits with the documents, so
a restarted monitor goes on where it stopped (at-least-once; ids make it idempotent).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from lepton_ai.errors import E, LeptonError, W, warn
from lepton_ai.solutions.monitor.configuration import InputConfig

#: Bytes read from a file at a time.
READ_BYTES = 1 << 20
#: How many example rows a skip report keeps.
EXAMPLES_KEPT = 3


@dataclass(frozen=True)
class Document:
    """One document of the stream."""

    id: str
    time: datetime
    text: str
    source: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Batch:
    """Documents read together, and where the input stands after them."""

    documents: list[Document]
    offset: int | None = None


@dataclass
class SkippedRows:
    """Rows that were not documents, counted per reason, with a few examples."""

    reasons: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    def add(self, reason: str, example: str) -> None:
        """Count one skipped row."""
        self.reasons[reason] += 1
        if len(self.examples) < EXAMPLES_KEPT:
            self.examples.append(example)

    @property
    def total(self) -> int:
        """All rows skipped so far."""
        return sum(self.reasons.values())

    def described(self) -> str:
        """The counts in words: "2 no time, 1 no text"."""
        return ", ".join(f"{count} {reason}" for reason, count in self.reasons.most_common())


class TimeParser:
    """Reads the time column: ISO 8601, Unix seconds or a strptime pattern."""

    def __init__(self, time_format: str, zone: str) -> None:
        self.time_format = time_format
        self.zone: tzinfo = UTC if zone.upper() == "UTC" else ZoneInfo(zone)

    @property
    def expected(self) -> str:
        """The format in words, for messages."""
        return {"iso": "ISO 8601 (2026-12-06T09:30:00+08:00)",
                "unix": "Unix seconds (1796550600)"}.get(
            self.time_format, f"the pattern {self.time_format!r}")

    def __call__(self, value: Any) -> datetime:
        """The time of ``value``, in UTC; ValueError when it does not parse."""
        if isinstance(value, datetime):
            parsed = value
        elif self.time_format == "unix":
            parsed = datetime.fromtimestamp(float(value), UTC)
        elif self.time_format == "iso":
            parsed = datetime.fromisoformat(str(value).strip())
        else:
            parsed = datetime.strptime(str(value).strip(), self.time_format)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=self.zone)
        return parsed.astimezone(UTC)


class RowReader:
    """Turns one row (a mapping of column → value) into a :class:`Document`, or counts
    why it is not one."""

    def __init__(self, config: InputConfig) -> None:
        self.columns = config.columns
        self.parse_time = TimeParser(config.time_format, config.timezone)
        self.skipped = SkippedRows()

    def document(self, row: dict[str, Any], number: int) -> Document | None:
        """The document in ``row`` (row ``number`` of its input), or None (counted)."""
        columns = self.columns
        if not row:
            self.skipped.add("not a JSON object", f"row {number}")
            return None
        text = str(row.get(columns.text) or "").strip()
        raw_time = row.get(columns.time)
        if not text:
            self.skipped.add("no text", f"row {number}")
            return None
        if raw_time in (None, ""):
            self.skipped.add("no time", f"row {number}")
            return None
        try:
            when = self.parse_time(raw_time)
        except (ValueError, TypeError, OverflowError, OSError):
            self.skipped.add("time not readable", f"row {number} (time {str(raw_time)[:40]!r})")
            return None
        source = str(row.get(columns.source) or "")
        identifier = str(row.get(columns.id) or "") or _content_id(source, when, text)
        extra = {key: value for key, value in row.items()
                 if key not in (columns.id, columns.time, columns.text, columns.source)}
        return Document(identifier[:200], when, text, source[:200], extra)


class DocumentReader:
    """Rows of one input turned into batches of :class:`Document`.

    Args:
        config: the monitor's ``input`` section.
        folder: relative paths are read from here (the config's folder).
        start_offset: byte offset to continue a file from (a stored checkpoint).
        stdin: the stream read for path ``-`` (standard input by default).
        batch_rows: rows per batch at most; a followed file hands on what it has when
            it waits for more.
    """

    def __init__(self, config: InputConfig, folder: Path = Path("."),
                 start_offset: int = 0, stdin: IO[str] | None = None,
                 batch_rows: int = 64) -> None:
        self.config = config
        self.batch_rows = batch_rows
        self.path = None if config.path == "-" else folder / config.path
        self.start_offset = start_offset
        self.stdin = stdin
        self.rows = RowReader(config)
        self._reported = 0
        self._header: list[str] | None = None
        self._format = self._decide_format()

    @property
    def skipped(self) -> SkippedRows:
        """Rows skipped so far."""
        return self.rows.skipped

    @property
    def source_name(self) -> str:
        """The input as people name it (a path or "standard input")."""
        return str(self.path) if self.path is not None else "standard input"

    def _decide_format(self) -> str:
        if self.config.format != "auto":
            return self.config.format
        if self.path is not None and self.path.suffix.lower() in (".csv", ".tsv"):
            return "csv"
        return "jsonl"

    def batches(self, should_stop: Callable[[], bool] = lambda: False) -> Iterator[Batch]:
        """Batches until the input ends (or, when following, until ``should_stop``)."""
        if self.path is None:
            yield from self._stream_batches(self.stdin or sys.stdin)
            return
        if not self.path.is_file() and not self.config.follow:
            raise LeptonError(E.E1103, path=self.path)
        yield from self._file_batches(should_stop)

    def _stream_batches(self, stream: IO[str]) -> Iterator[Batch]:
        documents: list[Document] = []
        for number, line in enumerate(stream, start=1):
            documents.extend(self._documents([line], number))
            if len(documents) >= self.batch_rows:
                yield Batch(documents)
                documents = []
        if documents:
            yield Batch(documents)
        self._report()

    def _file_batches(self, should_stop: Callable[[], bool]) -> Iterator[Batch]:
        offset, number = self.start_offset, 0
        while not should_stop():
            if not self.path.is_file():  # type: ignore[union-attr]
                time.sleep(self.config.poll_seconds)
                continue
            with self.path.open("rb") as handle:  # type: ignore[union-attr]
                if self._format == "csv" and self._header is None:
                    offset = max(offset, self._read_header(handle))
                handle.seek(offset)
                chunk = handle.read(READ_BYTES)
            at_end = len(chunk) < READ_BYTES
            if at_end and not self.config.follow and chunk and not chunk.endswith(b"\n"):
                chunk += b"\n"  # the file's last line, finished by its end
            complete = chunk[:chunk.rfind(b"\n") + 1]  # a line still being written waits
            lines = complete.split(b"\n")[:-1]
            for start in range(0, len(lines), self.batch_rows):
                part = lines[start:start + self.batch_rows]
                offset += sum(len(line) + 1 for line in part)
                texts = [line.decode("utf-8", errors="replace").rstrip("\r") for line in part]
                yield Batch(self._documents(texts, number + 1), offset)
                number += len(part)
            self._report()
            if at_end and not self.config.follow:
                return
            if not lines:
                time.sleep(self.config.poll_seconds)

    def _read_header(self, handle: IO[bytes]) -> int:
        first = handle.readline()
        header = next(csv.reader([first.decode("utf-8-sig").rstrip("\r\n")]), [])
        self._header = [name.strip() for name in header]
        for role in ("text", "time"):
            column = getattr(self.config.columns, role)
            if column not in self._header:
                raise LeptonError(E.E1104, source=self.source_name, column=column,
                                  found=", ".join(self._header) or "none", role=role)
        return len(first)

    def _rows(self, lines: list[str]) -> Iterator[dict[str, Any] | None]:
        if self._format == "csv":
            header = self._header or []
            for values in csv.reader(io.StringIO("\n".join(lines))):
                yield dict(zip(header, values, strict=False)) if values else None
            return
        for line in lines:
            if not line.strip():
                yield None
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                yield {}
                continue
            yield row if isinstance(row, dict) else {}

    def _documents(self, lines: list[str], first_number: int) -> list[Document]:
        documents = []
        for number, row in enumerate(self._rows(lines), start=first_number):
            if row is None:
                continue
            document = self.rows.document(row, number)
            if document is not None:
                documents.append(document)
        return documents

    def _report(self) -> None:
        if self.skipped.total > self._reported:
            self._reported = self.skipped.total
            warn(W.W1101, source=self.source_name, count=self.skipped.total,
                 reasons=self.skipped.described(), example="; ".join(self.skipped.examples),
                 expected=self.rows.parse_time.expected)


def _content_id(source: str, when: datetime, text: str) -> str:
    """A stable id for a row that has none, so re-reading it is idempotent."""
    digest = hashlib.sha1(f"{source}\x1f{when.isoformat()}\x1f{text}".encode())
    return digest.hexdigest()[:32]
