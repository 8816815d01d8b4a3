"""What a knowledge base is made of: FAQ entries from a table, chunks from documents.

A FAQ file is any table :mod:`lepton_ai.data.tables` reads (CSV, TSV, JSONL, JSON,
Parquet) with a question and an answer column; optional columns add alternative
phrasings (``|``-separated, or a JSON list), a category (used as the intent), a
URL, an id and a human-only flag. Documents are Markdown, TXT, HTML or PDF files;
each is cut into chunks of a few paragraphs that remember their headings.
"""

from __future__ import annotations

import hashlib
import html.parser
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError, W, warn

#: Accepted column names (lower-cased) for each field of a FAQ entry.
COLUMNS: dict[str, tuple[str, ...]] = {
    "question": ("question", "q", "title", "问题", "标准问题"),
    "answer": ("answer", "a", "reply", "response", "答案", "回答"),
    "alternatives": ("alternatives", "alternative_questions", "similar", "paraphrases",
                     "相似问题", "相似问法"),
    "category": ("category", "intent", "topic", "类别", "意图", "分类"),
    "url": ("url", "link", "链接"),
    "id": ("id", "faq_id", "编号"),
    "human_only": ("human_only", "handoff", "转人工"),
}
DOCUMENT_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
#: A chunk grows paragraph by paragraph up to about this many characters.
CHUNK_CHARS = 700
_TRUE = {"1", "true", "yes", "y", "是", "x"}


@dataclass(frozen=True)
class Entry:
    """One thing the assistant can answer with: a FAQ entry or a document chunk.

    ``kind`` is ``"faq"`` or ``"doc"``. A FAQ entry's ``answer`` is given verbatim;
    a chunk's ``answer`` is its text, which grounded answers quote or summarise.
    """

    id: str
    kind: str
    question: str
    answer: str
    alternatives: tuple[str, ...] = ()
    category: str | None = None
    url: str | None = None
    human_only: bool = False
    source: str | None = None

    def phrasings(self) -> tuple[str, ...]:
        """The question and its alternatives: what a customer's message is matched to."""
        return (self.question, *self.alternatives) if self.question else self.alternatives

    def as_json(self) -> dict[str, Any]:
        """The entry as stored in ``entries.jsonl``."""
        return {key: value for key, value in self.__dict__.items()
                if value not in (None, (), False) or key in ("id", "kind")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Entry:
        """The inverse of :meth:`as_json`."""
        return cls(**{**data, "alternatives": tuple(data.get("alternatives", ()))})


@dataclass
class SourceReport:
    """What reading the sources found: counts and the files skipped."""

    faq_entries: int = 0
    chunks: int = 0
    documents: int = 0
    skipped: list[str] = field(default_factory=list)


def _column(found: Sequence[str], name: str, override: str | None) -> str | None:
    if override:
        return override if override in found else None
    lowered = {column.lower().strip(): column for column in found}
    return next((lowered[alias] for alias in COLUMNS[name] if alias in lowered), None)


def _alternatives(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else re.split(r"\s*(?:\||\n|；)\s*", str(value))
    return tuple(str(item).strip() for item in items if str(item).strip())


def read_faq(path: str | Path, *, question_column: str | None = None,
             answer_column: str | None = None) -> list[Entry]:
    """The FAQ entries of a table file, in file order.

    Raises LAI-E1002 (naming the columns found) when there is no question or answer
    column; warns LAI-W1001 when one question has different answers (both are kept).
    """
    from lepton_ai.data.tables import columns_of, read_rows

    found = columns_of(path)
    names = {name: _column(found, name, None) for name in COLUMNS}
    names["question"] = _column(found, "question", question_column)
    names["answer"] = _column(found, "answer", answer_column)
    for required in ("question", "answer"):
        if names[required] is None:
            raise LeptonError(E.E1002, path=path, missing=required, found=", ".join(found),
                              aliases=", ".join(COLUMNS[required][1:]))
    entries = []
    for number, row in enumerate(read_rows(path), 1):
        def value(name: str, row: dict[str, Any] = row) -> str:
            column = names[name]
            return "" if column is None or row.get(column) is None else str(row[column]).strip()

        question, answer = value("question"), value("answer")
        if not question or not answer:
            continue
        entries.append(Entry(
            id=value("id") or f"faq-{number}", kind="faq", question=question, answer=answer,
            alternatives=_alternatives(row.get(names["alternatives"] or "")),
            category=value("category") or None, url=value("url") or None,
            human_only=value("human_only").lower() in _TRUE, source=Path(path).name))
    _warn_conflicts(entries)
    return _unique_ids(entries)


def _warn_conflicts(entries: Sequence[Entry]) -> None:
    by_question: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_question[entry.question.casefold()].append(entry)
    for same in by_question.values():
        if len({entry.answer for entry in same}) > 1:
            warn(W.W1001, question=same[0].question, count=len(same),
                 ids=", ".join(entry.id for entry in same))


def _unique_ids(entries: list[Entry]) -> list[Entry]:
    counts = Counter(entry.id for entry in entries)
    seen: Counter[str] = Counter()
    unique = []
    for entry in entries:
        if counts[entry.id] > 1:
            seen[entry.id] += 1
            entry = Entry(**{**entry.__dict__, "id": f"{entry.id}-{seen[entry.id]}"})
        unique.append(entry)
    return unique


# ---------------------------------------------------------------- documents
class _HtmlText(html.parser.HTMLParser):
    """Headings and paragraphs of an HTML page, as Markdown-like lines."""

    BLOCKS = frozenset({"p", "li", "div", "br", "tr", "section", "article", "td"})
    SKIP = frozenset({"script", "style", "nav", "footer", "head"})

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self._current: list[str] = []
        self._skipping = 0
        self._heading = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self._heading = int(tag[1])
        elif tag in self.BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.lines.append(("#" * self._heading + " " if self._heading else "") + text)
            self.lines.append("")
        self._current, self._heading = [], 0


def _document_text(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        pages = [page.extract_text() or "" for page in PdfReader(path).pages]
        text = "\n\n".join(pages)
        return text if text.strip() else None
    raw = path.read_text(encoding="utf-8", errors="replace")
    if suffix in (".html", ".htm"):
        parser = _HtmlText()
        parser.feed(raw)
        parser.close()
        return "\n".join(parser.lines)
    return raw


def chunk_document(text: str, title: str) -> Iterator[tuple[str, str]]:
    """``(heading path, chunk text)`` pairs: paragraphs joined up to ``CHUNK_CHARS``.

    Markdown headings (``#`` lines) open a new chunk and set the heading path, so a
    chunk never mixes two sections and says which section it is from.
    """
    headings: list[str] = []
    paragraphs: list[str] = []

    def flush() -> Iterator[tuple[str, str]]:
        path = " › ".join([title, *headings])
        chunk: list[str] = []
        for paragraph in paragraphs:
            if chunk and sum(map(len, chunk)) + len(paragraph) > CHUNK_CHARS:
                yield path, "\n".join(chunk)
                chunk = []
            chunk.append(paragraph)
        if chunk:
            yield path, "\n".join(chunk)
        paragraphs.clear()

    for block in re.split(r"\n\s*\n", text):
        block = block.strip()
        heading = re.match(r"(#{1,6})\s+(.+)", block)
        if heading and "\n" not in block:
            yield from flush()
            level = len(heading.group(1))
            headings[level - 1:] = [heading.group(2).strip()]
        elif heading:
            yield from flush()
            rest = block.split("\n", 1)[1]
            level = len(heading.group(1))
            headings[level - 1:] = [heading.group(2).split("\n")[0].strip()]
            paragraphs.append(" ".join(rest.split()))
        elif block:
            paragraphs.append(" ".join(block.split()))
    yield from flush()


def read_documents(folder: str | Path, report: SourceReport | None = None) -> list[Entry]:
    """Chunks of every Markdown, TXT, HTML and PDF file under ``folder``, as entries.

    A PDF without a text layer is skipped with LAI-W1002; other file types with
    LAI-W1003.
    """
    root = Path(folder)
    if not root.is_dir():
        raise LeptonError(E.E1003, detail=f"--docs {folder} is not a folder")
    report = report or SourceReport()
    entries: list[Entry] = []
    others = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            others.append(path.name)
            continue
        text = _document_text(path)
        relative = path.relative_to(root).as_posix()
        if text is None:
            warn(W.W1002, path=relative)
            report.skipped.append(relative)
            continue
        report.documents += 1
        for number, (heading, chunk) in enumerate(chunk_document(text, path.stem), 1):
            entries.append(Entry(id=f"doc:{relative}#{number}", kind="doc", question=heading,
                                 answer=chunk, source=relative))
    if others:
        warn(W.W1003, count=len(others), folder=folder, example=others[0])
        report.skipped.extend(others)
    report.chunks = len(entries)
    return entries


def digest(text: str) -> str:
    """A short content hash: unchanged passages keep their vectors across updates."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
