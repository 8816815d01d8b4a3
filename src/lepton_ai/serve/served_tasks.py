"""The declared tasks as served: typed options and one batched call each.

Every task route takes ``{"input": "one text" | ["texts", ...], "options": {...}}``
and answers ``{"task", "data"}`` where ``data`` has the shape of the Python call's
result (one result for one text, a list for a list); a task that picks one model
per call (embeddings) adds ``"model"``. Requests with equal options share batches;
the call itself is the library's public function, so HTTP and Python give the
same results. Routes, options and defaults all come from the task declarations
(:mod:`lepton_ai.tasks.catalog`): nothing here names a task.

Options never name local paths: a remote caller must not make the server read
files. Options declared local-only are not served, and a served ``model`` option
takes registered model names only. Trained models are served by name (``lai
serve DIR``) instead.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.tasks.catalog import declared_tasks
from lepton_ai.tasks.declaration import Options, TaskDeclaration


@dataclass(frozen=True)
class ServedTask:
    """A task route: ``POST /v1/{name}`` runs the declared function over batches."""

    declaration: TaskDeclaration
    options: type[Options]

    @property
    def name(self) -> str:
        return self.declaration.name

    @property
    def summary(self) -> str:
        return self.declaration.summary

    def prepare(self, texts: Sequence[str], options: Options) -> tuple[str, dict[str, Any],
                                                                      str | None]:
        """(batch key, call options, model name) of one request.

        A served ``model`` is a registered name; a task that picks one model per call
        has it picked here, per request, so batching never mixes models.
        """
        values = options.model_dump()
        if values.get("model") is not None:
            values["model"] = registered_name(values["model"])
        model = None
        if self.declaration.call_model is not None:
            model = self.declaration.call_model(texts, values)
            values["model"] = model
        return json.dumps(values, sort_keys=True, ensure_ascii=False), values, model

    def run_batch(self, items: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
        """Results for (text, options key, options) items, in order.

        Items with equal options run as one call.
        """
        groups: dict[str, list[int]] = {}
        for position, (_, key, _) in enumerate(items):
            groups.setdefault(key, []).append(position)
        results: list[Any] = [None] * len(items)
        for positions in groups.values():
            options = items[positions[0]][2]
            found = self.declaration.run([items[p][0] for p in positions], **options)
            for position, result in zip(positions, found, strict=True):
                results[position] = result
        return results


def registered_name(model: str | None) -> str | None:
    """The registry's name for ``model`` (None stays None); never a path (LAI-E810)."""
    if model is None:
        return None
    from lepton_ai.models.registry import resolve

    require_registered(model)
    return resolve(model).name


def require_registered(model: str) -> None:
    """Refuse anything but a registered model name (never a path) — LAI-E810."""
    from lepton_ai.models.registry import encoder_names

    known = encoder_names()
    if model.lower() not in known:
        raise LeptonError(E.E810, what=f"model={model!r}",
                          why=f"serve a registered model ({', '.join(sorted(known))})")


def served_tasks() -> tuple[ServedTask, ...]:
    """Every declared task with its served options."""
    return tuple(ServedTask(task, task.served_options()) for task in declared_tasks())
