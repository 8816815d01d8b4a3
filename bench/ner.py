"""`lai.ner` on English and Chinese entity test sets, through the public call.

    .venv/bin/python bench/ner.py                       # every set
    .venv/bin/python bench/ner.py conll wnut17 btc sec  # English
    .venv/bin/python bench/ner.py uner_zh resume        # Chinese
    .venv/bin/python bench/ner.py conll wnut17 --candidate /tmp/tagger --only-candidate

Each test sentence is given to ``lai.ner`` as plain text (tokens joined by
spaces; Chinese characters without); the entities' character spans are mapped
back onto the gold tokens and scored at entity level (seqeval, micro F1).
Packaged models' types are mapped to the dataset's (tables below); types
without a counterpart are dropped. Trained taggers from bench/train_ner.py are
run through the same call, and ``--candidate FOLDER`` runs a tagger folder (a
retrained default, say) wherever the shipped one runs, with its type mapping.
Appends JSON lines to bench/results/ner.jsonl.
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
#: The shipped English tagger's types -> CoNLL-2003 types (values dropped).
SHIPPED_TO_CONLL = {"PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "PRODUCT": "MISC",
                    "MISC": "MISC"}
#: Coarse types for WNUT-17 (group and corporation are both ORG; the shipped tagger
#: learnt them as one type), BTC and the Chinese sets; gold tags are mapped likewise.
COARSE = {"PERSON": "PERSON", "PER": "PERSON", "person": "PERSON", "ORG": "ORG",
          "group": "ORG", "corporation": "ORG", "LOC": "LOC", "location": "LOC",
          "GPE": "LOC", "FAC": "LOC", "PRODUCT": "PRODUCT", "product": "PRODUCT",
          "MISC": "MISC", "creative-work": "MISC", "WORK_OF_ART": "MISC"}
THREE = {key: value for key, value in COARSE.items() if value in ("PERSON", "ORG", "LOC")}
#: jieba types -> Resume NER types (it has no TITLE, EDU, PRO, RACE, CONT).
JIEBA_TO_RESUME = {"PERSON": "NAME", "ORG": "ORG", "LOC": "LOC"}
#: (test file, gold type mapping or None, [(model, predicted type mapping)]).
RUNS = {
    "conll": ("conll2003/eng.testb", None,
              [("spacy", ONTONOTES_TO_CONLL), ("en-ner-minilm", SHIPPED_TO_CONLL),
               ("models/ner-conll-full-s42", None)]),
    "wnut17": ("wnut17/emerging.test.annotated", COARSE,
               [("spacy", COARSE), ("en-ner-minilm", COARSE)]),
    "btc": ("btc/f.conll", THREE, [("spacy", THREE), ("en-ner-minilm", THREE)]),
    "sec": ("sec_filings/FIN3.txt", None,
            [("spacy", ONTONOTES_TO_CONLL), ("en-ner-minilm", SHIPPED_TO_CONLL)]),
    "uner_zh": ("uner_zh_gsdsimp/zh_gsdsimp-ud-test.iob2", THREE,
                [("jieba", THREE), ("zh-ner-charcrf", THREE)]),
    "resume": ("resume_ner/test.char.bmes", None,
               [("jieba", JIEBA_TO_RESUME), ("zh-ner-charcrf", JIEBA_TO_RESUME),
                ("models/ner-resume-auto-s42", None)]),
}


def gold_tags(sentence: TaggedSentence, mapping: dict | None) -> list:
    """The sentence's gold BIO tags with types renamed; unmapped types become O."""
    if mapping is None:
        return sentence.tags
    return [tag if tag == "O" else (f"{tag[:2]}{mapping[tag[2:]]}" if tag[2:] in mapping
                                    else "O") for tag in sentence.tags]


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
    parser.add_argument("--candidate", type=Path, help="A tagger folder to run beside the "
                        "shipped one of its language, mapped the same way.")
    parser.add_argument("--only-candidate", action="store_true",
                        help="Run the candidate alone (the others are in earlier results).")
    args = parser.parse_args()
    for dataset in args.datasets:
        file, gold_mapping, models = RUNS[dataset]
        if args.candidate is not None:
            shipped = [m for m in models if m[0] in ("en-ner-minilm", "zh-ner-charcrf")]
            candidates = [(str(args.candidate.resolve()), mapping) for _, mapping in shipped]
            models = candidates if args.only_candidate else [*models, *candidates]
        sentences = read_tagged(SHARED_DATA / file)
        texts = [s.text for s in sentences]
        for model, mapping in models:
            source = str(RESULTS / model) if model.startswith("models/") else model
            source = model if Path(model).is_absolute() else source
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
            report = entity_scores([gold_tags(s, gold_mapping) for s in sentences], predicted)
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
