"""What every ``lai`` command prints with: the consoles, and coded errors as one line."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console

from lepton_ai.errors import LeptonError, LeptonWarning

console = Console()
errors = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")


def coded_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print a coded library error as one line and exit with status 2.

    Coded warnings print as one ``warning: [LAI-W...] ...`` line each, without the
    source location Python's default format adds (it points into our code, not at
    the user's data); other warnings keep the default format.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with warnings.catch_warnings():
            default_show = warnings.showwarning

            def show(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
                if issubclass(category, LeptonWarning):
                    errors.print(f"warning: {message}", style="yellow", highlight=False,
                                 markup=False)
                else:
                    default_show(message, category, filename, lineno, file, line)

            warnings.showwarning = show
            try:
                return command(*args, **kwargs)
            except LeptonError as exc:
                errors.print(f"error: {exc}", highlight=False, markup=False)
                raise typer.Exit(2) from None

    return wrapper
