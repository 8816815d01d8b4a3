"""A document's text, with the page and box each line came from."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

#: A line's box: left, top, right, bottom, in pixels of the page image (PDF text
#: layers: at the ``dpi`` the document was read at, so both kinds of page agree).
Box = tuple[float, float, float, float]
#: What separates lines of one page, and pages.
LINE_BREAK = "\n"
PAGE_BREAK = "\n\n"


@dataclass(frozen=True)
class TextLine:
    """One line: ``document[start:end] == text``; ``score`` is the recognizer's
    confidence (None for a PDF text layer, read exactly)."""

    text: str
    page: int
    box: Box | None
    score: float | None
    start: int
    end: int


@dataclass(frozen=True)
class PageLines:
    """The lines of one page, in reading order, and how they were read."""

    number: int
    lines: list[tuple[str, Box | None, float | None]]
    method: str  # "text layer" or "ocr"

    @property
    def text(self) -> str:
        return LINE_BREAK.join(text for text, _, _ in self.lines)


class Document(str):
    """The text of a document in reading order: lines joined by a line break, pages by a
    blank line. Being a ``str``, every task takes it (``lai.ner(lai.ocr("form.pdf"))``);
    :meth:`locate` maps offsets in it (an entity's ``start``/``end``) back to pages and
    boxes.

    Attributes:
        lines: every line with its page, box, score and offsets.
        pages: how many pages were read.
        methods: per page, "text layer" or "ocr".
    """

    lines: tuple[TextLine, ...]
    pages: int
    methods: tuple[str, ...]

    def __new__(cls, pages: Iterable[PageLines]) -> Document:
        pieces: list[str] = []
        lines: list[TextLine] = []
        methods: list[str] = []
        offset = 0
        for page in pages:
            if methods:
                pieces.append(PAGE_BREAK)
                offset += len(PAGE_BREAK)
            methods.append(page.method)
            for index, (text, box, score) in enumerate(page.lines):
                if index:
                    pieces.append(LINE_BREAK)
                    offset += len(LINE_BREAK)
                lines.append(TextLine(text, page.number, box, score, offset, offset + len(text)))
                pieces.append(text)
                offset += len(text)
        document = super().__new__(cls, "".join(pieces))
        document.lines = tuple(lines)
        document.pages = len(methods)
        document.methods = tuple(methods)
        return document

    def locate(self, start: int, end: int) -> list[TextLine]:
        """The lines that ``self[start:end]`` touches (one, unless a span crosses lines)."""
        return [line for line in self.lines if line.start < end and start < line.end]

    def record(self) -> dict[str, Any]:
        """JSON-ready: the text, page count, how each page was read, and every line."""
        return {"text": str(self), "pages": self.pages, "methods": list(self.methods),
                "lines": [asdict(line) for line in self.lines]}

    def page_texts(self) -> Sequence[str]:
        """Each page's text, in page order."""
        return self.split(PAGE_BREAK) if self.pages else []
