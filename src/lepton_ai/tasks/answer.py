"""``lai.answer``: answers from your documents, with citations, or "I don't know".

Passages are retrieved by meaning (the foundation's embeddings or a saved
``lai.Index``); when none is similar enough to the question the answer is
"I don't know" without asking the model. Otherwise the local LM is asked to
answer only from the numbered passages (and to say "I don't know" when they do
not hold the answer); the answer cites the passage that shares the most words
with it, by document id and character span.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, overload

import numpy as np
from pydantic import Field

from lepton_ai.data.tables import texts_from_file
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.generator import DEFAULT_GENERATOR
from lepton_ai.tasks.classify import comma_labels
from lepton_ai.tasks.declaration import Options, TaskDeclaration, local_only
from lepton_ai.text.sentences import sentence_spans

if TYPE_CHECKING:
    from lepton_ai.tasks.search import Index

UNKNOWN = "I don't know."
#: Characters per passage when documents are split (whole sentences).
PASSAGE_CHARS = 600
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Citation:
    """Where the answer comes from: ``document[start:end] == text``."""

    document: str
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class Answer:
    """The answer, its citations, and how sure retrieval was (cosine of the best passage)."""

    text: str
    known: bool
    confidence: float
    citations: list[Citation] = field(default_factory=list)


def passages_of(document: str, doc_id: str) -> list[Citation]:
    """Whole sentences of ``document`` packed into passages of ~``PASSAGE_CHARS``."""
    out: list[Citation] = []
    start = end = 0
    for begin, finish in sentence_spans(document):
        if finish - start > PASSAGE_CHARS and end > start:
            out.append(Citation(doc_id, start, end, document[start:end].strip(), 0.0))
            start = begin
        end = finish
    if end > start and document[start:end].strip():
        out.append(Citation(doc_id, start, end, document[start:end].strip(), 0.0))
    return out


def retrieve(question: str, documents: Sequence[str] | None, index: str | Path | Index | None,
             k: int, ids: Sequence[str] | None = None) -> list[Citation]:
    """The ``k`` passages most similar to ``question``, best first, with their scores.

    From an index, a passage is a whole indexed text, named by its row's ``id``
    field when it has one (its position otherwise)."""
    if index is not None:
        from lepton_ai.tasks.search import Index

        loaded = index if isinstance(index, Index) else Index.load(index)
        hits = loaded.search(question, k)
        return [Citation(str(hit.row.get("id", hit.id)), 0, len(hit.text), hit.text,
                         float(hit.score)) for hit in hits]  # type: ignore[union-attr]
    if not isinstance(documents, Sequence) or isinstance(documents, str) or not documents:
        raise LeptonError(E.E908, got=type(documents).__name__)
    from lepton_ai.tasks.embed import embed

    if ids is not None and len(ids) != len(documents):
        raise LeptonError(E.E726, ids=len(ids), documents=len(documents))
    names = list(ids) if ids is not None else [str(i) for i in range(len(documents))]
    passages = [p for doc, name in zip(documents, names, strict=True)
                for p in passages_of(doc, name)]
    if not passages:  # documents without any text: nothing to answer from
        return []
    vectors = np.asarray(embed([p.text for p in passages] + [question], lang="auto"))
    scores = vectors[:-1] @ vectors[-1]
    best = np.argsort(-scores)[:k]
    return [Citation(passages[i].document, passages[i].start, passages[i].end,
                     passages[i].text, float(scores[i])) for i in best]


def _overlap(answer: str, passage: str) -> float:
    words = {w.lower() for w in _WORD.findall(answer)}
    return len(words & {w.lower() for w in _WORD.findall(passage)}) / max(1, len(words))


@overload
def answer(question: str, *, documents: Sequence[str] | None = ...,
           ids: Sequence[str] | None = ..., index: str | Path | Index | None = ...,
           k: int = ..., min_score: float = ..., max_tokens: int = ...,
           model: str | Path | None = ...) -> Answer: ...
@overload
def answer(question: Sequence[str], *, documents: Sequence[str] | None = ...,
           ids: Sequence[str] | None = ..., index: str | Path | Index | None = ...,
           k: int = ..., min_score: float = ..., max_tokens: int = ...,
           model: str | Path | None = ...) -> list[Answer]: ...
def answer(
    question: str | Sequence[str],
    *,
    documents: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
    index: str | Path | Index | None = None,
    k: int = 3,
    min_score: float = 0.35,
    max_tokens: int = 120,
    model: str | Path | None = None,
) -> Answer | list[Answer]:
    """Answer ``question`` from ``documents`` (with optional ``ids``) or an ``index``
    (a :class:`~lepton_ai.Index` or the folder of a saved one).

    One question in, one :class:`Answer` out; a list in, a list out.
    ``min_score``: below this cosine for the best passage, the answer is "I don't
    know" (retrieval found nothing relevant). The model is told to answer only from
    the passages; its "I don't know" is kept as such.
    """
    from lepton_ai.tasks.embed import as_text_list

    questions, single = as_text_list(question)
    answers = [_answer_one(q, documents, ids, index, k, min_score, max_tokens, model)
               for q in questions]
    return answers[0] if single else answers


def _answer_one(question: str, documents: Sequence[str] | None, ids: Sequence[str] | None,
                index: str | Path | Index | None, k: int, min_score: float, max_tokens: int,
                model: str | Path | None) -> Answer:
    from lepton_ai.models.generator import GenerationConfig, load_generator

    found = retrieve(question, documents, index, k, ids)
    if not found or found[0].score < min_score:
        return Answer(UNKNOWN, False, found[0].score if found else 0.0, [])
    numbered = "\n\n".join(f"[{n}] {p.text}" for n, p in enumerate(found, 1))
    messages = [
        {"role": "system", "content": "Answer only from the passages. If they do not "
         f"contain the answer, reply exactly: {UNKNOWN}"},
        {"role": "user", "content": f"Passages:\n{numbered}\n\nQuestion: {question}\n"
         "Answer in one or two sentences:"}]
    generator = load_generator(None if model is None else str(model))
    prompt = generator.chat_prompt(generator.fit_prompt(messages, max_tokens))
    text = generator.complete(prompt, GenerationConfig(max_tokens=max_tokens)).strip()
    if not text or "don't know" in text.lower() or "do not know" in text.lower():
        return Answer(UNKNOWN, False, found[0].score, [])
    cited = max(found, key=lambda p: (_overlap(text, p.text), p.score))
    return Answer(text, True, cited.score, [cited])


class AnswerOptions(Options):
    """Options of :func:`answer`."""

    documents: list[str] | None = Field(
        None, description="The texts to answer from (on the command line a file of texts).")
    ids: list[str] | None = Field(
        None, description="A name per document, cited in the answer (comma-separated on the "
        "command line).")
    k: int = Field(3, ge=1, le=20, description="Passages given to the model.")
    min_score: float = Field(0.35, ge=-1.0, le=1.0, description="Below this cosine for the "
                             "best passage, the answer is \"I don't know\".")
    max_tokens: int = Field(120, ge=1, le=1024, description="Longest answer, in tokens.")
    index: str | None = Field(None, description="A saved lai.Index folder to answer from "
                              "instead of documents.", json_schema_extra=local_only())
    model: str | None = Field(None, description="A GGUF file or Hugging Face causal-LM folder.",
                              json_schema_extra=local_only())


TASK = TaskDeclaration(
    name="answer", version="v1",
    summary="Answers from your documents with citations, or \"I don't know\".",
    function=answer, options=AnswerOptions, result=Answer, input="questions",
    defaults={"en": f"{DEFAULT_GENERATOR} over retrieved passages",
              "zh": "a GGUF model you bring, over retrieved passages"},
    cli_parsers={"documents": texts_from_file, "ids": comma_labels})
