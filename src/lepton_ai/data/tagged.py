"""Tagged data for entity recognition: CoNLL-style files and JSONL with character spans.

Every input becomes :class:`TaggedSentence` (tokens + BIO tags). Accepted:

- CoNLL-style text: one token per line, the tag in the last column, blank lines
  between sentences, ``-DOCSTART-`` lines skipped. Tag schemes IOB1 (CoNLL-2003),
  IOB2/BIO, BIOES and BMES are recognised and converted to BIO.
- CoNLL-U-style text (Universal NER's ``.iob2``): tab-separated ``ID, token, tag, ...``
  lines, ``# key = value`` comment lines.

Chinese sentences are read as characters — the way :func:`lai.ner` reads Chinese
text — so a word-segmented file (UNER, OntoNotes) spreads each word's tag over its
characters: ``阿里巴巴/B-ORG`` becomes ``阿/B-ORG 里/I-ORG 巴/I-ORG 巴/I-ORG``.
- JSONL: ``{"text": ..., "entities": [[start, end, label], ...]}`` (character
  offsets, end exclusive; ``{"start":, "end":, "label":}`` objects also work).
  Chinese text is split into characters, other text into words and punctuation.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lepton_ai.data.tables import not_utf8_error
from lepton_ai.errors import E, LeptonError
from lepton_ai.text.bio import spans, tokenize
from lepton_ai.text.lang import has_cjk


@dataclass
class TaggedSentence:
    """Tokens with one BIO tag each, and each token's character offset in ``text``."""

    tokens: list[str]
    tags: list[str]
    text: str = ""
    starts: list[int] | None = None


def read_tagged(path: str | Path) -> list[TaggedSentence]:
    """Read a CoNLL-style or JSONL file (by suffix ``.jsonl``/``.json``) into BIO sentences."""
    path = Path(path)
    if not path.is_file():
        raise LeptonError(E.E301, path=path, cwd=Path.cwd())
    try:
        if path.suffix in (".jsonl", ".ndjson", ".json"):
            return _read_jsonl(path)
        return _read_conll(path)
    except UnicodeDecodeError as exc:
        raise not_utf8_error(path, exc) from None


def _read_conll(path: Path) -> list[TaggedSentence]:
    with path.open(encoding="utf-8") as handle:
        lines = [raw.rstrip("\n").rstrip("\r") for raw in handle]
    token_column, tag_column = _columns(lines)
    sentences: list[TaggedSentence] = []
    tokens: list[str] = []
    tags: list[str] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("-DOCSTART-"):
            if tokens:
                sentences.append(TaggedSentence(tokens, tags))
                tokens, tags = [], []
            continue
        parts = line.split("\t") if tag_column > 0 else line.split()
        if line.startswith("#") and not _is_tag(parts[-1] if tag_column < 0 else ""):
            continue  # a comment line: "# sent_id = ...", "# text = ..."
        if len(parts) == 1 and line[0].isspace() and _is_tag(parts[0]):
            continue  # a token that is only white space (BTC has some): nothing to tag
        if len(parts) < 2:
            raise LeptonError(E.E512, path=path, line=number, why="no tag column")
        tag = parts[tag_column]
        if not _is_tag(tag):
            raise LeptonError(E.E512, path=path, line=number, why=f"unknown tag {tag!r}")
        tokens.append(parts[token_column])
        tags.append(tag)
    if tokens:
        sentences.append(TaggedSentence(tokens, tags))
    if not sentences:
        raise LeptonError(E.E512, path=path, line=1, why="the file has no sentences")
    convert = to_bio_from_iob1 if _is_iob1(sentences) else to_bio
    for sentence in sentences:
        sentence.tags = convert(sentence.tags)
        sentence.text, sentence.starts = _join(sentence.tokens)
        if has_cjk(sentence.text):
            _to_characters(sentence)
    return sentences


def _is_tag(field: str) -> bool:
    return field == "O" or re.match(r"^[BIMESL]-.+", field) is not None


def _columns(lines: Sequence[str]) -> tuple[int, int]:
    """``(token column, tag column)``: ``(1, 2)`` for CoNLL-U-style files whose token
    lines are tab-separated ``ID, token, tag, ...``; else the first and the last."""
    rows = [line.split("\t") for line in lines[:200] if line.strip() and line[0] != "#"]
    numbered = rows and all(
        len(row) >= 3 and row[0].isdigit() and _is_tag(row[2]) for row in rows)
    return (1, 2) if numbered else (0, -1)


def _to_characters(sentence: TaggedSentence) -> None:
    """Split multi-character tokens into characters; a word's tag spreads over them."""
    if sentence.starts is None or all(len(token) == 1 for token in sentence.tokens):
        return
    tokens, tags, starts = [], [], []
    for token, tag, start in zip(sentence.tokens, sentence.tags, sentence.starts, strict=True):
        for offset, char in enumerate(token):
            if char.isspace():
                continue
            tokens.append(char)
            starts.append(start + offset)
            tags.append(tag if offset == 0 or tag == "O" else "I-" + tag[2:])
    sentence.tokens, sentence.tags, sentence.starts = tokens, tags, starts


def _join(tokens: list[str]) -> tuple[str, list[int]]:
    """Text of the tokens (no spaces between CJK characters) and their offsets."""
    starts, pieces, position = [], [], 0
    for index, token in enumerate(tokens):
        gap = "" if index == 0 or (_is_wide(token) and _is_wide(tokens[index - 1])) else " "
        position += len(gap)
        starts.append(position)
        pieces.append(gap + token)
        position += len(token)
    return "".join(pieces), starts


def _is_wide(token: str) -> bool:
    """Chinese characters and full-width punctuation: written without spaces between."""
    return has_cjk(token) or (len(token) == 1 and not token.isascii())


def _is_iob1(sentences: Sequence[TaggedSentence]) -> bool:
    """IOB1 uses ``I-`` to start entities; ``B-`` only between two adjacent ones."""
    for sentence in sentences:
        previous = "O"
        for tag in sentence.tags:
            if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
                return True
            previous = tag
    return False


def to_bio_from_iob1(tags: Sequence[str]) -> list[str]:
    """IOB1 → BIO: an ``I-`` that does not continue an entity of its type starts one."""
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and (previous == "O" or previous[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def to_bio(tags: Sequence[str]) -> list[str]:
    """BIO / BIOES / BMES → BIO (S- and B- start, M-/I-/E-/L- continue)."""
    out = []
    for tag in tags:
        if tag == "O":
            out.append("O")
        elif tag[0] in "BS":
            out.append("B-" + tag[2:])
        else:
            out.append("I-" + tag[2:])
    return out


def _read_jsonl(path: Path) -> list[TaggedSentence]:
    sentences = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                text = record["text"]
                entities = [
                    (e["start"], e["end"], e["label"]) if isinstance(e, dict) else tuple(e)
                    for e in record.get("entities", [])
                ]
            except (ValueError, KeyError, TypeError) as exc:
                raise LeptonError(E.E512, path=path, line=number, why=str(exc)) from None
            tokens, starts = tokenize(text)
            tags = ["O"] * len(tokens)
            for start, end, label in entities:
                inside = [i for i, s in enumerate(starts) if start <= s < end]
                if not inside:
                    raise LeptonError(
                        E.E512, path=path, line=number,
                        why=f"entity [{start}, {end}) covers no token of the text",
                    )
                tags[inside[0]] = f"B-{label}"
                for i in inside[1:]:
                    tags[i] = f"I-{label}"
            sentences.append(TaggedSentence(tokens, tags, text, starts))
    return sentences


def tag_set(sentences: Sequence[TaggedSentence]) -> list[str]:
    """All BIO tags, ``O`` first, then by entity type."""
    types = sorted({tag[2:] for s in sentences for tag in s.tags if tag != "O"})
    return ["O"] + [f"{prefix}-{t}" for t in types for prefix in ("B", "I")]


def entity_counts(sentences: Sequence[TaggedSentence]) -> Counter[str]:
    """Mentions per entity type."""
    return Counter(label for s in sentences for _, _, label in spans(s.tags))


__all__ = [
    "TaggedSentence", "entity_counts", "read_tagged", "spans", "tag_set", "to_bio", "tokenize",
]
