"""The pages of an image, a multi-page TIFF or a PDF, read one at a time.

PDF pages with a text layer are read exactly from it (PDFium, through ``pypdfium2``,
Apache-2.0/BSD-3), with each line's box from its characters' boxes; pages without
one are rendered at ``dpi`` and OCR'd. Pages are read one after another and only
their text is kept, so a 500-page PDF takes the memory of one page image.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lepton_ai.dependencies import require
from lepton_ai.documents.document import Box, Document, PageLines
from lepton_ai.documents.recognizer import read_lines
from lepton_ai.errors import E, LeptonError
from lepton_ai.progress import progress_bar
from lepton_ai.settings import settings

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp")
#: Scans and PDFs: read through OCR (or a PDF's text layer).
DOCUMENT_SUFFIXES = (".pdf", *IMAGE_SUFFIXES)
PDF_REQUIREMENT = "pypdfium2==5.15.2"
#: Source = a path, the file's bytes, or a PIL image.
Source = str | Path | bytes | Any


def ocr(source: Source, *, dpi: int = 150, pages: Sequence[int] | None = None,
        min_score: float = 0.5, password: str | None = None) -> Document:
    """The text of an image or PDF, in reading order, as a :class:`Document` (a ``str``
    whose ``lines`` give each line's page, box and confidence).

    ``pages``: 1-based page numbers to read (default all); ``dpi``: the resolution
    PDF pages without a text layer are rendered at (and the unit of every box);
    ``min_score``: lines recognized less surely are dropped; ``password``: of an
    encrypted PDF (LAI-E1402 without it).
    """
    return Document(iter_pages(source, dpi=dpi, pages=pages, min_score=min_score,
                               password=password))


def iter_pages(source: Source, *, dpi: int = 150, pages: Sequence[int] | None = None,
               min_score: float = 0.5, password: str | None = None) -> Iterator[PageLines]:
    """The pages of ``source`` one at a time, with progress for long documents."""
    if not 36 <= dpi <= 600:
        raise LeptonError(E.E1404, what="dpi", value=dpi, allowed="36 to 600")
    name, data = _name_and_bytes(source)
    if data is None:  # a PIL image
        yield PageLines(1, read_lines(source, min_score), "ocr")
        return
    if data[:5] == b"%PDF-":
        # A PDF file is opened by path: PDFium reads its pages as they are asked for.
        pdf = source if isinstance(source, (str, Path)) else data
        yield from _pdf_pages(name, pdf, dpi, pages, min_score, password)
    else:
        full = Path(source).read_bytes() if isinstance(source, (str, Path)) else data
        yield from _image_pages(name, full, pages, min_score)


def parse_pages(text: str) -> list[int]:
    """``"1,3,5-7"`` → ``[1, 3, 5, 6, 7]`` (LAI-E1404 for anything else)."""
    chosen: list[int] = []
    for part in (piece.strip() for piece in text.split(",")):
        first, _, last = part.partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise LeptonError(E.E1404, what="pages", value=text, allowed="numbers from 1, "
                              "ranges like 5-7, comma-separated")
        chosen += range(int(first), int(last or first) + 1)
    return chosen


def _name_and_bytes(source: Source) -> tuple[str, bytes | None]:
    """The source's name and its bytes (of a file: the first few, enough to tell a PDF)."""
    if isinstance(source, bytes):
        return "the document", source
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise LeptonError(E.E301, path=path, cwd=Path.cwd())
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            raise LeptonError(E.E1403, name=path.name, suffix=path.suffix or "(none)",
                              allowed=", ".join(DOCUMENT_SUFFIXES))
        with path.open("rb") as handle:
            return path.name, handle.read(8)
    if hasattr(source, "convert") and hasattr(source, "size"):
        return "the image", None
    raise LeptonError(E.E1403, name=type(source).__name__, suffix="(not a file)",
                      allowed="a path, bytes or a PIL image; files: "
                      + ", ".join(DOCUMENT_SUFFIXES))


def _chosen(count: int, pages: Sequence[int] | None, name: str) -> list[int]:
    if pages is None:
        return list(range(1, count + 1))
    outside = [page for page in pages if not 1 <= page <= count]
    if outside:
        raise LeptonError(E.E1404, what=f"page {outside[0]} of {name}", value=outside[0],
                          allowed=f"1 to {count}")
    return list(pages)


def _image_pages(name: str, data: bytes, pages: Sequence[int] | None,
                 min_score: float) -> Iterator[PageLines]:
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        frames = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError) as error:
        raise LeptonError(E.E1401, name=name, kind="an image", detail=str(error)) from None
    chosen = set(_chosen(frames, pages, name))
    with progress_bar(len(chosen), f"ocr {name}", settings.show_progress and frames > 1) as done:
        for number, frame in enumerate(ImageSequence.Iterator(image), start=1):
            if number in chosen:
                try:
                    frame.load()
                except (OSError, ValueError) as error:
                    raise LeptonError(E.E1401, name=name, kind="an image",
                                      detail=str(error)) from None
                yield PageLines(number, read_lines(frame, min_score), "ocr")
                done(1)


def _pdf_pages(name: str, data: bytes | str | Path, dpi: int, pages: Sequence[int] | None,
               min_score: float, password: str | None) -> Iterator[PageLines]:
    require("pypdfium2", "reading PDFs", PDF_REQUIREMENT)
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise LeptonError(E.E1402, name=name) from None
        raise LeptonError(E.E1401, name=name, kind="a PDF", detail=str(error)) from None
    try:
        chosen = _chosen(len(pdf), pages, name)
        with progress_bar(len(chosen), f"ocr {name}",
                          settings.show_progress and len(chosen) > 1) as done:
            for number in chosen:
                page = pdf[number - 1]
                try:
                    lines = _text_layer(page, dpi / 72)
                    method = "text layer"
                    if not lines:
                        image = page.render(scale=dpi / 72).to_pil()
                        lines, method = read_lines(image, min_score), "ocr"
                finally:
                    page.close()
                yield PageLines(number, lines, method)
                done(1)
    finally:
        pdf.close()


def _text_layer(page: Any, scale: float) -> list[tuple[str, Box | None, float | None]]:
    """The page's text layer as lines with boxes (empty when it has none)."""
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        text = textpage.get_text_range(0, count) if count else ""
        if not text.strip():
            return []
        height = page.get_height()
        lines: list[tuple[str, Box | None, float | None]] = []
        position = 0
        for raw in text.replace("\r\n", "\n\0").split("\n"):
            # "\r\n" is two characters of the text page: keep indices aligned with it.
            line = raw.replace("\0", "")
            start = position + (1 if raw.startswith("\0") else 0)
            position += len(raw) + 1
            if line.strip():
                lines.append((line, _box(textpage, start, len(line), height, scale), None))
        return lines
    finally:
        textpage.close()


def _box(textpage: Any, start: int, length: int, height: float, scale: float) -> Box | None:
    boxes = [textpage.get_charbox(index) for index in range(start, start + length)]
    boxes = [box for box in boxes if box[2] > box[0]]
    if not boxes:
        return None
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    return (round(left * scale, 1), round((height - top) * scale, 1),
            round(right * scale, 1), round((height - bottom) * scale, 1))
