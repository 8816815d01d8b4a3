"""Progress bars for long work (rich), on stderr so stdout stays clean for pipes.

A run started with ``LAI_TRAIN_EVENTS=FILE`` in its environment (the server's training
jobs, ``serve/training_jobs.py``) also appends its progress to FILE as JSON lines, so
someone can watch it from elsewhere (the web console).
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Environment variable naming the JSON-lines file a run reports its progress to.
EVENTS_ENV = "LAI_TRAIN_EVENTS"
#: Progress events are written at most this often (the last one of a bar always).
EVENT_INTERVAL_S = 0.5


class EventLog:
    """Appends one JSON object per line: ``{"time", "kind", ...}``, flushed at once."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._last = 0.0

    def write(self, kind: str, **fields: Any) -> None:
        """Append an event now."""
        line = json.dumps({"time": round(time.time(), 3), "kind": kind, **fields},
                          ensure_ascii=False, default=str)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def progress(self, description: str, done: int, total: int | None, status: str = "") -> None:
        """A progress event, unless one was written less than ``EVENT_INTERVAL_S`` ago
        (the end of a bar is always written)."""
        now = time.monotonic()
        if now - self._last < EVENT_INTERVAL_S and done != total:
            return
        self._last = now
        self.write("progress", description=description, done=done, total=total, status=status)


@functools.cache
def event_log() -> EventLog | None:
    """This process's event log, when ``LAI_TRAIN_EVENTS`` names one."""
    path = os.environ.get(EVENTS_ENV)
    return EventLog(path) if path else None


def _reported(description: str, total: int | None, completed: int,
              advance: Callable[[int, str], None]) -> Callable[[int, str], None]:
    """``advance`` that also writes progress events when an event log is set."""
    log = event_log()
    if log is None:
        return advance
    done = completed

    def both(n: int, status: str = "") -> None:
        nonlocal done
        done += n
        advance(n, status)
        log.progress(description, done, total, status)

    return both


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
        report = _reported(description, total, 0, lambda _n, _s: None)
        yield lambda n: report(n, "")
        return
    from rich.progress import MofNCompleteColumn, TaskProgressColumn

    with _progress([MofNCompleteColumn(), TaskProgressColumn()]) as progress:
        task = progress.add_task(description, total=total)
        report = _reported(description, total, 0, lambda n, _s: progress.advance(task, n))
        yield lambda n: report(n, "")


@contextmanager
def training_bar(
    total: int, description: str, enabled: bool = True, completed: int = 0
) -> Iterator[Callable[[int, str], None]]:
    """Yield ``advance(n, status)``; shows steps, a status text (loss, examples/s) and ETA."""
    if not enabled:
        yield _reported(description, total, completed, lambda _n, _status: None)
        return
    from rich.progress import MofNCompleteColumn, TextColumn

    with _progress([MofNCompleteColumn(), TextColumn("{task.fields[status]}")]) as progress:
        task = progress.add_task(description, total=total, completed=completed, status="")
        yield _reported(description, total, completed,
                        lambda n, status: progress.update(task, advance=n, status=status))
