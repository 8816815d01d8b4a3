"""What every ``lai`` sub-command shares: the app (its groups), consoles and coded errors."""

from __future__ import annotations

import typer

from lepton_ai.cli.output import coded_errors, console, errors
from lepton_ai.cli.task_commands import TaskCommandGroup

__all__ = ["app", "coded_errors", "console", "errors", "index_app", "models_app"]

app = typer.Typer(
    name="lai",
    help="lepton-ai: embeddings, semantic search and more on small local models.",
    no_args_is_help=True,
    add_completion=False,
    cls=TaskCommandGroup,
)
index_app = typer.Typer(help="Build semantic-search indexes.", no_args_is_help=True)
models_app = typer.Typer(help="The models available offline.", invoke_without_command=True)
app.add_typer(index_app, name="index")
app.add_typer(models_app, name="models")
