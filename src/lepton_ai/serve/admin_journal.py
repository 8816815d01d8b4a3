"""Admin changes shared by every process of one service (``--workers``, Ray replicas).

Each change made through ``/admin`` (load a version, switch, roll back) is an entry
in an append-only journal. A process makes a change under the journal's lock: it
first replays the entries other processes wrote, then applies its own and appends
it only if it worked. The other processes replay new entries within a second (a
background poll). The same entries applied in the same order give every process the
same versions, current versions and history. A lone process keeps its journal in
memory; a journal file that outlives the server replays its changes at the next start.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.models import LoadedModel, ModelTable, load_model

LOG = logging.getLogger("lepton_ai.serve")

#: Seconds between two looks at a shared journal for other processes' changes.
POLL_SECONDS = 1.0


class AdminJournal(ABC):
    """Append-only list of admin changes, numbered from 1."""

    shared: bool = False

    @abstractmethod
    def locked(self) -> AbstractContextManager[None]:
        """Hold the journal: no other writer appends meanwhile."""

    @abstractmethod
    def append(self, entry: dict[str, Any], number: int) -> None:
        """Add ``entry`` as ``number``: the caller holds :meth:`locked` and has read
        every entry before it."""

    @abstractmethod
    def entries_after(self, number: int) -> list[dict[str, Any]]:
        """Entries numbered above ``number``, in order, each with its ``"n"``."""


class MemoryJournal(AdminJournal):
    """The journal of a lone server process."""

    def __init__(self) -> None:
        self._entries: list[dict[str, Any]] = []
        self._lock = threading.RLock()

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield

    def append(self, entry: dict[str, Any], number: int) -> None:
        with self._lock:
            self._entries.append({**entry, "n": number})

    def entries_after(self, number: int) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries[number:])


class FileJournal(AdminJournal):
    """A JSON-lines journal file shared by processes that see the same disk."""

    shared = True

    def __init__(self, path: str | Path) -> None:
        from filelock import FileLock

        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(exist_ok=True)
        self._lock = FileLock(str(self.path) + ".lock")

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._lock:
            yield

    def append(self, entry: dict[str, Any], number: int) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({**entry, "n": number}) + "\n")

    def entries_after(self, number: int) -> list[dict[str, Any]]:
        text = self.path.read_text(encoding="utf-8")
        # A line still being written has no newline yet: it is read next time.
        complete = text[: text.rfind("\n") + 1]
        entries = [json.loads(line) for line in complete.splitlines() if line.strip()]
        return [entry for entry in entries if entry["n"] > number]


@dataclass
class AdminChanges:
    """Applies admin changes to one process's model table through the journal."""

    journal: AdminJournal
    models: ModelTable
    on_load: Callable[[LoadedModel], None] = lambda loaded: None
    _applied: int = field(default=0, init=False)
    _apply_lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def make(self, entry: dict[str, Any]) -> LoadedModel:
        """Apply one change here and record it for the other processes (blocking).

        ``entry`` is ``{"op": "load", "name", "version", "path", "make_current"}``,
        ``{"op": "switch", "name", "version"}`` or ``{"op": "rollback", "name"}``.
        A change that fails raises its coded error and is not recorded.
        """
        with self.journal.locked(), self._apply_lock:
            self._replay()
            result = self._apply(entry)
            self.journal.append(entry, self._applied + 1)
            self._applied += 1
            return result

    async def follow(self, run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]]) -> None:
        """Apply the changes other processes make, as they make them (a task that runs
        until cancelled); ``run_blocking`` runs the blocking replay off the event loop."""
        while True:
            await asyncio.sleep(POLL_SECONDS)
            try:
                await run_blocking(self.catch_up)
            except Exception as error:  # an unreadable journal must not stop the poll
                LOG.warning("admin journal not applied: %s", type(error).__name__)

    def catch_up(self) -> int:
        """Apply the changes other processes recorded since the last look (blocking);
        how many there were."""
        with self._apply_lock:
            return self._replay()

    def _replay(self) -> int:
        entries = self.journal.entries_after(self._applied)
        for entry in entries:
            try:
                self._apply(entry)
            except LeptonError as error:  # e.g. a path this machine cannot see
                LOG.warning("admin change %s of %r not applied here: %s",
                            entry["op"], entry["name"], error.code)
            self._applied = entry["n"]
        return len(entries)

    def _apply(self, entry: dict[str, Any]) -> LoadedModel:
        name = entry["name"]
        if entry["op"] == "load":
            version = entry["version"]
            if version in self.models.versions(name):
                raise LeptonError(E.E810, what=f"version {version!r} of {name!r}",
                                  why="it is already loaded; load it under a new version name")
            loaded = load_model(name, version, entry["path"])
            self.models.add(loaded, make_current=entry["make_current"])
            self.on_load(loaded)
            return loaded
        if entry["op"] == "switch":
            return self.models.switch(name, entry["version"])
        if entry["op"] == "rollback":
            return self.models.rollback(name)
        raise ValueError(f"unknown admin change {entry['op']!r}")


def journal_for(path: str | None) -> AdminJournal:
    """A file journal at ``path``, or an in-memory one for a lone process."""
    return FileJournal(path) if path else MemoryJournal()
