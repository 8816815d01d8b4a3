"""``lai <task>`` for every declared task, made from its declaration.

Each command reads texts from ``--text`` (repeatable), a file (CSV, TSV, JSONL,
JSON, Parquet, TXT) or stdin (``-``), runs the task's Python function with the
declared options (one ``--option`` per field, same names and defaults, help from
the field's description) and writes one record per text: JSON lines on stdout,
or ``--out results.jsonl|.csv|.parquet``.

The commands are made when asked for (:class:`TaskCommandGroup`): ``lai sentiment``
imports the sentiment module only, and ``lai serve`` no task module at all, so the
command starts as fast as before the tasks were declared; ``lai --help`` lists them all.
"""

from __future__ import annotations

import inspect
import types
import typing
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
import typer.main
from typer.core import TyperGroup

from lepton_ai.cli.output import coded_errors, console, errors
from lepton_ai.tasks.catalog import declared_in, declared_tasks, task_module_names

if TYPE_CHECKING:
    from lepton_ai.tasks.declaration import TaskDeclaration

#: Short flags kept from the hand-written commands these replace.
SHORT_FLAGS = {"model": "-m", "labels": "-l", "tasks": "-t", "k": "-k", "knowledge": "-k"}
#: Parameters every task command has besides its options.
COMMON = ("source", "text", "out", "column")


def flag(option: str) -> str:
    """The command-line flag of an option name: ``max_words`` → ``--max-words``."""
    return "--" + option.replace("_", "-")


def cli_type(annotation: Any) -> type:
    """What the command line reads for a field: its scalar type, else text to parse."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
        annotation = args[0]
    if annotation in (bool, int, float, str):
        return annotation  # type: ignore[no-any-return]
    return str  # Literal choices, lists and dicts are given as text


def choices_of(annotation: Any) -> list[str]:
    """The allowed values of a ``Literal`` field (inside an optional too)."""
    if typing.get_origin(annotation) is Literal:
        return [str(value) for value in typing.get_args(annotation)]
    for arg in typing.get_args(annotation):
        found = choices_of(arg)
        if found:
            return found
    return []


def parse_option(task: TaskDeclaration, name: str, value: Any) -> Any:
    """An option's command-line text as the value the Python function takes."""
    if value is None or not isinstance(value, str):
        return value
    parser = task.cli_parsers.get(name)
    if parser is not None:
        return parser(value)
    annotation = task.options.model_fields[name].annotation
    if cli_type(annotation) is str and typing.get_origin(annotation) is not Literal and any(
            typing.get_origin(arg) is list for arg in (annotation, *typing.get_args(annotation))):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def task_command(task: TaskDeclaration) -> Callable[..., None]:
    """The ``lai <task>`` command of one declared task."""

    def command(**given: Any) -> None:
        from lepton_ai.errors import E, LeptonError
        from lepton_ai.tasks.run_file import STDOUT, run_over_file

        source, texts, out, column = (given.pop(name) for name in COMMON)
        if (source is None) == (not texts):
            raise LeptonError(E.E312, task=task.name, input=task.input,
                              got="neither" if source is None else "a file and --text")
        options = {name: parse_option(task, name, value) for name, value in given.items()}
        rows, seconds = run_over_file(
            texts or source, out, lambda batch: task.run(batch, **options), column=column,
            description=f"{task.name} of")
        # With --out - the results own stdout; the summary goes beside the progress bar.
        to_stdout = str(out) == STDOUT
        (errors if to_stdout else console).print(
            f"[green]wrote[/] {task.name} of {rows} rows to "
            f"{'stdout' if to_stdout else out} in {seconds:.1f}s")

    parameters = [
        _parameter("source", Path | None, None, typer.Argument(
            help=f"The {task.input}: a CSV, TSV, JSONL, JSON, Parquet or TXT file; - reads "
            "stdin (JSON lines or lines of text).", show_default=False)),
        _parameter("text", list[str] | None, None, typer.Option(
            "--text", help=f"One of the {task.input} itself (repeat for more), instead of "
            "a file.", show_default=False)),
        _parameter("out", Path, Path("-"), typer.Option(
            "--out", "-o", help="results.jsonl, .csv or .parquet; - (default) prints JSON "
            "lines.")),
        _parameter("column", str | None, None, typer.Option(
            "--column", "-c", help="The column holding the text.")),
    ]
    for name, info in task.options.model_fields.items():
        choices = choices_of(info.annotation)
        help_text = (info.description or "") + (
            f" [{' | '.join(choices)}]" if choices and "|" not in (info.description or "")
            else "")
        flags = [flag(name), *([SHORT_FLAGS[name]] if name in SHORT_FLAGS else [])]
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        kind = cli_type(info.annotation)
        if default is None and kind is not bool:
            kind = kind | None  # type: ignore[assignment]
        parameters.append(_parameter(name, kind, default if not isinstance(default, (
            list, dict)) else None, typer.Option(*flags, help=help_text)))
    command.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    command.__name__ = task.name
    command.__doc__ = (f"{task.summary} One record per text "
                       f"(lai.{task.name} in Python, POST /v1/{task.name} over HTTP).")
    return command


def _parameter(name: str, kind: Any, default: Any, info: Any) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                             annotation=Annotated[kind, info])


def task_click_command(task: TaskDeclaration) -> Any:
    """The click command ``lai <task>`` runs (a one-command typer app, made on demand)."""
    single = typer.Typer(add_completion=False)
    single.command(task.name)(coded_errors(task_command(task)))
    return typer.main.get_command(single)


class TaskCommandGroup(TyperGroup):
    """The ``lai`` group: hand-written commands, plus one per declared task, made lazily.

    A task's module is named as the task (a test checks), so ``lai NAME`` imports
    ``lepton_ai.tasks.NAME`` alone; tasks whose command is written by hand
    (``custom_cli``) are registered as usual and found first.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        names = set(super().list_commands(ctx))
        names.update(task.name for task in declared_tasks() if not task.custom_cli)
        return sorted(names)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        found = super().get_command(ctx, cmd_name)
        if found is not None or cmd_name not in task_module_names():
            return found
        task = declared_in(cmd_name)
        if task is None or task.custom_cli or task.name != cmd_name:
            return None
        return task_click_command(task)
