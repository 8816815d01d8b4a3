"""Every declared task, found in the task modules themselves.

A module of :mod:`lepton_ai.tasks` that ends with ``TASK = TaskDeclaration(...)``
is a task; nothing else lists it. ``lai tasks`` prints this catalogue, the server
routes it, the Client and the CLI are built from it, and a test walks every
declared task through every surface.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import TYPE_CHECKING

from lepton_ai.errors import E, LeptonError

if TYPE_CHECKING:
    from lepton_ai.tasks.declaration import TaskDeclaration


@functools.cache
def task_module_names() -> frozenset[str]:
    """The modules of :mod:`lepton_ai.tasks`, without importing them (a task's module is
    named as the task)."""
    import lepton_ai.tasks as package

    return frozenset(module.name for module in pkgutil.iter_modules(package.__path__))


def declared_in(module: str) -> TaskDeclaration | None:
    """The task ``lepton_ai.tasks.<module>`` declares, or None (imports that module only)."""
    from lepton_ai.tasks.declaration import TaskDeclaration

    loaded = importlib.import_module(f"lepton_ai.tasks.{module}")
    declaration = getattr(loaded, "TASK", None)
    return declaration if isinstance(declaration, TaskDeclaration) else None


@functools.cache
def declared_tasks() -> tuple[TaskDeclaration, ...]:
    """The declared tasks, in module order (alphabetical)."""
    found = [task for task in map(declared_in, sorted(task_module_names())) if task is not None]
    names = [task.name for task in found]
    if len(set(names)) != len(names):  # pragma: no cover - a programming error
        raise RuntimeError(f"two task modules declare the same name: {sorted(names)}")
    return tuple(found)


def declared(name: str) -> TaskDeclaration:
    """The task called ``name`` (LAI-E724 names the declared ones otherwise)."""
    for task in declared_tasks():
        if task.name == name:
            return task
    raise LeptonError(E.E724, name=name, known=", ".join(t.name for t in declared_tasks()))


#: Entry points that are not text-in, result-out tasks, listed beside them by ``lai tasks``.
OTHER_ENTRY_POINTS: tuple[tuple[str, str, str], ...] = (
    ("chat", "lai.chat", "lai chat; POST /v1/chat/completions (OpenAI)"),
    ("generate", "lai.generate", "templates with variables and JSON schemas (Python)"),
    ("search", "lai.Index", "lai index build; lai search"),
    ("ocr", "lai.ocr", "lai ocr FILE; POST /v1/ocr (images and PDFs → a Document every task "
     "reads)"),
    ("extract", "lai.extract", "lai extract DIR --schema schema.yaml (fields out of records)"),
    ("transcribe", "lai.transcribe", "lai transcribe FILE; POST /v1/audio/transcriptions "
     "(OpenAI)"),
    ("restore", "lai.restore", "lai restore (undoes lai redact --mode pseudonymize --vault)"),
)
