"""`lai.ner` on CoNLL-2003 English and Resume NER Chinese test sets, through the public call.

    .venv/bin/python bench/ner.py

Each test sentence is given to ``lai.ner`` as plain text (tokens joined by
spaces; Chinese characters without); the entities' character spans are mapped
back onto the gold tokens and scored at entity level (seqeval, micro F1).
Packaged models' types are mapped to the dataset's (tables below); types
without a counterpart are dropped. Trained taggers from bench/train_ner.py are
run through the same call. Appends JSON lines to bench/results/ner.jsonl.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.data.tagged import TaggedSentence, read_tagged
from lepton_ai.metrics import entity_scores

RESULTS = Path(__file__).resolve().parent / "results"
#: spaCy OntoNotes types -> CoNLL-2003 types (DATE, MONEY, numbers... have none).
ONTONOTES_TO_CONLL = {
    "PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
    "NORP": "MISC", "EVENT": "MISC", "PRODUCT": "MISC", "WORK_OF_ART": "MISC",
    "LAW": "MISC", "LANGUAGE": "MISC",
}
#: jieba types -> Resume NER types (it has no TITLE, EDU, PRO, RACE, CONT).
JIEBA_TO_RESUME = {"PERSON": "NAME", "ORG": "ORG", "LOC": "LOC"}
RUNS = {
    "conll": ("conll2003/eng.testb", [("spacy", ONTONOTES_TO_CONLL),
                                       ("models/ner-conll-full-s42", None)]),
    "resume": ("resume_ner/test.char.bmes", [("jieba", JIEBA_TO_RESUME),
                                             ("models/ner-resume-auto-s42", None)]),
}


def tags_from_entities(sentence: TaggedSentence, entities: list, mapping: dict | None) -> list:
    """BIO tags on the gold tokens for entities given as character spans."""
    assert sentence.starts is not None
    ends = [s + len(t) for s, t in zip(sentence.starts, sentence.tokens, strict=True)]
    tags = ["O"] * len(sentence.tokens)
    for entity in entities:
        label = mapping.get(entity.label) if mapping is not None else entity.label
        if label is None:
            continue
        covered = [i for i, (s, e) in enumerate(zip(sentence.starts, ends, strict=True))
                   if s < entity.end and e > entity.start]
        if covered and all(tags[i] == "O" for i in covered):
            tags[covered[0]] = f"B-{label}"
            for i in covered[1:]:
                tags[i] = f"I-{label}"
    return tags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("datasets", nargs="*", default=sorted(RUNS))
    args = parser.parse_args()
    for dataset in args.datasets:
        file, models = RUNS[dataset]
        sentences = read_tagged(SHARED_DATA / file)
        texts = [s.text for s in sentences]
        for model, mapping in models:
            source = str(RESULTS / model) if model.startswith("models/") else model
            if model.startswith("models/") and not Path(source).is_dir():
                print(f"skipping {model}: train it with bench/train_ner.py", file=sys.stderr)
                continue
            lai.ner(texts[:4], model=source)  # load outside the clock
            with LoadMeter([os.getpid()]) as meter:
                started = time.perf_counter()
                found = lai.ner(texts, model=source)
                seconds = time.perf_counter() - started
            predicted = [tags_from_entities(s, f, mapping)
                         for s, f in zip(sentences, found, strict=True)]
            report = entity_scores([s.tags for s in sentences], predicted)
            result = {
                "dataset": dataset, "model": Path(model).name, "sentences": len(sentences),
                "f1": round(100 * report["f1"], 2),
                "precision": round(100 * report["precision"], 2),
                "recall": round(100 * report["recall"], 2),
                "per_type_f1": {r["label"]: round(100 * r["f1"], 1) for r in report["per_type"]},
                "sentences_per_second": round(len(sentences) / seconds, 1),
                "foreign_cpu_cores": round(meter.foreign_cores, 2), "code": code_version(),
            }
            record("ner", result)


if __name__ == "__main__":
    main()
