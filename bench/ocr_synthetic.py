"""OCR quality and speed on images rendered from known text, Chinese and English.

    .venv/bin/python bench/ocr_synthetic.py              # 64 lines × 4 levels = 256 images
    .venv/bin/python bench/ocr_synthetic.py --lines 100
    LEPTON_OCR_ENGINE=onnxruntime .venv/bin/python bench/ocr_synthetic.py   # the other runtime

Texts: ChnSentiCorp test sentences (cut at 30 characters) and AG News test titles,
read from ../shared/data (evaluation only; nothing is stored). Each is drawn in one
of Debian's fonts (Noto Sans/Serif CJK from fonts-noto-cjk, DejaVu Sans/Serif from
fonts-dejavu-core; OFL and the DejaVu licence) at 18–36 px, then degraded at four
levels: clean; 1 (rotation ±1°, blur radius 0.5, Gaussian noise σ 6); 2 (±2°, 0.9,
σ 12); 3 (±3°, 1.3, σ 20). Character error rate = edit distance / reference length,
with white space removed from both (OCR output spacing is not what is measured).

Speed: one A4 page at 150 dpi (1240 × 1754 px) with 40 lines, Chinese and English
alternating (about 1,800 characters), read three times; pages/s of the median. PDF:
a 3-page PDF with a text layer written by matplotlib (TrueType/OpenType text), whose
lines must come back exactly. Appends to bench/results/ocr_synthetic.jsonl with the
cores other processes used.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import lepton_ai as lai
from _common import LoadMeter, code_version, edit_distance, record
from lepton_ai.documents.recognizer import engine_name

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
FONTS = {"zh": ["/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"],
         "en": ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
                "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"]}
LEVELS = {0: (0.0, 0.0, 0.0), 1: (1.0, 0.5, 6.0), 2: (2.0, 0.9, 12.0), 3: (3.0, 1.3, 20.0)}


def sentences(count: int) -> list[tuple[str, str]]:
    """``count`` (language, text) pairs, half Chinese, half English."""
    with (DATA / "chnsenticorp" / "test.tsv").open(encoding="utf-8") as handle:
        chinese = [row["text_a"].strip()[:30] for row in csv.DictReader(handle, delimiter="\t")]
    with (DATA / "ag_news" / "test.csv").open(encoding="utf-8") as handle:
        english = [row[1].strip() for row in csv.reader(handle)]
    chinese = [t for t in chinese if len(t) >= 12 and "\\" not in t][: count // 2]
    english = [t for t in english if 20 <= len(t) <= 70 and "\\" not in t][: count - count // 2]
    return [("zh", t) for t in chinese] + [("en", t) for t in english]


def render(text: str, lang: str, level: int, rng: random.Random) -> Image.Image:
    import numpy as np

    size = rng.randint(18, 36)
    font = ImageFont.truetype(rng.choice(FONTS[lang]), size)
    left, top, right, bottom = font.getbbox(text)
    image = Image.new("L", (right - left + 2 * size, bottom - top + 2 * size), 255)
    ImageDraw.Draw(image).text((size - left, size - top), text, font=font, fill=0)
    angle, blur, noise = LEVELS[level]
    if angle:
        image = image.rotate(rng.uniform(-angle, angle), expand=True, fillcolor=255,
                             resample=Image.Resampling.BICUBIC)
    if blur:
        image = image.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        pixels = np.asarray(image, dtype=np.float32)
        generator = np.random.default_rng(rng.randint(0, 10**6))
        pixels = pixels + generator.normal(0, noise, pixels.shape)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
    return image


def compact(text: str) -> str:
    return "".join(text.split())


def a4_page(rng: random.Random) -> tuple[Image.Image, str]:
    pairs = sentences(80)
    zh, en = [t for lang, t in pairs if lang == "zh"], [t for lang, t in pairs if lang == "en"]
    page = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(page)
    fonts = {lang: ImageFont.truetype(FONTS[lang][0], 22) for lang in FONTS}
    lines = []
    for row in range(40):
        lang, text = ("zh", zh[row // 2]) if row % 2 else ("en", en[row // 2])
        draw.text((90, 70 + row * 40), text, font=fonts[lang], fill=0)
        lines.append(text)
    return page, "".join(lines)


def pdf_with_text_layer(path: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.font_manager import FontProperties

    plt.rcParams["pdf.fonttype"] = 42
    cjk = FontProperties(fname=FONTS["zh"][0])
    written = []
    with PdfPages(path) as pdf:
        for page_number in range(3):
            figure = plt.figure(figsize=(8.27, 11.69))
            for row, (lang, text) in enumerate(sentences(40)[page_number::3][:12]):
                figure.text(0.08, 0.92 - row * 0.06, text, fontsize=11,
                            fontproperties=cjk if lang == "zh" else None)
                written.append(text)
            pdf.savefig(figure)
            plt.close(figure)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=64)
    args = parser.parse_args()
    rng = random.Random(11)
    pairs = sentences(args.lines)
    lai.ocr(render("warm up", "en", 0, rng))
    rows = []
    with LoadMeter([os.getpid()]) as meter:
        for level in LEVELS:
            errors = {"zh": [0, 0], "en": [0, 0]}
            started = time.perf_counter()
            for lang, text in pairs:
                image = render(text, lang, level, rng)
                found = compact(lai.ocr(image))
                errors[lang][0] += edit_distance(compact(text), found)
                errors[lang][1] += len(compact(text))
            seconds = time.perf_counter() - started
            rows.append({"level": level, "images": len(pairs),
                         "cer_zh": round(errors["zh"][0] / errors["zh"][1], 4),
                         "cer_en": round(errors["en"][0] / errors["en"][1], 4),
                         "cer": round((errors["zh"][0] + errors["en"][0])
                                      / (errors["zh"][1] + errors["en"][1]), 4),
                         "images_per_s": round(len(pairs) / seconds, 2)})
            print(rows[-1], flush=True)
        page, expected = a4_page(rng)
        buffer = io.BytesIO()
        page.save(buffer, format="PNG")
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            read = lai.ocr(buffer.getvalue())
            timings.append(time.perf_counter() - started)
        page_cer = edit_distance(compact(expected), compact(read)) / len(compact(expected))
        pdf_path = Path("/tmp/lai-ocr-bench.pdf")
        written = pdf_with_text_layer(pdf_path)
        started = time.perf_counter()
        document = lai.ocr(pdf_path)
        pdf_seconds = time.perf_counter() - started
        exact = [line.text for line in document.lines] == written
    record("ocr_synthetic", {
        "code": code_version(), "levels": rows,
        "a4_page": {"pages_per_s": round(1 / statistics.median(timings), 3),
                    "seconds": [round(t, 2) for t in timings], "cer": round(page_cer, 4),
                    "characters": len(compact(expected))},
        "pdf_text_layer": {"pages": document.pages, "lines": len(written), "exact": exact,
                           "methods": list(document.methods), "seconds": round(pdf_seconds, 3)},
        "engine": engine_name(), "threads": lai.settings.threads,
        "foreign_cores": round(meter.foreign_cores, 2)})


if __name__ == "__main__":
    main()
