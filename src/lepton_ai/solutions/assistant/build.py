"""Building and updating a knowledge base folder (:mod:`.knowledge_base` reads it).

A build or update re-embeds only passages whose text is new: a vector is reused
whenever the same text under the same model was embedded by an earlier build.
Every file is written beside its old version and renamed over it, the manifest
last. One build at a time holds ``.build.lock`` (LAI-E1004 for a second).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.solutions.assistant.calibration import calibrate
from lepton_ai.solutions.assistant.knowledge_base import (
    FORMAT,
    LOCK,
    MANIFEST,
    KnowledgeBase,
    Passage,
    learned_phrasings,
    passages_of,
    vector_file,
)
from lepton_ai.solutions.assistant.retrieval import HybridRetriever
from lepton_ai.solutions.assistant.sources import Entry, SourceReport, read_documents, read_faq


@dataclass
class BuildReport:
    """What a build did, for the CLI and the manifest history."""

    path: Path
    version: int
    entries: int
    passages: int
    embedded: int
    reused: int
    seconds: float
    models: str
    sources: SourceReport = field(default_factory=SourceReport)
    calibration: dict[str, dict[str, Any]] = field(default_factory=dict)


def _write_jsonl(path: Path, items: Iterable[dict[str, Any]]) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with temporary.open("w", encoding="utf-8") as handle:
        for item in items:
            handle.write(json.dumps(item, ensure_ascii=False) + "\n")
    os.replace(temporary, path)


def _previous_vectors(previous: KnowledgeBase | None) -> dict[tuple[str, str], np.ndarray]:
    """Vectors of the last build by (model, content hash)."""
    if previous is None:
        return {}
    cache = {}
    for space, model in previous.models.items():
        vectors = previous.vectors[space]
        for row, passage in enumerate(previous.passages):
            cache[(model, passage.key)] = vectors[row]
    return cache


def _embed(passages: Sequence[Passage], model: str,
           cache: dict[tuple[str, str], np.ndarray]) -> tuple[np.ndarray, int]:
    """Vectors of every passage under ``model``; only texts not in ``cache`` are encoded."""
    from lepton_ai.models.loader import load_encoder
    from lepton_ai.tasks.embed import encode_texts

    missing = sorted({p.key: p.text for p in passages if (model, p.key) not in cache}.items())
    if missing:
        encoder = load_encoder(model)
        vectors = encode_texts(encoder, [text for _, text in missing], role="document")
        cache.update({(model, key): vectors[row] for row, (key, _) in enumerate(missing)})
    return np.stack([cache[(model, p.key)] for p in passages]).astype(np.float32), len(missing)


def choose_spaces(entries: Sequence[Entry], model: str | None,
                  previous: dict[str, str] | None) -> dict[str, str]:
    """The vector spaces of a build: ``{"all": model}`` when a model is given; else the
    last build's spaces plus the English default and/or multilingual e5 as the
    entries' scripts call for (see :mod:`.knowledge_base`)."""
    from lepton_ai.models.registry import DEFAULT_ENGLISH, E5_SMALL
    from lepton_ai.text.lang import has_cjk

    if model:
        return {"all": model}
    spaces = dict(previous or {})
    if "all" in spaces:
        return spaces
    chinese = [has_cjk(entry.question + entry.answer) for entry in entries]
    if any(chinese):
        spaces.setdefault("zh", E5_SMALL.name)
    if not all(chinese):
        spaces.setdefault("en", DEFAULT_ENGLISH)
    return spaces


def build_knowledge_base(
    path: str | Path,
    *,
    faq: str | Path | None = None,
    docs: str | Path | None = None,
    model: str | None = None,
    update: bool = False,
    question_column: str | None = None,
    answer_column: str | None = None,
) -> BuildReport:
    """Build (or, with ``update=True``, update) the knowledge base at ``path``.

    ``faq``: a table of questions and answers; ``docs``: a folder of documents.
    An update keeps the FAQ or the documents of the last build when that source is
    not given again. Either way only new passage texts are embedded.
    """
    from filelock import FileLock, Timeout

    root = Path(path)
    started = time.perf_counter()
    if not (faq or docs or update):
        raise LeptonError(E.E1003, detail="no --faq and no --docs given")
    root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(root / LOCK), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise LeptonError(E.E1004, path=root, lock=root / LOCK) from None
    try:
        return _build_locked(root, faq, docs, model, update, question_column, answer_column,
                             started)
    finally:
        lock.release()


def _build_locked(root: Path, faq: str | Path | None, docs: str | Path | None,
                  model: str | None, update: bool, question_column: str | None,
                  answer_column: str | None, started: float) -> BuildReport:
    previous: KnowledgeBase | None = None
    if (root / MANIFEST).is_file():
        previous = KnowledgeBase.load(root)
    elif update:
        raise LeptonError(E.E1001, path=root)
    report = SourceReport()
    faq_entries = (read_faq(faq, question_column=question_column, answer_column=answer_column)
                   if faq else [])
    doc_entries = read_documents(docs, report) if docs else []
    if update and previous is not None:
        kept = previous.entries.values()
        if not faq:
            faq_entries = [entry for entry in kept if entry.kind == "faq"]
        if not docs:
            doc_entries = [entry for entry in kept if entry.kind == "doc"]
    entries = _with_learned([*faq_entries, *doc_entries], learned_phrasings(root))
    report.faq_entries = len(faq_entries)
    if not entries:
        raise LeptonError(E.E1003, detail="the FAQ and the documents hold no entries"
                          if faq or docs else "no --faq and no --docs given")
    spaces = choose_spaces(entries, model, previous.models if previous else None)
    cache = _previous_vectors(previous)
    passages = passages_of(entries)
    vectors, embedded = {}, 0
    for space, space_model in spaces.items():
        vectors[space], count = _embed(passages, space_model, cache)
        embedded += count
    version = (previous.version if previous else 0) + 1
    spaces_info = {space: {"model": space_model, "dim": int(vectors[space].shape[1])}
                   for space, space_model in spaces.items()}
    kb = KnowledgeBase(root, {"spaces": spaces_info}, entries, passages, vectors)
    retriever = HybridRetriever(kb)  # one BM25 index for every space's tests
    calibration = {space: calibrate(retriever, space) for space in spaces}
    total = len(passages) * len(spaces)
    report_out = BuildReport(root, version, len(entries), len(passages), embedded,
                             total - embedded, 0.0, ", ".join(spaces.values()), report,
                             calibration)
    history = (previous.manifest.get("history", []) if previous else [])[-49:]
    changes = _changes(previous, entries)
    manifest = {
        "format": FORMAT, "kind": "lepton-ai knowledge base", "version": version,
        "spaces": spaces_info, "entries": len(entries), "faq_entries": len(faq_entries),
        "chunks": len(doc_entries), "passages": len(passages),
        "calibration": calibration,
        "history": [*history, {"version": version, "built_at": datetime.now(UTC).isoformat(
            timespec="seconds"), "embedded": embedded, **changes}],
    }
    for space, matrix in vectors.items():
        target = root / vector_file(space)
        np.save(target.with_suffix(".tmp.npy"), matrix)
        os.replace(target.with_suffix(".tmp.npy"), target)
    _write_jsonl(root / "entries.jsonl", (entry.as_json() for entry in entries))
    _write_jsonl(root / "passages.jsonl", (p.__dict__ for p in passages))
    temporary = root / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(temporary, root / MANIFEST)
    report_out.seconds = round(time.perf_counter() - started, 2)
    return report_out


def _with_learned(entries: list[Entry], learned: dict[str, list[str]]) -> list[Entry]:
    """Entries with the phrasings learned from feedback added to their alternatives."""
    merged = []
    for entry in entries:
        extra = [text for text in learned.get(entry.id, []) if text not in entry.phrasings()]
        if extra and entry.kind == "faq":
            entry = replace(entry, alternatives=(*entry.alternatives, *dict.fromkeys(extra)))
        merged.append(entry)
    return merged


def _changes(previous: KnowledgeBase | None, entries: Sequence[Entry]) -> dict[str, int]:
    old = previous.entries if previous else {}
    new = {entry.id: entry for entry in entries}
    return {
        "added": sum(1 for key in new if key not in old),
        "changed": sum(1 for key, entry in new.items() if key in old and old[key] != entry),
        "removed": sum(1 for key in old if key not in new),
    }
