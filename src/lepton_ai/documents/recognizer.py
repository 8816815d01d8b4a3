"""OCR of one image: RapidOCR's PP-OCRv6 models (Apache-2.0, in its wheel) on ONNX Runtime.

The detection model finds text lines, an angle classifier turns upside-down lines,
and the recognition model reads each line (Chinese and English with one model).
Lines come back in reading order: top to bottom, and left to right within a row.

The same ONNX files run on OpenVINO when it is installed (the ``documents`` extra
installs it): on this project's Xeon it read an A4 page 3.2× faster than ONNX
Runtime with the same text (docs/benchmarks.md). ``LEPTON_OCR_ENGINE=onnxruntime``
or ``openvino`` forces one.
"""

from __future__ import annotations

import importlib.util
import os
from typing import Any

from lepton_ai.dependencies import require
from lepton_ai.documents.document import Box
from lepton_ai.model_memory import LOADED
from lepton_ai.settings import settings

REQUIREMENT = "rapidocr==3.10.0"
#: Images are shrunk for line detection only when their long side is above this
#: (pixels); lines are then read from the full-size image. An A4 page at 150 dpi
#: (1,754 px) read as well at 1,280 as at full size, and 1.6× faster (benchmarks).
DETECTION_MAX_SIDE = 1280


def engine_name() -> str:
    """The runtime OCR runs on: ``$LEPTON_OCR_ENGINE``, else OpenVINO where installed."""
    chosen = os.environ.get("LEPTON_OCR_ENGINE", "auto")
    if chosen in ("onnxruntime", "openvino"):
        return chosen
    return "openvino" if importlib.util.find_spec("openvino") is not None else "onnxruntime"


def _engine() -> Any:
    require("rapidocr", "OCR of images and scanned PDFs", REQUIREMENT)
    runtime = engine_name()

    def build() -> Any:
        from rapidocr import EngineType, RapidOCR

        kind = EngineType(runtime)
        return RapidOCR(params={
            "Global.log_level": "error",
            "Det.limit_type": "max", "Det.limit_side_len": DETECTION_MAX_SIDE,
            "Det.engine_type": kind, "Cls.engine_type": kind, "Rec.engine_type": kind,
            "EngineConfig.onnxruntime.intra_op_num_threads": settings.threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "EngineConfig.openvino.inference_num_threads": settings.threads,
        })

    return LOADED.load(("ocr", "rapidocr-ppocrv6", runtime), build, size_mb=60)


def read_lines(image: Any, min_score: float = 0.5) -> list[tuple[str, Box, float]]:
    """The text lines of a PIL image, in reading order: (text, box, confidence).

    A page scanned sideways (most line boxes taller than wide) is read again turned a
    quarter each way, without the angle classifier (so the upside-down one of the two
    reads badly), and the reading with the most confidently read characters is kept;
    its boxes are mapped back onto the image as given. An upside-down page is read
    line by line correctly, but its lines come out last to first.
    """
    image = image.convert("RGB")
    found = _recognized(image, min_score)
    if not _sideways(found):
        return reading_order(found)
    width, height = image.size
    readings = []  # not the first reading: each upright line reads well, in a wrong order
    for angle in (90, 270):
        turned = _recognized(image.rotate(angle, expand=True), min_score, turn_lines=False)
        # Reading order is decided upright; only then are the boxes turned back.
        readings.append([(text, _unturned(box, angle, width, height), score)
                         for text, box, score in reading_order(turned)])
    return max(readings, key=lambda lines: sum(score * len(text) for text, _, score in lines))


def _recognized(image: Any, min_score: float,
                turn_lines: bool = True) -> list[tuple[str, Box, float]]:
    import numpy as np

    result = _engine()(np.asarray(image), text_score=min_score, use_cls=turn_lines)
    if result.boxes is None or result.txts is None:
        return []
    found = []
    for points, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
        xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
        if text.strip():
            found.append((text, (min(xs), min(ys), max(xs), max(ys)), round(float(score), 4)))
    return found


def _sideways(lines: list[tuple[str, Box, float]]) -> bool:
    """Most lines of more than two characters stand upright: the page lies on its side."""
    long = [box for text, box, _ in lines if len(text) > 2]
    tall = [box for box in long if box[3] - box[1] > 1.5 * (box[2] - box[0])]
    return bool(long) and len(tall) * 2 > len(long)


def _unturned(box: Box, angle: int, width: int, height: int) -> Box:
    """A box found on the image turned by ``angle`` (90: counter-clockwise, 270:
    clockwise; PIL's sense), as a box on the image as given (``width`` × ``height``)."""
    left, top, right, bottom = box
    if angle == 90:  # turned (x', y') was (width - y', x')
        return (width - bottom, left, width - top, right)
    return (top, height - right, bottom, height - left)  # 270: was (y', height - x')


def reading_order(lines: list[tuple[str, Box, float]]) -> list[tuple[str, Box, float]]:
    """Rows top to bottom (a line joins a row when its vertical middle lies within the
    row's first line), each row left to right."""
    rows: list[list[tuple[str, Box, float]]] = []
    for line in sorted(lines, key=lambda item: (item[1][1], item[1][0])):
        middle = (line[1][1] + line[1][3]) / 2
        if rows and rows[-1][0][1][1] <= middle <= rows[-1][0][1][3]:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item[1][0])]
