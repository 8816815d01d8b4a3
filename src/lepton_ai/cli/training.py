"""``lai train``, ``lai eval``, ``lai predict``, ``lai compare``, ``lai adapt``, ``lai export``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from lepton_ai.artifacts.staging import CHECKPOINTS, staging_folder
from lepton_ai.cli.common import app, coded_errors, console, errors
from lepton_ai.errors import E, LeptonError, W, warn
from lepton_ai.training.method_catalog import method_help


@app.command()
@coded_errors
def train(
    data: Annotated[Path, typer.Argument(help="Labelled CSV/TSV/JSONL/JSON/Parquet, or CoNLL.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Model directory to write.")],
    text: Annotated[str, typer.Option("--text", help="Column with the text.")] = "text",
    label: Annotated[str, typer.Option("--label", help="Column with the label(s).")] = "label",
    label_sep: Annotated[
        str | None, typer.Option("--label-sep", help="Split labels on this (multi-label).")
    ] = None,
    eval_file: Annotated[
        Path | None, typer.Option("--eval", help="Held-out file (default: a 10% split).")
    ] = None,
    task: Annotated[str, typer.Option(
        "--task", help="classify | ner | pair (two texts + a 0/1 label or a score: "
        "trains an encoder for matching)")] = "classify",
    method: Annotated[
        str, typer.Option("--method", help=method_help() + " (docs/training.md)")
    ] = "auto",
    base: Annotated[
        str | None, typer.Option("--base", help="Base encoder: name or folder.")
    ] = None,
    from_model: Annotated[
        Path | None, typer.Option("--from", help="Update this trained model (continual).")
    ] = None,
    label_descriptions: Annotated[
        Path | None, typer.Option(
            "--label-descriptions", help="JSON object label → short description (or a table "
            "with label and description columns); each is one more example of its label: "
            "worth most with few examples.")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Passes over the data.")] = None,
    lr: Annotated[float | None, typer.Option(help="Learning rate.")] = None,
    batch_size: Annotated[int, typer.Option(help="Examples per step.")] = 32,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 42,
    checkpoint_every: Annotated[int, typer.Option(help="Steps between checkpoints.")] = 200,
    resume: Annotated[bool, typer.Option(help="Continue from the last checkpoint.")] = False,
    search: Annotated[
        str | None, typer.Option("--search", help="Grid, e.g. 'lr=1e-5,3e-5 epochs=3,5'.")
    ] = None,
    keep_data: Annotated[
        bool, typer.Option(help="Keep eval split + rehearsal sample in the directory.")
    ] = True,
    ngrams: Annotated[
        bool | None,
        typer.Option(help="Head also weighs word / Chinese-character n-grams "
                     "(default: on with 20+ examples per label)."),
    ] = None,
    out_of_scope: Annotated[
        bool, typer.Option("--out-of-scope", help="Let the classifier answer out_of_scope: "
                           "a rejection threshold calibrated on the validation split (and "
                           "learnt from examples labelled out_of_scope, if the data has them).")
    ] = False,
    settings_: Annotated[
        list[str] | None,
        typer.Option("--set", metavar="NAME=VALUE",
                     help="Any other training option, e.g. --set patience=3 --set lora_r=16 "
                     "(names: docs/training.md)."),
    ] = None,
) -> None:
    """Train a classifier (or, with --task ner, a tagger) and save an evaluated model."""
    from lepton_ai.training.option_parsing import parse_options

    options: dict[str, Any] = {
        "method": method, "batch_size": batch_size, "seed": seed,
        "checkpoint_every": checkpoint_every,
    }
    options.update(
        {k: v for k, v in {"epochs": epochs, "lr": lr, "ngrams": ngrams}.items() if v is not None}
    )
    if out_of_scope:
        options["out_of_scope"] = True
    options.update(parse_options(settings_ or []))
    from lepton_ai.training.option_parsing import parse_search
    from lepton_ai.training.pipeline import train as train_model

    # A tagger refuses those of these the user changed (LAI-E519).
    classifier_only = {"text": text, "label": label, "label_sep": label_sep,
                       "from_model": from_model, "search": parse_search(search) if search else None,
                       "keep_data": keep_data, "label_descriptions": label_descriptions}
    try:
        model = train_model(data, task=task, eval_data=eval_file, base=base, out=out,
                            resume=resume, **classifier_only, **options)
        if task == "pair":
            console.print(f"[green]saved[/] {out}: Spearman on {model.eval_pairs} held-out "
                          f"pairs {model.spearman_before:.2f} → {model.spearman_after:.2f} "
                          "(an encoder folder: lai embed --model, lai assistant build --model)")
            return
        if model.task == "ner":
            console.print(f"[green]saved[/] {out}: entity F1 {model.metrics['f1']:.4f}")
            return
    except KeyboardInterrupt:
        where = staging_folder(out) / CHECKPOINTS
        errors.print(f"interrupted: checkpoint saved in {where}; continue with --resume "
                     f"(until then {out} keeps what it held)")
        raise typer.Exit(130) from None
    metrics = model.metrics
    console.print(
        f"[green]saved[/] {out}: accuracy {metrics['accuracy']:.4f}, "
        f"macro F1 {metrics['macro']['f1']:.4f} (report: {out / 'report.md'})"
    )
    if "out_of_scope" in metrics:
        _print_out_of_scope(metrics["out_of_scope"])
    if "forgetting" in metrics:
        f = metrics["forgetting"]
        console.print(
            f"old evaluation set: {f['accuracy_before']:.4f} before → "
            f"{f['accuracy_after']:.4f} after"
        )


@app.command("eval")
@coded_errors
def evaluate(
    model_dir: Annotated[Path, typer.Argument(help="A trained model directory.")],
    data: Annotated[Path, typer.Argument(help="Labelled test file.")],
    text: Annotated[str, typer.Option("--text")] = "text",
    label: Annotated[str, typer.Option("--label")] = "label",
    label_sep: Annotated[str | None, typer.Option("--label-sep")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Report folder (default: "
                                  "./eval-MODEL-DATA; the model folder is never written).")
    ] = None,
) -> None:
    """Evaluate a model on a labelled file; writes report.json/.md and a confusion matrix."""
    from lepton_ai.tasks.loading import load

    model = load(model_dir)
    # Not inside the model folder: it may be read-only, shipped or served, and a
    # report there would change what lai serve and the admin journal see.
    target = out or Path.cwd() / f"eval-{model_dir.resolve().name}-{data.stem}"
    if model.task == "ner":
        report = model.evaluate(data, out=target)
        console.print(f"entity F1 {report['f1']:.4f} (precision {report['precision']:.4f}, "
                      f"recall {report['recall']:.4f}); report in {target}")
        return
    report = model.evaluate(data, text=text, label=label, label_sep=label_sep, out=target)
    calibration = f", ECE {report['ece']:.4f}" if "ece" in report else ""  # single-label
    console.print(
        f"accuracy {report['accuracy']:.4f}, macro F1 {report['macro']['f1']:.4f}, "
        f"weighted F1 {report['weighted']['f1']:.4f}{calibration}; report in {target}"
    )
    if "out_of_scope" in report:
        _print_out_of_scope(report["out_of_scope"])


def _print_out_of_scope(oos: dict[str, Any]) -> None:
    console.print(
        f"out of scope below {oos['threshold']:.3f}: in-scope accuracy "
        f"{oos['in_scope_accuracy']:.4f} ({oos['in_scope_rejected']:.1%} rejected)"
        + (f", out-of-scope recall {oos['out_of_scope_recall']:.4f}"
           if oos["out_of_scope_examples"] else ""))


@app.command()
@coded_errors
def predict(
    model_dir: Annotated[Path, typer.Argument(help="A trained model directory.")],
    texts: Annotated[list[str] | None, typer.Argument(
        help="Texts (or use --file); - reads lines from stdin.")] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", "-f", help="Table of texts; - reads stdin (JSON lines or lines of text).")
    ] = None,
    column: Annotated[str | None, typer.Option(
        "--column", "-c", help="Column (or JSON field) holding the text.")] = None,
) -> None:
    """Predict with a trained model; prints one JSON line per text.

    Classifiers add "score": the probability of the predicted label (multi-label: of
    each predicted label).
    """
    from lepton_ai.data.tables import read_rows, text_column, texts_of
    from lepton_ai.tasks.loading import load
    from lepton_ai.tasks.run_file import STDIN, stdin_texts

    items = [text for text in texts or [] if text != STDIN]
    if file is not None and str(file) != STDIN:
        items += texts_of(read_rows(file), text_column(file, column), file)
    if STDIN in (texts or []) or str(file) == STDIN:
        items += stdin_texts(column)
    if not items:
        raise LeptonError(E.E311, model=model_dir)
    model = load(model_dir)
    if not hasattr(model, "predict_proba"):  # taggers: entities per text
        for text_item, result in zip(items, model.predict(items), strict=True):
            print(json.dumps({"text": text_item, "prediction": result}, ensure_ascii=False))
        return
    from lepton_ai.tasks.classify import classification_of

    for text_item, row in zip(items, model.predict_proba(items), strict=True):
        found = classification_of(row, model.labels, model.multi_label)
        record: dict[str, Any] = {"text": text_item}
        if model.multi_label:
            record["prediction"] = found.labels
            record["score"] = [found.scores[name] for name in found.labels]
        else:
            record["prediction"], record["score"] = found.label, found.score
        print(json.dumps(record, ensure_ascii=False))


@app.command()
@coded_errors
def compare(
    model_dirs: Annotated[list[Path], typer.Argument(help="Model directories to compare.")],
) -> None:
    """Put trained models side by side: method, metrics, training time, size."""
    from lepton_ai.evaluation.reports import compare_reports

    rows = compare_reports(model_dirs)
    console.print(comparison_table(rows, console.width))


COMPARED = ("model", "task", "method", "base", "accuracy", "macro F1 / F1", "evaluated on",
            "train s", "trainable params", "size MB")
#: Below this terminal width the table turns: one column per model, one row per figure.
WIDE_ENOUGH = 120


def comparison_table(rows: list[dict[str, Any]], width: int) -> Table:
    """The ``lai compare`` table: models as rows on wide terminals, as columns on narrow
    ones (at 80 columns ten side-by-side fields cut every name to a few letters)."""
    values = []
    for row in rows:
        score = row["macro_f1"] if row["macro_f1"] is not None else row["f1"]
        values.append([
            row["model"], row["task"], row["method"], row["base"], _fmt(row["accuracy"]),
            _fmt(score), row["evaluated_on"], str(row["train_seconds"]),
            f"{row['trainable_parameters']:,}" if row["trainable_parameters"] else "",
            str(row["size_mb"]),
        ])
    table = Table(
        title="Trained models",
        caption="Figures recorded at training time on each model's own evaluation data; "
        "`lai eval DIR test.csv` scores every model on one test set.",
    )
    if width >= WIDE_ENOUGH:
        for column in COMPARED:
            table.add_column(column)
        for row_values in values:
            table.add_row(*row_values)
        return table
    table.add_column("", style="bold")
    for row_values in values:
        table.add_column(row_values[0], overflow="fold")
    for index, name in enumerate(COMPARED[1:], start=1):
        table.add_row(name, *(row_values[index] for row_values in values))
    return table


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


@app.command()
@coded_errors
def adapt(
    corpus: Annotated[Path, typer.Argument(help="Unlabelled domain text (TXT/CSV/JSONL...).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the adapted encoder.")],
    base: Annotated[str | None, typer.Option("--base")] = None,
    column: Annotated[str | None, typer.Option("--column", "-c")] = None,
    epochs: Annotated[int, typer.Option()] = 1,
    lr: Annotated[float, typer.Option()] = 5e-5,
    batch_size: Annotated[int, typer.Option()] = 32,
    seed: Annotated[int, typer.Option()] = 42,
    resume: Annotated[bool, typer.Option()] = False,
) -> None:
    """Domain adaptation: continue masked-language-model pre-training on your text."""
    from lepton_ai.training.adapt import adapt_encoder

    try:
        result = adapt_encoder(
            corpus, out, base=base, column=column, epochs=epochs, lr=lr,
            batch_size=batch_size, seed=seed, resume=resume,
        )
    except KeyboardInterrupt:
        warn(W.W204, path=staging_folder(out) / CHECKPOINTS)
        raise typer.Exit(130) from None
    console.print(
        f"[green]saved[/] adapted encoder to {out} (masked-LM loss {result['loss_before']:.3f} "
        f"→ {result['loss_after']:.3f} on held-out text); use it with --base {out}"
    )


@app.command("export")
@coded_errors
def export_command(
    model: Annotated[Path, typer.Argument(help="A model folder from lai train.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="A new or empty folder.")],
    format: Annotated[str, typer.Option(
        "--format", help="onnx: a bundle that runs with onnxruntime, tokenizers and numpy "
        "only (predict.py); hf: a Hugging Face folder for transformers (classifiers and "
        "taggers).")] = "onnx",
    precision: Annotated[str, typer.Option(help="fp32 (exact) or int8 (smaller, faster "
                                           "on CPUs with VNNI).")] = "fp32",
) -> None:
    """Write a trained model as a standalone bundle (no torch, no lepton-ai) or a
    Hugging Face folder."""
    from lepton_ai.training.export import export

    written = export(model, out, format=format, precision=precision)
    size = sum(f.stat().st_size for f in written.iterdir()) / 1e6
    use = (f"python {written / 'predict.py'} < texts.txt" if format == "onnx"
           else f"transformers loads it: see {written / 'README.md'}")
    console.print(f"[green]wrote[/] {written} ({size:.1f} MB): {use}")
