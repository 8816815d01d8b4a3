"""``lai recommend``: build a recommender from items (and interactions), ask it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from lepton_ai.cli.common import app, coded_errors, console

recommend_app = typer.Typer(
    help="Recommendation from text: items for a user, a history or a description.",
    no_args_is_help=True)
app.add_typer(recommend_app, name="recommend")

RecDir = Annotated[Path, typer.Argument(help="The recommender folder.")]


@recommend_app.command("build")
@coded_errors
def build(
    folder: RecDir,
    items: Annotated[Path, typer.Option("--items", help="Item table (CSV, JSONL, Parquet).")],
    text_columns: Annotated[str, typer.Option(
        "--text-columns", help="Comma-separated text columns, joined in this order.")],
    id_column: Annotated[str, typer.Option("--id-column")] = "id",
    attribute_columns: Annotated[str, typer.Option(
        "--attribute-columns", help="Comma-separated columns to filter on (category, "
        "available...).")] = "",
    interactions: Annotated[Path | None, typer.Option(
        "--interactions", help="What users did: user, item and time columns.")] = None,
    user: Annotated[str, typer.Option("--user", help="The interactions' user column.")
                    ] = "user",
    item: Annotated[str, typer.Option("--item", help="The interactions' item column.")
                    ] = "item",
    time_column: Annotated[str | None, typer.Option(
        "--time", help="The interactions' time column (sorts each history).")] = "time",
    model: Annotated[str | None, typer.Option("--model", "-m", help="Embedding model.")
                     ] = None,
) -> None:
    """Embed the items and learn what the interactions allow; save it in FOLDER."""
    from lepton_ai.solutions.recommend import build_recommender

    report = build_recommender(folder, items, _names(text_columns), id_column=id_column,
                               attribute_columns=_names(attribute_columns),
                               interactions=interactions,
                               user_column=user, item_column=item, time_column=time_column,
                               model=model)
    console.print(f"[green]built[/] {report.path}: {report.items:,} items, {report.users:,} "
                  f"users, {report.events:,} events, model {report.model}, "
                  f"{report.seconds:.1f}s")


def _names(columns: str) -> list[str]:
    return [c.strip() for c in columns.split(",") if c.strip()]


def _filters(pairs: list[str] | None) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs or []:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise typer.BadParameter(f"{pair!r}: write a filter as NAME=VALUE, e.g. "
                                     "--filter category=pipettes --filter available=true")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


@recommend_app.command("update")
@coded_errors
def update(
    folder: RecDir,
    items: Annotated[Path | None, typer.Option(
        "--items", help="The whole new item table (same columns as the build): new and "
        "changed texts are embedded, missing items leave.")] = None,
    feedback_url: Annotated[str | None, typer.Option(
        "--feedback-url", help="The feedback database, when not FOLDER/feedback.db.")] = None,
) -> None:
    """Fold recorded feedback into the histories and learn co-occurrence, popularity
    and words again; with --items, embed only what is new or changed."""
    from lepton_ai.solutions.recommend import FeedbackLog, update_recommender

    feedback = FeedbackLog(feedback_url, folder.resolve().name) if feedback_url else None
    report = update_recommender(folder, items, feedback=feedback)
    console.print(f"[green]updated[/] {report.path}: {report.items:,} items "
                  f"({report.embedded:,} embedded), {report.users:,} users, "
                  f"{report.events:,} events ({report.folded:,} recorded since the last "
                  f"update), {report.seconds:.1f}s")


@recommend_app.command("record")
@coded_errors
def record(
    folder: RecDir,
    user: Annotated[str, typer.Option("--user")],
    item: Annotated[str, typer.Option("--item")],
    event: Annotated[str, typer.Option(
        "--event", help="view, click, cart, purchase, like; or dislike, hide.")] = "view",
    feedback_url: Annotated[str | None, typer.Option("--feedback-url")] = None,
) -> None:
    """Record what a user did; their next recommendations count it."""
    from lepton_ai.solutions.recommend import Recommender

    number = Recommender(folder, feedback_url=feedback_url).record(user, item, event)
    console.print(f"[green]recorded[/] event {number}: {user} {event} {item}")


@recommend_app.command("eval")
@coded_errors
def evaluate_command(
    folder: RecDir,
    split: Annotated[Path, typer.Option(
        "--split", help="Held-out items: user and item columns, optionally history.")],
    k: Annotated[int, typer.Option("-k", min=1, max=100)] = 10,
    user: Annotated[str, typer.Option("--user", help="The split's user column.")] = "user",
    item: Annotated[str, typer.Option("--item", help="The split's item column.")] = "item",
    history: Annotated[str, typer.Option(
        "--history", help="The split's history column (when absent, stored histories).")
                       ] = "history",
    diversity: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.0,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Report folder (eval.json, eval.png).")] = None,
) -> None:
    """hit@k, nDCG@k, coverage, popularity bias and intra-list similarity on a split,
    ranking the whole catalogue with each user's history excluded."""
    from rich.progress import Progress

    from lepton_ai.solutions.recommend import Recommender, evaluate, read_split
    from lepton_ai.solutions.recommend.evaluation import write_report

    rows = read_split(split, user=user, item=item, history=history)
    recommender = Recommender(folder)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("ranking", total=len(rows))
        report = evaluate(recommender, rows, k, diversity=diversity,
                          on_row=lambda: progress.advance(task))
    table = Table("measure", "value")
    table.add_row("rows", f"{report.rows:,}")
    table.add_row(f"hit@{k}", f"{report.hit:.4f}")
    table.add_row(f"nDCG@{k}", f"{report.ndcg:.4f}")
    table.add_row("coverage", f"{report.coverage:.4f}")
    table.add_row("popularity bias", "n/a" if report.popularity_bias is None
                  else f"{report.popularity_bias:.4f}")
    table.add_row("intra-list similarity", f"{report.intra_list_similarity:.4f}")
    table.add_row("ms per user", f"{report.ms_per_user:.2f}")
    for reason, count in report.skipped.items():
        table.add_row(f"skipped: {reason}", f"{count:,}")
    console.print(table)
    if out is not None:
        for path in write_report(report, out, title=folder.name):
            console.print(f"wrote {path}")


@recommend_app.command("for")
@coded_errors
def recommend_for(
    folder: RecDir,
    user: Annotated[str | None, typer.Option("--user", help="A user with a history.")] = None,
    history: Annotated[str | None, typer.Option(
        "--history", help="Comma-separated item ids, oldest first.")] = None,
    text: Annotated[str | None, typer.Option(
        "--text", help="What the user is looking for, in words.")] = None,
    k: Annotated[int, typer.Option("-k", min=1, max=1000)] = 10,
    diversity: Annotated[float, typer.Option(min=0.0, max=1.0)] = 0.0,
    filters: Annotated[list[str] | None, typer.Option(
        "--filter", help="NAME=VALUE; repeat for more (the same NAME: any of them).")
                       ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
) -> None:
    """The K best items for a user, a history or a description, with reasons."""
    from lepton_ai.solutions.recommend import Recommender

    picks = Recommender(folder).recommend(
        user, history=[h.strip() for h in history.split(",")] if history else None,
        text=text, k=k, diversity=diversity, filters=_filters(filters))
    if as_json:
        for pick in picks:
            typer.echo(json.dumps(pick.as_json(), ensure_ascii=False))
        return
    table = Table("item", "score", "why", "text")
    for pick in picks:
        table.add_row(pick.item, f"{pick.score:.2f}", pick.reason, pick.text[:80])
    console.print(table)
