"""Running a schema over documents: each field's values, with evidence and confidence."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_ai.documents import DOCUMENT_SUFFIXES, Document, ocr
from lepton_ai.errors import E, LeptonError
from lepton_ai.solutions.extract.linking import link
from lepton_ai.solutions.extract.normalize import normalize
from lepton_ai.solutions.extract.schema import FieldSpec, Schema, load_schema
from lepton_ai.solutions.extract.values import FieldValue, RelationValue
from lepton_ai.tasks.ner import ner
from lepton_ai.text.sentences import sentence_spans

TEXT_SUFFIXES = (".txt", ".md")
#: Confidence of a value found by a rule the user wrote (a pattern or a term).
RULE_CONFIDENCE = 1.0
#: Confidence of a value after a key: the key is certain, where the value ends less so.
KEY_VALUE_CONFIDENCE = 0.9
#: Confidence of a tagged value when the tagger gives none.
UNSCORED = 0.8
#: Longest value taken after a key (characters).
MAX_VALUE_CHARS = 120


@dataclass(frozen=True)
class Extraction:
    """The fields of one document: a value, a list (``many``) or None when not found;
    and the schema's relations between them (each a list)."""

    document: str
    fields: dict[str, FieldValue | list[FieldValue] | None]
    relations: dict[str, list[RelationValue]] = field(default_factory=dict)


Found = list[tuple[int, int, float]]


def extract(documents: str | Path | Document | Sequence[str | Path | Document],
            schema: str | Path | dict[str, Any] | Schema) -> Extraction | list[Extraction]:
    """The schema's fields out of each document: a text, a ``Document`` from
    ``lai.ocr``, or a file path (a scan or PDF is read through ``lai.ocr``; .txt/.md
    as text). One document in, one :class:`Extraction` out; a list in, a list out."""
    chosen = load_schema(schema)
    single = isinstance(documents, (str, Path))
    items = [documents] if single else list(documents)  # type: ignore[list-item]
    names = [str(item) if isinstance(item, Path) else f"#{index}"
             for index, item in enumerate(items)]
    texts = [_read(item) for item in items]
    found: dict[str, list[Found]] = {}
    for group in _entity_groups(chosen):
        spans = _entities(texts, *group[0])
        for field_name, spec in group[1]:
            found[field_name] = [[(e.start, e.end, e.score or UNSCORED) for e in entities
                                  if e.label.upper() == (spec.label or "").upper()]
                                 for entities in spans]
    for field_name, spec in chosen.fields.items():
        if spec.type != "entity":
            rule = RuleField.of(spec, chosen)
            found[field_name] = [rule.find(text) if rule else [] for text in texts]
    sentences = [sentence_spans(text) or [(0, len(text))] for text in texts]
    values: dict[str, list[list[FieldValue]]] = {}
    for field_name, spec in chosen.fields.items():
        values[field_name] = [
            [_value(text, span, spans, spec.normalize) for span in sorted(spans_found)]
            for text, spans, spans_found in zip(texts, sentences, found[field_name], strict=True)]
    linked = {name: link(spec, texts, values[spec.head], values[spec.tail], sentences,
                         chosen.base_dir) for name, spec in chosen.relations.items()}
    results = []
    for index, name in enumerate(names):
        fields: dict[str, FieldValue | list[FieldValue] | None] = {}
        for field_name, spec in chosen.fields.items():
            found_values = values[field_name][index]
            fields[field_name] = found_values if spec.many else (
                found_values[0] if found_values else None)
        results.append(Extraction(name, fields, {relation: found_links[index] for relation,
                                                 found_links in linked.items()}))
    return results[0] if single else results


def record_files(source: Path) -> list[Path]:
    """The records under a folder (searched recursively, sorted), or the one file."""
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise LeptonError(E.E301, path=source, cwd=Path.cwd())
    readable = (*DOCUMENT_SUFFIXES, *TEXT_SUFFIXES)
    files = sorted(path for path in source.rglob("*")
                   if path.is_file() and path.suffix.lower() in readable)
    if not files:
        raise LeptonError(E.E1403, name=str(source), suffix="(a folder with no records)",
                          allowed=", ".join(readable))
    return files


def _read(item: str | Path | Document) -> str:
    if not isinstance(item, Path):
        return item
    suffix = item.suffix.lower()
    if suffix in DOCUMENT_SUFFIXES:
        return ocr(item)
    if suffix in TEXT_SUFFIXES:
        if not item.is_file():
            raise LeptonError(E.E301, path=item, cwd=Path.cwd())
        return item.read_text(encoding="utf-8")
    raise LeptonError(E.E1403, name=item.name, suffix=suffix or "(none)",
                      allowed=", ".join((*DOCUMENT_SUFFIXES, *TEXT_SUFFIXES)))


def _entity_groups(schema: Schema) -> list[tuple[tuple[str | None, str],
                                                 list[tuple[str, FieldSpec]]]]:
    """Entity fields grouped by (model, lang): each tagger runs once per call."""
    groups: dict[tuple[str | None, str], list[tuple[str, FieldSpec]]] = {}
    for name, spec in schema.fields.items():
        if spec.type == "entity":
            model = spec.model
            if model is not None and not Path(model).is_absolute() and schema.base_dir \
                    and (schema.base_dir / model).is_dir():
                model = str(schema.base_dir / model)
            groups.setdefault((model, spec.lang), []).append((name, spec))
    return list(groups.items())


def _entities(texts: list[str], model: str | None, lang: str) -> list[list[Any]]:
    positions = [i for i, text in enumerate(texts) if text.strip()]
    tagged = ner([texts[i] for i in positions], lang=lang, model=model) if positions else []
    result: list[list[Any]] = [[] for _ in texts]
    for position, entities in zip(positions, tagged, strict=True):
        result[position] = entities
    return result


@dataclass(frozen=True)
class RuleField:
    """A pattern, dictionary or key–value field, compiled once per call: its value is the
    pattern's first group when it has one, else the whole match."""

    pattern: re.Pattern[str]
    confidence: float
    trimmed: str = ""  # characters dropped from the end of a value

    @classmethod
    def of(cls, spec: FieldSpec, schema: Schema) -> RuleField | None:
        """The compiled rule of a non-entity field (None: a dictionary without terms)."""
        flags = re.IGNORECASE if spec.ignore_case else 0
        if spec.type == "pattern":
            return cls(re.compile(spec.pattern or "", flags), RULE_CONFIDENCE)
        if spec.type == "dictionary":
            terms = sorted(set(schema.terms(spec)), key=len, reverse=True)
            if not terms:
                return None
            alternatives = "|".join(re.escape(term) for term in terms)
            return cls(re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])",
                                  flags), RULE_CONFIDENCE)
        keys = "|".join(re.escape(key) for key in sorted(spec.keys or [], key=len, reverse=True))
        stops = re.escape(spec.until + "\n")
        return cls(re.compile(rf"(?:{keys})\s*[:：]?[ \t]*([^{stops}]{{1,{MAX_VALUE_CHARS}}})",
                              re.IGNORECASE), KEY_VALUE_CONFIDENCE, trimmed=" ,，.")

    def find(self, text: str) -> Found:
        group = 1 if self.pattern.groups else 0
        found = []
        for match in self.pattern.finditer(text):
            value = match.group(group).rstrip(self.trimmed) if self.trimmed else match.group(group)
            if value:
                start = match.start(group)
                found.append((start, start + len(value), self.confidence))
        return found


def _value(text: str, span: tuple[int, int, float], sentences: list[tuple[int, int]],
           normalize_as: str | None = None) -> FieldValue:
    start, end, confidence = span
    evidence = next((text[s:e] for s, e in sentences if s <= start < e), text[start:end])
    page = box = None
    if isinstance(text, Document):
        lines = text.locate(start, end)
        if lines:
            page, box = lines[0].page, lines[0].box
    value = text[start:end]
    return FieldValue(value, start, end, round(float(confidence), 4), evidence.strip(), page,
                      box, normalize(normalize_as, value) if normalize_as else None)
