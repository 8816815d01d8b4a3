"""``lai compress``: a smaller, faster copy of a trained classifier, with its cost measured."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from lepton_ai.artifacts.staging import CHECKPOINTS, staging_folder
from lepton_ai.cli.common import app, coded_errors, console
from lepton_ai.errors import W, warn


@app.command("compress")
@coded_errors
def compress_command(
    model: Annotated[Path, typer.Argument(help="A classifier folder from lai train.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The folder to write.")],
    distil: Annotated[bool, typer.Option(
        "--distil", help="Distil a student with --layers of the teacher's layers.")] = False,
    layers: Annotated[int | None, typer.Option(
        "--layers", help="Layers the distilled student keeps (e.g. 3 of 6).")] = None,
    prune_heads: Annotated[float | None, typer.Option(
        "--prune-heads", help="Share of attention heads to remove, least important "
        "first (0-1).")] = None,
    prune_layers: Annotated[int | None, typer.Option(
        "--prune-layers", help="Layers to remove, least important first.")] = None,
    static: Annotated[bool, typer.Option(
        "--static", help="A static-embedding student (model2vec) trained on the "
        "teacher: the cheapest machines.")] = False,
    quantize: Annotated[str, typer.Option(
        "--quantize", help="int8, fp32, or auto: the faster one here that keeps "
        "accuracy. int8 alone: the same model stored as int8 ONNX.")] = "auto",
    data: Annotated[Path | None, typer.Option(
        "--data", help="The labelled training file (default: the one the model "
        "records).")] = None,
    eval_file: Annotated[Path | None, typer.Option(
        "--eval", help="Labelled data to measure on (default: the model's held-out "
        "split).")] = None,
    unlabelled: Annotated[Path | None, typer.Option(
        "--unlabelled", help="More in-domain texts (one per line, or a table's text "
        "column) the teacher labels.")] = None,
    text: Annotated[str | None, typer.Option(
        "--text", help="Column with the text (default: the model's, else text).")] = None,
    label: Annotated[str | None, typer.Option(
        "--label", help="Column with the label (default: the model's, else label).")] = None,
    max_drop: Annotated[float, typer.Option(
        "--max-drop", help="Most accuracy points the result may lose.")] = 1.0,
    force: Annotated[bool, typer.Option(
        "--force", help="Write a result that loses more (recorded in its card).")] = False,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue an interrupted run from its last checkpoint.")] = False,
    epochs: Annotated[int | None, typer.Option(
        "--epochs", help="Training passes (default 4 distilling, 2 pruning).")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size")] = None,
    lr: Annotated[float | None, typer.Option("--lr", help="Encoder learning rate.")] = None,
    seed: Annotated[int | None, typer.Option("--seed")] = None,
) -> None:
    """Distil, prune or quantize a trained classifier; print and save a before/after table."""
    from lepton_ai.compression.compressor import compress
    from lepton_ai.compression.measurement import cell, columns

    settings = {k: v for k, v in {"epochs": epochs, "batch_size": batch_size, "lr": lr,
                                  "seed": seed}.items() if v is not None}
    try:
        result = compress(
            model, out, distil=distil, layers=layers, prune_heads=prune_heads,
            prune_layers=prune_layers, static=static, quantize=quantize, data=data,
            eval_data=eval_file, unlabelled=unlabelled, text=text, label=label,
            max_drop=max_drop, force=force, resume=resume, **settings)
    except KeyboardInterrupt:
        warn(W.W204, path=staging_folder(out) / CHECKPOINTS)
        raise typer.Exit(130) from None
    from rich.table import Table

    table = Table(title=f"{model} → {out}")
    shown = columns(result.rows)
    for _, title in shown:
        table.add_column(title)
    for row in result.rows:
        table.add_row(*[cell(row, key) for key, _ in shown],
                      style="bold green" if row is result.chosen else None)
    console.print(table)
    console.print(f"[green]saved[/] {out} ({result.chosen.precision}; accuracy drop "
                  f"{result.drop} points, limit {max_drop}); report in "
                  f"{out / 'compress-report.json'} and {out / 'compress-report.png'}")
