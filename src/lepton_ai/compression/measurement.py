"""The before/after table of a compression: every row measured the same way.

A row is one model at one precision: parameters and size on disk (read from the
files, nothing loaded), and what :mod:`lepton_ai.compression.probe` measures in a fresh
process (accuracy, macro F1, texts/s at batch 1 and 32, p50 latency, peak RSS).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.head_weights import HEAD_FILE, NGRAM_FILE
from lepton_ai.artifacts.manifest import MANIFEST, Manifest
from lepton_ai.artifacts.tagger_weights import TAGGER_FILE
from lepton_ai.settings import settings
from lepton_ai.tasks.trained import encoder_source

#: Columns of the table, in order, with their headings (quality columns come last).
COLUMNS = (
    ("model", "model"), ("precision", "precision"), ("parameters", "parameters"),
    ("size_mb", "size MB"), ("peak_rss_mb", "peak RSS MB"),
    ("texts_per_s_batch1", "texts/s @1"), ("texts_per_s_batch32", "texts/s @32"),
    ("p50_ms", "p50 ms"), ("accuracy", "accuracy"), ("macro_f1", "macro F1"),
    ("entity_f1", "entity F1"), ("spearman", "STS Spearman"),
)


@dataclass
class Row:
    """One model at one precision, measured. A classifier has accuracy and macro F1, a
    tagger entity F1, an encoder the Spearman correlation of its similarities with the
    gold scores (all × 100)."""

    model: str
    precision: str
    parameters: int
    size_mb: float
    peak_rss_mb: float
    texts_per_s_batch1: float
    texts_per_s_batch32: float
    p50_ms: float
    backend: str
    load_s: float
    accuracy: float | None = None
    macro_f1: float | None = None
    entity_f1: float | None = None
    spearman: float | None = None

    @property
    def quality(self) -> float:
        """The score the gate compares (× 100)."""
        found = [v for v in (self.accuracy, self.entity_f1, self.spearman) if v is not None]
        assert found, "a measured row has a quality score"
        return found[0]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def columns(rows: list[Row]) -> list[tuple[str, str]]:
    """The table's columns for these rows (quality columns they have)."""
    return [(key, title) for key, title in COLUMNS
            if any(getattr(row, key) is not None for row in rows)]


def measure_row(name: str, folder: Path, evaluation: Path, precision: str,
                kind: str = "classifier") -> Row:
    """Measure ``folder`` at ``precision`` ("own": the one it records) on ``evaluation``
    (labelled texts for a classifier, tagged sentences for a tagger, scored pairs for an
    encoder)."""
    env = {**os.environ, "LEPTON_CACHE_DIR": str(settings.cache_dir),
           "LEPTON_THREADS": str(settings.threads), "LEPTON_PROGRESS": "0"}
    done = subprocess.run(
        [sys.executable, "-m", "lepton_ai.compression.probe", str(folder), str(evaluation),
         "--precision", precision, "--kind", kind],
        capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"measuring {folder} failed:\n{done.stderr[-2000:]}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    if kind == "encoder":
        return Row(model=name, precision=precision if precision != "own" else found["backend"],
                   parameters=encoder_parameters(folder), size_mb=round(encoder_mb(folder), 1),
                   **found)
    return Row(model=name, precision=precision if precision != "own" else found["backend"],
               parameters=parameter_count(folder), size_mb=round(size_mb(folder), 1), **found)


def model_files(folder: Path) -> list[Path]:
    """The files a model needs to run: manifest, head, n-grams, its encoder folder, and
    the base encoder it names (reports, charts and kept data are left out)."""
    manifest = Manifest.read(folder)
    files = [folder / name for name in (MANIFEST, HEAD_FILE, NGRAM_FILE, TAGGER_FILE)
             if (folder / name).is_file()]
    for name in ("encoder", "static", "adapter"):
        files += [f for f in (folder / name).rglob("*") if f.is_file()]
    if manifest.encoder in ("base", "adapter"):
        from lepton_ai.models.folder import inspect_folder
        from lepton_ai.models.registry import resolve

        info = inspect_folder(resolve(manifest.base_model).path())
        files += [f for f in (info.weights_file, info.tokenizer_file) if f is not None]
    return files


def size_mb(folder: Path) -> float:
    """Megabytes on disk of what the model needs (see :func:`model_files`)."""
    return sum(f.stat().st_size for f in model_files(folder)) / 1e6


def parameter_count(folder: Path) -> int:
    """Numbers in a classifier's weights (encoder, head, static vectors), from headers."""
    encoder = encoder_folder_of(encoder_source(folder, Manifest.read(folder)))
    heads = [folder / name for name in (HEAD_FILE, TAGGER_FILE) if (folder / name).is_file()]
    return _numbers([*heads, *sorted(encoder.glob("*.safetensors"))]) + _onnx_numbers(encoder)


def encoder_folder_of(name: str | Path) -> Path:
    """The folder of a registered encoder name or an encoder folder."""
    from lepton_ai.models.registry import resolve

    return Path(resolve(name).path())


def encoder_parameters(name: str | Path) -> int:
    """Numbers in an encoder's weights."""
    folder = encoder_folder_of(name)
    return _numbers(sorted(folder.glob("*.safetensors"))) + _onnx_numbers(folder)


def encoder_mb(name: str | Path) -> float:
    """Megabytes of an encoder's weights and tokenizer."""
    folder = encoder_folder_of(name)
    files = [*folder.glob("*.safetensors"), folder / "model.onnx", folder / "tokenizer.json"]
    return sum(f.stat().st_size for f in files if f.is_file()) / 1e6


def _numbers(files: list[Path]) -> int:
    from safetensors import safe_open

    total = 0
    for file in files:
        with safe_open(str(file), framework="numpy") as handle:
            for key in handle.keys():  # noqa: SIM118 (safe_open has no __iter__)
                count = 1
                for size in handle.get_slice(key).get_shape():
                    count *= int(size)
                total += count
    return total


def _onnx_numbers(encoder: Path) -> int:
    """Numbers in the weights of an ONNX-only encoder (``lai compress --quantize int8``
    alone): its initializers, int8 or float, counted the same; 0 when it has float
    weights (those are counted instead)."""
    onnx_file = encoder / "model.onnx"
    if any(encoder.glob("*.safetensors")) or not onnx_file.is_file():
        return 0
    import onnx

    graph = onnx.load(str(onnx_file), load_external_data=False).graph
    total = 0
    for tensor in graph.initializer:
        if tensor.name.endswith(("_scale", "_zero_point")):  # the quantizer's, not weights
            continue
        count = 1
        for size in tensor.dims:
            count *= int(size)
        total += count
    return total


def markdown_table(rows: list[Row]) -> str:
    """The table as Markdown (model card, docs)."""
    shown = columns(rows)
    lines = ["| " + " | ".join(title for _, title in shown) + " |", "|" + "---|" * len(shown)]
    for row in rows:
        lines.append("| " + " | ".join(cell(row, key) for key, _ in shown) + " |")
    return "\n".join(lines)


def cell(row: Row, key: str) -> str:
    """One value of the table as text."""
    value = getattr(row, key)
    return f"{value:,}" if key == "parameters" else str(value)


def draw_chart(rows: list[Row], file: Path) -> None:
    """Four panels (accuracy, texts/s at batch 32, p50 latency, size) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [f"{row.model}\n{row.precision}" for row in rows]
    quality = next((key, title) for key, title in (
        ("accuracy", "accuracy (%)"), ("entity_f1", "entity F1 × 100"),
        ("spearman", "STS Spearman × 100")) if getattr(rows[0], key) is not None)
    panels = (quality, ("texts_per_s_batch32", "texts/s, batch 32"),
              ("p50_ms", "p50 latency, 1 text (ms)"), ("size_mb", "size on disk (MB)"))
    figure, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3.6))
    colours = ["#7f7f7f" if row.model == "teacher" else "#1f77b4" for row in rows]
    for axis, (key, title) in zip(axes, panels, strict=True):
        values = [getattr(row, key) for row in rows]
        axis.bar(range(len(rows)), values, color=colours)
        axis.set_xticks(range(len(rows)), names, fontsize=7)
        axis.set_title(title, fontsize=9)
        for x, value in enumerate(values):
            axis.annotate(f"{value:g}", (x, value), ha="center", va="bottom", fontsize=7)
        if key == quality[0]:
            low = min(values)
            axis.set_ylim(max(0.0, low - 5), min(100.0, max(values) + 2))
    figure.tight_layout()
    figure.savefig(file, dpi=110)
    plt.close(figure)
