"""Progress bars for long work (rich), on stderr so stdout stays clean for pipes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def _progress(middle: list[Any]) -> Any:
    """A rich ``Progress`` on stderr: description, bar, ``middle`` columns, elapsed, ETA."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        *middle,
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    return Progress(*columns, console=Console(stderr=True))


@contextmanager
def progress_bar(
    total: int | None, description: str, enabled: bool = True
) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(n)``; shows count, elapsed time and ETA when ``enabled``."""
    if not enabled:
        yield lambda _n: None
        return
    from rich.progress import MofNCompleteColumn, TaskProgressColumn

    with _progress([MofNCompleteColumn(), TaskProgressColumn()]) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


@contextmanager
def training_bar(
    total: int, description: str, enabled: bool = True, completed: int = 0
) -> Iterator[Callable[[int, str], None]]:
    """Yield ``advance(n, status)``; shows steps, a status text (loss, examples/s) and ETA."""
    if not enabled:
        yield lambda _n, _status: None
        return
    from rich.progress import MofNCompleteColumn, TextColumn

    with _progress([MofNCompleteColumn(), TextColumn("{task.fields[status]}")]) as progress:
        task = progress.add_task(description, total=total, completed=completed, status="")
        yield lambda n, status: progress.update(task, advance=n, status=status)
