"""Commands over records: ``lai ocr`` (scans and PDFs), ``lai transcribe`` (speech) and
``lai extract`` (the fields a schema names)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from lepton_ai.cli.common import app, coded_errors, console


@app.command()
@coded_errors
def ocr(
    file: Annotated[Path, typer.Argument(help="A PDF or an image (PNG, JPEG, TIFF, WebP, BMP).")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write here: .txt the text, .json the lines with pages and "
        "boxes; default: print the text.")] = None,
    pages: Annotated[str | None, typer.Option(help="Pages to read: 1,3,5-7.")] = None,
    dpi: Annotated[int, typer.Option(help="Render PDF pages without text at this.")] = 150,
    password: Annotated[str | None, typer.Option(help="An encrypted PDF's password.")] = None,
) -> None:
    """Read the text of a scan, photo or PDF (text layer where it has one, else OCR)."""
    from lepton_ai.documents import ocr as ocr_fn
    from lepton_ai.documents import parse_pages

    document = ocr_fn(file, dpi=dpi, pages=parse_pages(pages) if pages else None,
                      password=password)
    if out is None:
        typer.echo(str(document))
        return
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(document.record(), ensure_ascii=False, indent=1) + "\n",
                       encoding="utf-8")
    else:
        out.write_text(str(document) + "\n", encoding="utf-8")
    console.print(f"[green]wrote[/] {document.pages} pages, {len(document.lines)} lines to {out}")


@app.command()
@coded_errors
def extract(
    source: Annotated[Path, typer.Argument(help="A folder of records (PDF, images, .txt, "
                                           ".md; searched recursively) or one file.")],
    schema: Annotated[Path, typer.Option("--schema", "-s", help="The fields wanted (YAML); "
                                         "see docs/extraction.md.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="results.jsonl: one object per "
                                      "document.")] = Path("extracted.jsonl"),
) -> None:
    """Fields named in a schema out of each record: values, evidence, confidence."""
    from lepton_ai.progress import progress_bar
    from lepton_ai.solutions.extract import extract as extract_fn
    from lepton_ai.solutions.extract import load_schema
    from lepton_ai.solutions.extract.extractor import record_files

    chosen = load_schema(schema)
    files = record_files(source)
    written = 0
    with out.open("w", encoding="utf-8") as handle, \
            progress_bar(len(files), f"extract {source.name}") as advance:
        for first in range(0, len(files), 16):
            batch = files[first:first + 16]
            for result in extract_fn(batch, chosen):
                handle.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
                written += 1
            advance(len(batch))
    console.print(f"[green]wrote[/] {written} documents to {out}")


@app.command()
@coded_errors
def transcribe(
    file: Annotated[Path, typer.Argument(help="WAV, MP3, FLAC, OGG, Opus, M4A or WebM.")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write here: .txt the text, .json with segments, .srt or .vtt "
        "subtitles; default: print the text.")] = None,
    language: Annotated[str | None, typer.Option(
        help="ISO 639-1 code (en, zh, ...); default: detected.")] = None,
    full_window: Annotated[bool, typer.Option(
        "--full-window", help="Encode Whisper's whole 30-second window for every call, "
        "as it was trained (slower on short clips); default: a window fitted to the audio."
    )] = False,
) -> None:
    """Speech to text with timestamps (Whisper base, offline)."""
    from lepton_ai.speech import transcribe as transcribe_fn

    transcript = transcribe_fn(file, language=language, fit_window=not full_window)
    if out is None:
        typer.echo(transcript.text)
        return
    suffix = out.suffix.lower()
    if suffix == ".json":
        written = json.dumps(asdict(transcript), ensure_ascii=False, indent=1) + "\n"
    elif suffix in (".srt", ".vtt"):
        written = transcript.subtitles(suffix[1:])
    else:
        written = transcript.text + "\n"
    out.write_text(written, encoding="utf-8")
    console.print(f"[green]wrote[/] {transcript.duration:.1f} s of {transcript.language} "
                  f"speech to {out}")
