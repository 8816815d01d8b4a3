"""OCR with the packaged PP-OCRv6 models: images, scanned PDFs, multi-page TIFFs, tasks
reading the result, and POST /v1/ocr."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw, ImageFont

import lepton_ai as lai
from lepton_ai.serve.app import build_app
from lepton_ai.serve.config import ServeConfig

CJK_FONT = Path(__import__("notojp_matplotlib").__file__).parent / "fonts" / \
    "NotoSansCJKjp-Regular.otf"
LINES = ["客户王小明反映信用卡被重复扣费。", "The customer says the card was charged twice."]


def scan(lines: list[str], size: int = 28) -> Image.Image:
    font = ImageFont.truetype(str(CJK_FONT), size)
    image = Image.new("RGB", (1000, 60 + 70 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for row, text in enumerate(lines):
        draw.text((30, 30 + 70 * row), text, font=font, fill="black")
    return image


def squash(text: str) -> str:
    return "".join(text.split())


def test_an_image_is_read_in_order_and_tasks_take_the_document(tmp_path: Path) -> None:
    path = tmp_path / "complaint.png"
    scan(LINES).save(path)
    document = lai.ocr(path)
    assert [squash(line.text) for line in document.lines] == [squash(t) for t in LINES]
    assert all(line.score is not None and line.score > 0.9 for line in document.lines)
    entities = lai.ner(document, lang="zh")
    person = next(e for e in entities if e.label == "PERSON")
    assert person.text == "王小明"
    line, = document.locate(person.start, person.end)
    assert line.page == 1 and line.box is not None and line.box[1] < 100  # the first row


@pytest.mark.parametrize("angle", [90, 270])
def test_a_page_scanned_sideways_is_read_upright(angle: int) -> None:
    page = scan(LINES).rotate(angle, expand=True)
    document = lai.ocr(page)
    assert [squash(line.text) for line in document.lines] == [squash(t) for t in LINES]
    width, height = page.size
    for line in document.lines:  # boxes are on the page as given
        assert line.box is not None
        left, top, right, bottom = line.box
        assert 0 <= left < right <= width and 0 <= top < bottom <= height
        assert bottom - top > right - left  # the lines stand upright on that page


def test_a_scanned_pdf_and_a_multi_page_tiff_are_ocrd_page_by_page(tmp_path: Path) -> None:
    pdf, tiff = tmp_path / "scanned.pdf", tmp_path / "fax.tiff"
    # Fresh images per file: Pillow 13 keeps a PDF save's settings on appended images.
    first, rest = scan([LINES[0]]), [scan([LINES[1]])]
    first.save(pdf, save_all=True, append_images=rest)  # images only: no text layer
    first, rest = scan([LINES[0]]), [scan([LINES[1]])]
    first.save(tiff, save_all=True, append_images=rest)
    for path in (pdf, tiff):
        document = lai.ocr(path)
        assert document.pages == 2 and document.methods == ("ocr", "ocr")
        assert [squash(text) for text in document.page_texts()] == [squash(t) for t in LINES]
    assert squash(lai.ocr(tiff, pages=[2])) == squash(LINES[1])


def test_ocr_over_http(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    scan(LINES).save(buffer, format="PNG")
    with TestClient(build_app(ServeConfig(warm=False))) as client:
        answer = client.post("/v1/ocr", content=buffer.getvalue())
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["pages"] == 1 and squash(body["text"]) == squash("".join(LINES))
        assert body["lines"][0]["box"] and body["lines"][0]["page"] == 1
        broken = client.post("/v1/ocr", content=b"\x89PNG\r\n\x1a\nbroken")
        assert broken.status_code == 422 and broken.json()["error"]["code"] == "LAI-E1401"
        pages = client.post("/v1/ocr", params={"pages": "x"}, content=buffer.getvalue())
        assert pages.status_code == 422 and pages.json()["error"]["code"] == "LAI-E1404"


@pytest.mark.parametrize("engine", ["onnxruntime", "openvino"])
def test_both_runtimes_read_the_same_text(engine: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEPTON_OCR_ENGINE", engine)
    assert squash(lai.ocr(scan(LINES))) == squash("".join(LINES))
