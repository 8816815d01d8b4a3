"""Relations between a schema's fields: which value of one goes with which of another.

Candidates are the pairs of a head-field value and a tail-field value in one sentence.
With a relation model or examples (:class:`~lepton_ai.solutions.extract.schema.RelationSpec`)
each candidate is classified by ``lai.relations`` (spans given, one batched call per
relation); without, each head value takes the first tail value after it in its sentence
(else the closest before it).
"""

from __future__ import annotations

from bisect import bisect_right
from pathlib import Path

from lepton_ai.solutions.extract.schema import RelationSpec
from lepton_ai.solutions.extract.values import FieldValue, RelationValue

Pair = tuple[FieldValue, FieldValue]


def link(spec: RelationSpec, texts: list[str], heads: list[list[FieldValue]],
         tails: list[list[FieldValue]], sentences: list[list[tuple[int, int]]],
         base_dir: Path | None) -> list[list[RelationValue]]:
    """Per document, the relations of ``spec`` among its head and tail values."""
    candidates = [_same_sentence(h, t, spans)
                  for h, t, spans in zip(heads, tails, sentences, strict=True)]
    if spec.model is None and spec.examples is None:
        return [_nearest(spec, pairs) for pairs in candidates]
    from lepton_ai.tasks.relations import relations

    model = spec.model
    if model is not None and base_dir is not None and (base_dir / model).is_dir():
        model = str(base_dir / model)
    rows = [row for row, pairs in enumerate(candidates) if pairs]
    found: list[list[RelationValue]] = [[] for _ in texts]
    if not rows:
        return found
    classified = relations(
        [texts[row] for row in rows],
        pairs=[[((h.start, h.end), (t.start, t.end)) for h, t in candidates[row]]
               for row in rows],
        model=model, examples=spec.examples, threshold=spec.threshold)
    for row, results in zip(rows, classified, strict=True):
        by_spans = {((h.start, h.end), (t.start, t.end)): (h, t) for h, t in candidates[row]}
        for result in results:
            pair = by_spans.get((result.head_span, result.tail_span))  # the schema's direction
            if pair is not None and (spec.label is None or result.relation == spec.label):
                found[row].append(RelationValue(pair[0], pair[1], result.relation,
                                                result.score))
    return found


def _same_sentence(heads: list[FieldValue], tails: list[FieldValue],
                   sentences: list[tuple[int, int]]) -> list[Pair]:
    starts = [start for start, _ in sentences]

    def sentence_of(value: FieldValue) -> int:  # sentences are in order and cover the text
        return bisect_right(starts, value.start) - 1

    tail_sentences = [sentence_of(t) for t in tails]
    return [(h, t) for h in heads for t, sentence in zip(tails, tail_sentences, strict=True)
            if sentence == sentence_of(h) and (h.end <= t.start or t.end <= h.start)]


def _nearest(spec: RelationSpec, pairs: list[Pair]) -> list[RelationValue]:
    """Each head value with the first tail value after it in its sentence, else the
    closest one before it ("Acme shall pay $5,000 and Beta shall pay $7,000"; "0.5 g of
    metformin" finds the dose before the drug)."""
    best: dict[tuple[int, int], tuple[tuple[int, int], Pair]] = {}
    for head, tail in pairs:
        rank = (0, tail.start - head.end) if tail.start >= head.end else (1, head.start - tail.end)
        key = (head.start, head.end)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, (head, tail))
    name = spec.label or f"{spec.head}→{spec.tail}"
    return [RelationValue(head, tail, name, min(head.confidence, tail.confidence))
            for _, (head, tail) in sorted(best.values(), key=lambda item: item[1][0].start)]
