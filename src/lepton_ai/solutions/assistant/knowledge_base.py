"""A knowledge base on disk: entries, their passages, passage vectors and a manifest.

Built by :mod:`lepton_ai.solutions.assistant.build`.

Folder layout (every file JSON, JSONL or ``.npy``; nothing is unpickled):

- ``kb.json``: format, version (one more per build), the vector spaces, counts,
  the confidence calibration of each space and the build history;
- ``entries.jsonl``: FAQ entries and document chunks (:class:`Entry`);
- ``passages.jsonl``: what is matched: each FAQ phrasing, each answer, each chunk,
  with the entry it belongs to;
- ``vectors-SPACE.npy``: one unit vector per passage and space (float32).

A *space* is one embedding model over every passage. A base holds the English
default's space (``en``, MiniLM) when it has Latin-script entries and multilingual
e5's (``zh``) when it has Chinese ones: an English message is matched in MiniLM's
space, which reads English far better than the multilingual models (BANKING77, 5
phrasings: 77.1 hit@1 against 68.6 for e5 and 66.4 for USE), a Chinese one in
e5's, which also reaches the English entries. e5 rather than the faster USE
because Chinese customers' wording is matched much better (our 60-entry banking
set: 85.3 against 80.7 hit@1) for 14 ms more per Chinese turn, and it embeds at
about 40 passages/s on 2 cores, so large Chinese bases build slower. With
``model=`` there is one space, ``all``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.solutions.assistant.sources import Entry, digest

FORMAT = 1
MANIFEST = "kb.json"
LOCK = ".build.lock"
#: Phrasings learned from feedback (lai assistant learn), merged into every build.
LEARNED = "learned.jsonl"


@dataclass(frozen=True)
class Passage:
    """One matchable text: ``field`` is question, alternative, answer or document."""

    entry: str
    field: str
    text: str

    @property
    def key(self) -> str:
        """Content hash of the text (the vector cache key)."""
        return digest(self.text)


def passages_of(entries: Iterable[Entry]) -> list[Passage]:
    """The passages of ``entries``: phrasings and answer of a FAQ entry, a chunk whole."""
    passages = []
    for entry in entries:
        if entry.kind == "doc":
            passages.append(Passage(entry.id, "document", f"{entry.question}\n{entry.answer}"))
            continue
        passages.append(Passage(entry.id, "question", entry.question))
        passages.extend(Passage(entry.id, "alternative", text) for text in entry.alternatives)
        passages.append(Passage(entry.id, "answer", entry.answer))
    return passages


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise LeptonError(E.E1011, path=path, problem="the file is missing")
    items = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                try:
                    items.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise LeptonError(E.E1011, path=path,
                                      problem=f"line {number} is not JSON ({error.msg})"
                                      ) from None
    return items


class KnowledgeBase:
    """A loaded knowledge base: entries, passages and their vectors.

    Load with ``KnowledgeBase.load(path)``; build with :func:`build_knowledge_base`.
    """

    def __init__(self, path: Path, manifest: dict[str, Any], entries: list[Entry],
                 passages: list[Passage], vectors: dict[str, np.ndarray]) -> None:
        self.path = path
        self.manifest = manifest
        self.entries = {entry.id: entry for entry in entries}
        self.passages = passages
        self.vectors = vectors

    @property
    def models(self) -> dict[str, str]:
        """The embedding model of each space (queries are embedded with it too)."""
        return {space: str(info["model"]) for space, info in self.manifest["spaces"].items()}

    def space_for(self, text: str) -> str:
        """The space a message is matched in: by its script when there are two."""
        spaces = list(self.vectors)
        if len(spaces) == 1:
            return spaces[0]
        from lepton_ai.text.lang import has_cjk

        return "zh" if has_cjk(text) else "en"

    def calibration(self, space: str) -> dict[str, Any]:
        """The confidence calibration of one space ({} before the first build)."""
        return dict(self.manifest.get("calibration", {}).get(space, {}))

    @property
    def version(self) -> int:
        """The build number: one more for every build or update."""
        return int(self.manifest["version"])

    @classmethod
    def load(cls, path: str | Path) -> KnowledgeBase:
        """Open a knowledge-base folder (LAI-E1001 when it is not one)."""
        root = Path(path)
        manifest_path = root / MANIFEST
        if not manifest_path.is_file():
            raise LeptonError(E.E1001, path=root)
        from lepton_ai.models.folder import read_json_file

        manifest = read_json_file(manifest_path)
        if int(manifest.get("format", 0)) > FORMAT:
            raise LeptonError(E.E1007, path=root, found=manifest.get("format"), supported=FORMAT)
        entries = [Entry.from_json(item) for item in _read_jsonl(root / "entries.jsonl")]
        passages = [Passage(**item) for item in _read_jsonl(root / "passages.jsonl")]
        vectors = {space: _read_vectors(root / vector_file(space), len(passages))
                   for space in manifest.get("spaces", {})}
        return cls(root, manifest, entries, passages, vectors)


def learned_phrasings(root: Path) -> dict[str, list[str]]:
    """Entry id → phrasings learned from feedback so far (empty when none)."""
    path = root / LEARNED
    found: dict[str, list[str]] = {}
    if path.is_file():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                found.setdefault(str(item["entry"]), []).append(str(item["text"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                raise LeptonError(E.E1011, path=path, problem=f"line {number} is not an "
                                  '{"entry": ..., "text": ...} object') from None
    return found


def vector_file(space: str) -> str:
    """The file name of a space's vectors."""
    return f"vectors-{space}.npy"


def _read_vectors(path: Path, rows: int) -> np.ndarray:
    try:
        vectors = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise LeptonError(E.E1011, path=path, problem=str(error) or type(error).__name__
                          ) from None
    if vectors.ndim != 2 or len(vectors) != rows:
        raise LeptonError(E.E1011, path=path,
                          problem=f"{vectors.shape} vectors for {rows} passages")
    return vectors
