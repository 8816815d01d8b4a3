"""Documents without OCR: PDF text layers, offsets back to pages and boxes, reading order,
page choice and the coded refusals (OCR itself: tests/integration/test_documents_real.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from lepton_ai.data.tables import columns_of, iter_rows
from lepton_ai.documents import Document, ocr, parse_pages
from lepton_ai.documents.document import PageLines
from lepton_ai.documents.recognizer import reading_order
from lepton_ai.errors import LeptonError

CJK_FONT = Path(__import__("notojp_matplotlib").__file__).parent / "fonts" / \
    "NotoSansCJKjp-Regular.otf"
PAGES = [["Invoice 2024-117: Ann Lee owes $1,299.00", "客户王小明的银行卡被重复扣费。"],
         ["Second page, one line."]]


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with a real text layer (matplotlib embeds TrueType/OpenType text)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.font_manager import FontProperties

    plt.rcParams["pdf.fonttype"] = 42
    with PdfPages(path) as pdf:
        for lines in pages:
            figure = plt.figure(figsize=(8.27, 11.69))
            for row, text in enumerate(lines):
                figure.text(0.1, 0.9 - 0.05 * row, text, fontsize=12,
                            fontproperties=FontProperties(fname=CJK_FONT))
            pdf.savefig(figure)
            plt.close(figure)
    return path


def test_a_text_layer_is_read_exactly_with_boxes_and_pages(tmp_path: Path) -> None:
    document = ocr(write_pdf(tmp_path / "invoice.pdf", PAGES))
    assert isinstance(document, str) and document.pages == 2
    assert str(document) == "\n".join(PAGES[0]) + "\n\n" + PAGES[1][0]
    assert document.methods == ("text layer", "text layer")
    first, second, third = document.lines
    assert (first.page, second.page, third.page) == (1, 1, 2)
    assert first.score is None and first.box is not None
    left, top, right, bottom = first.box
    assert 0 < left < right < 1240 and 0 < top < bottom < 1754  # pixels of A4 at 150 dpi
    assert second.box is not None and second.box[1] > first.box[3]  # below the first
    start = document.index("王小明")
    located, = document.locate(start, start + 3)
    assert located == second and document[located.start:located.end] == PAGES[0][1]
    assert document.page_texts() == ["\n".join(PAGES[0]), PAGES[1][0]]


def test_pages_are_chosen_and_checked(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "two.pdf", PAGES)
    assert str(ocr(path, pages=[2])) == PAGES[1][0]
    with pytest.raises(LeptonError, match=r"LAI-E1404.*1 to 2"):
        ocr(path, pages=[3])
    assert parse_pages("1,3, 5-7") == [1, 3, 5, 6, 7]
    with pytest.raises(LeptonError, match="LAI-E1404"):
        parse_pages("one")


def test_an_encrypted_pdf_needs_its_password(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = write_pdf(tmp_path / "plain.pdf", PAGES[1:])
    writer = PdfWriter()
    for page in PdfReader(plain).pages:
        writer.add_page(page)
    writer.encrypt("s3cret")
    locked = tmp_path / "locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(LeptonError, match=r"LAI-E1402.*qpdf --decrypt"):
        ocr(locked)
    assert str(ocr(locked, password="s3cret")) == PAGES[1][0]


@pytest.mark.parametrize(("name", "data", "code"), [
    ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "LAI-E1401"),
    ("broken.png", b"\x89PNG\r\n\x1a\nnot really", "LAI-E1401"),
    ("notes.docx", b"PK\x03\x04", "LAI-E1403"),
])
def test_damaged_and_unknown_files_are_refused(tmp_path: Path, name: str, data: bytes,
                                               code: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(LeptonError, match=code):
        ocr(path)


def test_a_missing_file_and_a_bad_dpi() -> None:
    with pytest.raises(LeptonError, match="LAI-E301"):
        ocr("nowhere.pdf")
    with pytest.raises(LeptonError, match="LAI-E1404"):
        ocr(b"%PDF-", dpi=5)


def test_every_file_reader_takes_a_pdf_page_by_page(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "report.pdf", PAGES)
    assert columns_of(path) == ["text", "page"]
    rows = [row for batch in iter_rows(path) for row in batch]
    assert rows == [{"text": "\n".join(PAGES[0]), "page": 1}, {"text": PAGES[1][0], "page": 2}]


def test_offsets_join_lines_and_pages() -> None:
    document = Document([PageLines(1, [("ab", None, 0.9), ("cd", None, 0.8)], "ocr"),
                         PageLines(2, [("ef", (0, 0, 1, 1), 1.0)], "ocr")])
    assert str(document) == "ab\ncd\n\nef"
    assert [(line.start, line.end) for line in document.lines] == [(0, 2), (3, 5), (7, 9)]
    assert [line.text for line in document.locate(1, 4)] == ["ab", "cd"]
    assert Document([]).pages == 0 and str(Document([])) == ""


def test_reading_order_is_rows_then_left_to_right() -> None:
    lines = [("right", (500, 100, 600, 130), 1.0), ("title", (10, 10, 300, 40), 1.0),
             ("left", (10, 104, 200, 128), 1.0)]
    assert [text for text, _, _ in reading_order(lines)] == ["title", "left", "right"]


def test_an_image_that_is_not_a_file_type_is_named() -> None:
    with pytest.raises(LeptonError, match="LAI-E1403"):
        ocr(io.StringIO("text"))


def test_a_500_page_pdf_is_read_one_page_at_a_time(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    from lepton_ai.documents import iter_pages

    one = PdfReader(write_pdf(tmp_path / "one.pdf", PAGES[1:])).pages[0]
    writer = PdfWriter()
    for _ in range(500):
        writer.add_page(one)
    big = tmp_path / "big.pdf"
    with big.open("wb") as handle:
        writer.write(handle)
    pages = iter_pages(big)
    first = next(pages)  # the first page comes before the others are read
    assert (first.number, first.text) == (1, PAGES[1][0])
    assert sum(1 for _ in pages) == 499
