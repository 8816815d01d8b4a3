"""Chinese sentence boundaries on the project's development set, against pySBD and spaCy.

    .venv/bin/python bench/sentences_zh.py

bench/data/zh_sentences_dev.txt: 210 sentences in 42 paragraphs, written and labelled
by the project before any splitter ran on them (the quote, attribution and ellipsis
rules were then fitted to it: first run F1 0.9766); bench/data/zh_sentences_heldout.txt:
50 sentences written after those rules, before any run (first run F1 0.963; one rule was
then fitted on it: a quote introduced with a colon is answered, not attributed, by the
next speaker's "我笑着说：“…”"); bench/data/zh_sentences_heldout2.txt: 220 sentences
written after all of that, before any run. Each paragraph's sentences are joined
with nothing between them (as Chinese is written); a boundary is the character offset
where a sentence ends. Precision, recall and F1 over all paragraphs of
``lai.text.sentences.sentence_spans``, pySBD 0.3.4 (``language="zh"``) and spaCy's
rule-based ``sentencizer`` on a blank Chinese pipeline (character tokens), with the
failures of ours printed. Appends JSON lines to bench/results/sentences_zh.jsonl.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import code_version, record
from sentences_conll import Splitter, ours, pysbd_splitter

DATA = Path(__file__).resolve().parent / "data"
#: The set the quote, attribution and ellipsis rules were fitted on, and one written after.
SETS = {"dev (rules fitted here)": DATA / "zh_sentences_dev.txt",
        "held-out (one rule fitted on it since)": DATA / "zh_sentences_heldout.txt",
        "held-out 2": DATA / "zh_sentences_heldout2.txt"}


def paragraphs(path: Path) -> list[list[str]]:
    """Each paragraph of ``path`` as its gold sentences."""
    text = path.read_text(encoding="utf-8")
    return [[line for line in block.splitlines() if line.strip() and not line.startswith("#")]
            for block in text.split("\n\n") if block.strip()]


def spacy_splitter() -> Splitter:
    import spacy

    nlp = spacy.blank("zh")
    nlp.add_pipe("sentencizer")
    return lambda text: [sent.end_char for sent in nlp(text).sents]


def scores(split: Splitter, paras: list[list[str]], show: bool = False) -> dict[str, float]:
    found = correct = wanted = 0
    for sentences in paras:
        text = "".join(sentences)
        gold, position = set(), 0
        for sentence in sentences[:-1]:
            position += len(sentence)
            gold.add(position)
        # Trailing spaces belong to the sentence before them; the last end is no boundary.
        predicted = {len(text[:end].rstrip()) for end in split(text)} - {len(text)}
        found += len(predicted)
        wanted += len(gold)
        correct += len(predicted & gold)
        if show and predicted != gold:
            cuts = sorted(predicted)
            pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
            print("  missed" if gold - predicted else "  extra", pieces)
    precision, recall = correct / max(found, 1), correct / wanted
    f1 = 2 * precision * recall / (precision + recall) if correct else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def main() -> None:
    splitters = (("lepton-ai", ours), ("pySBD 0.3.4", pysbd_splitter("zh")),
                 ("spaCy sentencizer", spacy_splitter()))
    for set_name, path in SETS.items():
        paras = paragraphs(path)
        result: dict[str, object] = {"set": set_name, "paragraphs": len(paras),
                                     "sentences": sum(len(p) for p in paras)}
        for name, split in splitters:
            result[name] = scores(split, paras, show=name == "lepton-ai")
        result["code"] = code_version()
        record("sentences_zh", result)


if __name__ == "__main__":
    main()
