"""Documents: scans, photos and PDFs turned into text every task reads.

- :mod:`~lepton_ai.documents.document` — :class:`Document`, a ``str`` that remembers
  the page and box of each of its lines.
- :mod:`~lepton_ai.documents.recognizer` — OCR of one image (RapidOCR: PP-OCRv6
  detection and recognition, Chinese and English, on ONNX Runtime).
- :mod:`~lepton_ai.documents.pages` — the pages of an image, a multi-page TIFF or a
  PDF (its text layer read directly with PDFium; pages without one rendered and OCR'd).

``lai.ocr`` (:func:`~lepton_ai.documents.pages.ocr`) is the entry point.
"""

from __future__ import annotations

from lepton_ai.documents.document import Document, TextLine
from lepton_ai.documents.pages import DOCUMENT_SUFFIXES, iter_pages, ocr, parse_pages

__all__ = ["DOCUMENT_SUFFIXES", "Document", "TextLine", "iter_pages", "ocr", "parse_pages"]
