"""Relations between two mentions in a sentence: (head, relation, tail, score) triples.

A pair is shown to the model the way SemEval-2010 Task 8 writes it, the first
mention in ``<e1>…</e1>`` and the second in ``<e2>…</e2>``; labels are directed
(``Cause-Effect(e2,e1)``: the second mention is the cause) and "Other" means no
relation. Three ways in:

- marked text — ``lai.relations("The <e1>fire</e1> was caused by <e2>lightning</e2>.")``;
- explicit pairs — ``pairs=[[(4, 8), (25, 34)]]`` character spans per text;
- plain text — mention pairs are proposed within each sentence: named entities
  and the head nouns of noun phrases (spaCy), up to ``MAX_GAP`` characters apart.

Models: ``semeval-minilm`` (the shipped English default: a LoRA adapter + head on
all-MiniLM-L6-v2 trained by this project on SemEval-2010 Task 8, CC BY 3.0), a
classifier directory trained with ``lai train`` on marked sentences, or your own
relation types taught by a few marked examples each (``examples=``, prototypes
in the base encoder's space).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
from pydantic import Field

from lepton_ai.artifacts.manifest import model_cache
from lepton_ai.data.tables import json_from_file
from lepton_ai.errors import E, LeptonError, W, warn
from lepton_ai.metrics import parse_label
from lepton_ai.tasks.declaration import Options, TaskDeclaration, local_only
from lepton_ai.tasks.embed import as_text_list
from lepton_ai.tasks.knowledge import Knowledge
from lepton_ai.text.lang import has_cjk

if TYPE_CHECKING:
    from lepton_ai.tasks.knowledge import Knowledge

SHIPPED = Path(__file__).resolve().parent.parent / "defaults" / "relations"
DEFAULT_MODEL = "semeval-minilm"
NO_RELATION = ("Other", "other", "no_relation", "NA")
#: Most characters between two mentions proposed as a pair in plain text.
MAX_GAP = 120
_MARKED = re.compile(r"<e([12])>(.*?)</e\1>", re.DOTALL)
Span = tuple[int, int]


@dataclass(frozen=True)
class Relation:
    """``head`` —relation→ ``tail``, with character spans in the original text."""

    head: str
    relation: str
    tail: str
    score: float
    head_span: Span
    tail_span: Span


def mark(text: str, first: Span, second: Span) -> str:
    """``text`` with ``first`` in ``<e1>…</e1>`` and ``second`` in ``<e2>…</e2>``."""
    if not (0 <= first[0] < first[1] <= len(text) and 0 <= second[0] < second[1] <= len(text)):
        raise LeptonError(E.E719, first=first, second=second, length=len(text))
    if first[0] < second[1] and second[0] < first[1]:
        raise LeptonError(E.E719, first=first, second=second, length=len(text))
    inserts = sorted([(first[0], "<e1>"), (first[1], "</e1>"), (second[0], "<e2>"),
                      (second[1], "</e2>")], key=lambda item: (item[0], item[1].startswith("<e")))
    out, position = [], 0
    for offset, tag in inserts:
        out.append(text[position:offset])
        out.append(tag)
        position = offset
    out.append(text[position:])
    return "".join(out)


def unmark(text: str) -> tuple[str, Span, Span] | None:
    """Plain text and the e1 / e2 spans of a marked sentence; None when not marked."""
    found = {m.group(1): m for m in _MARKED.finditer(text)}
    if set(found) != {"1", "2"}:
        return None
    plain, spans, position, removed = [], {}, 0, 0
    for match in sorted(found.values(), key=lambda m: m.start()):
        plain.append(text[position : match.start()])
        start = match.start() - removed
        spans[match.group(1)] = (start, start + len(match.group(2)))
        plain.append(match.group(2))
        removed += len(match.group()) - len(match.group(2))
        position = match.end()
    plain.append(text[position:])
    return "".join(plain), spans["1"], spans["2"]


def read_label(label: str) -> tuple[str, bool] | None:
    """``(relation name, e1 is the head)``; None for "no relation" labels."""
    if label in NO_RELATION:
        return None
    name, first_is_e1 = parse_label(label)
    return name, first_is_e1 is not False


class RelationScorer:
    """Probabilities over directed relation labels for marked sentences."""

    def __init__(self, labels: Sequence[str], predict: Any) -> None:
        self.labels = list(labels)
        self._predict = predict

    def probabilities(self, marked: Sequence[str]) -> np.ndarray:
        return self._predict(list(marked)) if marked else np.zeros((0, len(self.labels)))


@model_cache("relation model")
def trained_scorer(name: str) -> RelationScorer:
    """The shipped model (by name) or a classifier directory, as a scorer."""
    from lepton_ai.tasks.classify import TextClassifier

    folder = SHIPPED / name if (SHIPPED / name).is_dir() else Path(name)
    if not folder.is_dir():
        raise LeptonError(E.E720, name=name)
    classifier = TextClassifier.load(folder)
    return RelationScorer(classifier.labels, classifier.predict_proba)


def prototype_scorer(examples: Mapping[str, Sequence[str]], model: str | None) -> RelationScorer:
    """Relation types taught by marked examples: zero-shot classification whose
    label vectors are the (normalised) mean vectors of each relation's examples.

    A label "Other" among the examples stands for "no relation"; without one,
    every pair gets one of the taught relations (filter by ``threshold``).
    """
    from lepton_ai.models.loader import load_encoder
    from lepton_ai.tasks.embed import choose_model
    from lepton_ai.tasks.zero_shot import ZeroShotClassifier

    if not isinstance(examples, Mapping) or len(examples) < 2:
        raise LeptonError(E.E721, got=len(examples) if isinstance(examples, Mapping) else
                          type(examples).__name__)
    for label, marked in examples.items():
        if not marked or any(unmark(m) is None for m in marked):
            raise LeptonError(E.E722, label=label)
    every = [m for marked in examples.values() for m in marked]
    encoder = load_encoder(choose_model(every, model, "auto"))
    prototypes = []
    for marked in examples.values():
        mean = encoder.encode(list(marked), role="document").mean(axis=0)
        prototypes.append(mean / max(float(np.linalg.norm(mean)), 1e-12))
    classifier = ZeroShotClassifier(list(examples), np.stack(prototypes), encoder)
    return RelationScorer(classifier.labels, classifier.predict_proba)


def candidate_pairs(texts: Sequence[str]) -> list[list[tuple[Span, Span]]]:
    """Mention pairs within each sentence of each (English) text, in reading order.

    English mentions: named entities (not dates or numbers) and the last word of
    each noun phrase that no entity covers (SemEval's nominals are head nouns).
    Chinese mentions: the Chinese entity default's names (people, places,
    organisations; not dates or numbers).
    """
    from lepton_ai.tasks.ner import DEFAULT_MODELS, load_entity_model
    from lepton_ai.text.sentences import sentence_spans

    chinese = [has_cjk(t) for t in texts]
    english = iter(_english_mentions([t for t, zh in zip(texts, chinese, strict=True)
                                      if not zh]))
    named = iter(load_entity_model(DEFAULT_MODELS["zh"]).find(
        [t for t, zh in zip(texts, chinese, strict=True) if zh]) if any(chinese) else [])
    results = []
    for text, zh in zip(texts, chinese, strict=True):
        mentions = ({(e.start, e.end) for e in next(named) if e.label not in _NUMERIC} if zh
                    else next(english))
        starts = [start for start, _ in sentence_spans(text)]
        ordered = sorted(mentions)
        results.append([
            (first, second)
            for index, first in enumerate(ordered) for second in ordered[index + 1 :]
            if second[0] >= first[1] and second[0] - first[1] <= MAX_GAP
            and bisect_right(starts, first[0]) == bisect_right(starts, second[0])  # same sentence
        ])
    return results


def _english_mentions(texts: Sequence[str]) -> list[set[Span]]:
    from lepton_ai.text.phrases import candidates_of, english_docs

    found = []
    for text, doc in zip(texts, english_docs(texts), strict=True):
        mentions = {(e.start_char, e.end_char) for e in doc.ents if e.label_ not in _NUMERIC}
        for candidate in candidates_of(doc):
            for start, end in candidate.offsets:
                head = (max(text.rfind(" ", start, end) + 1, start), end)
                if not any(s < head[1] and head[0] < e for s, e in mentions):
                    mentions.add(head)
        found.append(mentions)
    return found


_NUMERIC = ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "MONEY")


@overload
def relations(texts: str, *, model: str | Path | None = ...,
              pairs: Sequence[Sequence[tuple[Span, Span]]] | None = ...,
              examples: Mapping[str, Sequence[str]] | None = ...,
              threshold: float = ...,
              knowledge: Knowledge | None = ...) -> list[Relation]: ...
@overload
def relations(texts: Sequence[str], *, model: str | Path | None = ...,
              pairs: Sequence[Sequence[tuple[Span, Span]]] | None = ...,
              examples: Mapping[str, Sequence[str]] | None = ...,
              threshold: float = ...,
              knowledge: Knowledge | None = ...) -> list[list[Relation]]: ...
def relations(
    texts: str | Sequence[str],
    *,
    model: str | Path | None = None,
    pairs: Sequence[Sequence[tuple[Span, Span]]] | None = None,
    examples: Mapping[str, Sequence[str]] | None = None,
    threshold: float = 0.5,
    knowledge: Knowledge | None = None,
) -> list[Relation] | list[list[Relation]]:
    """Relations in each text, as (head, relation, tail, score) with spans.

    Marked texts (``<e1>…</e1>`` … ``<e2>…</e2>``) are classified as given;
    ``pairs`` gives the spans to classify per text; otherwise pairs are proposed
    from each sentence's mentions. ``examples`` ({relation: [marked sentences]})
    teaches your own relation types; ``model`` picks a trained model (default:
    ``semeval-minilm``) or, with ``examples``, the encoder. Pairs whose best
    label is "no relation" or scores under ``threshold`` are left out.
    ``knowledge`` adds the facts it knows about the entities in each text (score
    1.0) and drops relations its type rules forbid (entity types from ``lai.ner``
    with that knowledge).
    """
    items, single = as_text_list(texts)
    if pairs is not None and len(pairs) != len(items):
        raise LeptonError(E.E723, texts=len(items), pairs=len(pairs))
    scorer = (prototype_scorer(examples, None if model is None else str(model))
              if examples is not None else trained_scorer(str(model or DEFAULT_MODEL)))
    plain: list[str] = []
    jobs: list[tuple[int, Span, Span]] = []
    unmarked = []
    for row, text in enumerate(items):
        parsed = unmark(text)
        plain.append(parsed[0] if parsed else text)
        if parsed is not None:
            jobs.append((row, parsed[1], parsed[2]))
        elif pairs is not None:
            jobs.extend((row, first, second) for first, second in pairs[row])
        else:
            unmarked.append(row)
    if examples is None and model is None:
        chinese = sum(has_cjk(items[row]) for row in unmarked)
        if chinese:
            warn(W.W701, n=chinese, model=DEFAULT_MODEL)
    if unmarked:
        proposed = candidate_pairs([items[row] for row in unmarked])
        jobs.extend((row, first, second) for row, found in zip(unmarked, proposed, strict=True)
                    for first, second in found)
    probabilities = scorer.probabilities([mark(plain[row], a, b) for row, a, b in jobs])
    results: list[list[Relation]] = [[] for _ in items]
    for (row, first, second), scores in zip(jobs, probabilities, strict=True):
        best = int(np.argmax(scores))
        reading = read_label(scorer.labels[best])
        if reading is None or float(scores[best]) < threshold:
            continue
        name, first_is_head = reading
        head, tail = (first, second) if first_is_head else (second, first)
        text = plain[row]
        results[row].append(Relation(text[head[0] : head[1]], name, text[tail[0] : tail[1]],
                                     round(float(scores[best]), 6), head, tail))
    if knowledge is not None:
        from lepton_ai.tasks.ner import ner

        # One batched entity pass for the type rules, not one call per text.
        typed = ner(plain, knowledge=knowledge) if knowledge.signatures else [None] * len(plain)
        results = [apply_knowledge(text, found, knowledge, entities)
                   for text, found, entities in zip(plain, results, typed, strict=True)]
    return results[0] if single else results


def apply_knowledge(
    text: str, found: list[Relation], knowledge: Knowledge, entities: list[Any] | None = None
) -> list[Relation]:
    """``found`` filtered by the knowledge's type rules, plus its facts about ``text``.

    ``entities`` (``lai.ner`` of ``text`` with this knowledge) give the types the
    rules check; they are found here when not given.
    """
    if knowledge.signatures:
        if entities is None:
            from lepton_ai.tasks.ner import ner

            entities = ner(text, knowledge=knowledge)
        typed = entities

        def label_of(span: Span) -> str | None:
            return next((e.label for e in typed if e.start < span[1] and span[0] < e.end),
                        None)

        found = [r for r in found
                 if knowledge.allows(r.relation, label_of(r.head_span), label_of(r.tail_span))]
    seen = {(r.head_span, r.relation, r.tail_span) for r in found}
    for head, relation, tail in knowledge.facts_in(text):
        key = ((head.start, head.end), relation, (tail.start, tail.end))
        if key not in seen:
            seen.add(key)
            found.append(Relation(head.text, relation, tail.text, 1.0, key[0], key[2]))
    return found


class RelationOptions(Options):
    """Options of :func:`relations`."""

    threshold: float = Field(0.5, ge=0.0, le=1.0,
                             description="Drop relations scored below this.")
    model: str | None = Field(
        None, description="semeval-minilm (default) or a classifier directory trained on "
        "marked sentences.", json_schema_extra=local_only())
    examples: dict[str, list[str]] | None = Field(
        None, description="Relation types taught by example: relation -> marked sentences "
        "(on the command line a JSON file).", json_schema_extra=local_only())
    pairs: list[list[list[list[int]]]] | None = Field(
        None, description="Entity pairs to relate per text, as ((start, end), (start, end)) "
        "(on the command line a JSON file).", json_schema_extra=local_only())
    knowledge: str | None = Field(
        None, description="Your dictionary (lai.Knowledge) for proposing entities; on the "
        "command line a JSONL or CSV file.", json_schema_extra=local_only())


TASK = TaskDeclaration(
    name="relations", version="v1",
    summary="(head, relation, tail, score) triples of marked or proposed entity pairs.",
    function=relations, options=RelationOptions, result=Relation, many=True,
    defaults={"en": DEFAULT_MODEL, "zh": "relation types taught by example"},
    cli_parsers={"examples": json_from_file, "pairs": json_from_file,
                 "knowledge": Knowledge.from_file})
