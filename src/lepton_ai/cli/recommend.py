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

    report = build_recommender(folder, items, [c.strip() for c in text_columns.split(",")],
                               id_column=id_column, interactions=interactions,
                               user_column=user, item_column=item, time_column=time_column,
                               model=model)
    console.print(f"[green]built[/] {report.path}: {report.items:,} items, {report.users:,} "
                  f"users, {report.events:,} events, model {report.model}, "
                  f"{report.seconds:.1f}s")


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
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines.")] = False,
) -> None:
    """The K best items for a user, a history or a description, with reasons."""
    from lepton_ai.solutions.recommend import Recommender

    picks = Recommender(folder).recommend(
        user, history=[h.strip() for h in history.split(",")] if history else None,
        text=text, k=k, diversity=diversity)
    if as_json:
        for pick in picks:
            typer.echo(json.dumps(pick.as_json(), ensure_ascii=False))
        return
    table = Table("item", "score", "why", "text")
    for pick in picks:
        table.add_row(pick.item, f"{pick.score:.2f}", pick.reason, pick.text[:80])
    console.print(table)
