"""Trained model directories served by name, with versions, an alias and roll-back.

Each name has loaded versions and a current one. Switching moves the alias
only: requests already in a version's batcher finish on that version, and the
next ones go to the new one, so nothing in flight fails. The previous current
versions are kept as history for roll-back.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.drift import DriftWatch


@dataclass
class LoadedModel:
    """One loaded version of a trained model directory."""

    name: str
    version: str
    path: Path
    task: str
    labels: list[str]
    predictor: Any
    load_seconds: float
    drift: DriftWatch | None = None

    def predict(self, texts: list[str]) -> list[Any]:
        """Results for ``texts``: a Classification or a list of entities each."""
        if self.task == "ner":
            found = list(self.predictor.find(texts))
            if self.drift is not None:
                self.drift.observe([], texts)
            return found
        from lepton_ai.tasks.classify import classification_of

        rows = self.predictor.predict_proba(texts)
        results = [classification_of(row, self.labels, self.predictor.multi_label)
                   for row in rows]
        if self.drift is not None:
            self.drift.observe([result.label for result in results], texts)
        return results

    def describe(self) -> dict[str, Any]:
        """What ``GET /admin/models`` shows of this version (no weights, no data)."""
        return {"version": self.version, "path": str(self.path), "task": self.task,
                "labels": len(self.labels), "load_seconds": round(self.load_seconds, 3),
                "drift": self.drift.describe() if self.drift is not None else None}


def load_model(name: str, version: str, path: str | Path) -> LoadedModel:
    """Load a trained model directory (classifier or tagger) — never unpickles."""
    from lepton_ai.artifacts.manifest import Manifest

    folder = Path(path)
    started = time.perf_counter()
    try:
        manifest = Manifest.read(folder)
    except LeptonError as error:
        raise LeptonError(E.E812, name=name, path=folder, why=str(error)) from None
    predictor: Any
    if manifest.task == "ner":
        from lepton_ai.tasks.ner import TrainedEntities

        predictor = TrainedEntities(folder)
    elif manifest.task == "classify":
        from lepton_ai.tasks.classify import TextClassifier

        predictor = TextClassifier.load(folder)
    else:
        raise LeptonError(E.E812, name=name, path=folder,
                          why=f"task {manifest.task!r} cannot be served")
    data = manifest.data or {}
    drift = DriftWatch(data.get("label_counts") if manifest.task == "classify" else None,
                       data.get("length_counts"))
    return LoadedModel(name, version, folder, manifest.task, list(manifest.labels), predictor,
                       time.perf_counter() - started, drift)


@dataclass
class ServedModel:
    """The versions of one model name and which one answers now."""

    name: str
    versions: dict[str, LoadedModel] = field(default_factory=dict)
    current: str | None = None
    history: list[str] = field(default_factory=list)


class ModelTable:
    """Every served model name; thread-safe load, switch and roll-back."""

    def __init__(self) -> None:
        self._models: dict[str, ServedModel] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """Served model names."""
        return sorted(self._models)

    def add(self, loaded: LoadedModel, *, make_current: bool = True) -> None:
        """Register a loaded version; it answers from now on if ``make_current``."""
        with self._lock:
            served = self._models.setdefault(loaded.name, ServedModel(loaded.name))
            served.versions[loaded.version] = loaded
            if make_current or served.current is None:
                self._switch(served, loaded.version)

    def versions(self, name: str) -> set[str]:
        """Loaded versions of ``name`` (empty if it is not served)."""
        served = self._models.get(name)
        return set(served.versions) if served else set()

    def get(self, name: str, version: str | None = None) -> LoadedModel:
        """The current version of ``name``, or a given one (LAI-E805/E808)."""
        served = self._models.get(name)
        if served is None or served.current is None:
            raise LeptonError(E.E805, kind="model", name=name, known=self.names() or "none")
        chosen = version or served.current
        if chosen not in served.versions:
            raise LeptonError(E.E808, name=name, version=chosen,
                              known=sorted(served.versions))
        return served.versions[chosen]

    def switch(self, name: str, version: str) -> LoadedModel:
        """Point ``name`` at a loaded ``version``."""
        with self._lock:
            self.get(name, version)
            self._switch(self._models[name], version)
            return self._models[name].versions[version]

    def rollback(self, name: str) -> LoadedModel:
        """Return ``name`` to the version that was current before (LAI-E809)."""
        with self._lock:
            served = self._models.get(name)
            if served is None:
                raise LeptonError(E.E805, kind="model", name=name, known=self.names() or "none")
            if not served.history:
                raise LeptonError(E.E809, name=name, history=[served.current])
            served.current = served.history.pop()
            return served.versions[served.current]

    def loaded(self) -> list[LoadedModel]:
        """Every loaded version of every name."""
        with self._lock:
            return [v for served in self._models.values() for v in served.versions.values()]

    def describe(self) -> list[dict[str, Any]]:
        """Every name with its versions, current version and history."""
        return [{"name": s.name, "current": s.current, "history": list(s.history),
                 "versions": [v.describe() for v in s.versions.values()]}
                for s in (self._models[n] for n in self.names())]

    @staticmethod
    def _switch(served: ServedModel, version: str) -> None:
        if served.current is not None and served.current != version:
            served.history.append(served.current)
        served.current = version
