"""Extraction for medical records: an anatomy tagger trained on AnEM, then a schema run.

    .venv/bin/python bench/extract_anem.py                    # train, evaluate, time
    .venv/bin/python bench/extract_anem.py --model models/anem --no-train
    .venv/bin/python bench/extract_anem.py --method charcrf --model bench/results/anem-crf

AnEM (../shared/data/anem, CC BY-SA 3.0; 11 anatomical types in PubMed abstracts and
PMC extracts). The tagger is trained with ``lai.train(..., task="ner")`` on
AnEM.train (its default English method and base, the path ``lai train --task ner``
takes) and scored on AnEM.test: entity-level micro F1 with exact spans (seqeval).

Extraction speed: "1-page documents" of about 3,000 characters, made by joining
consecutive AnEM test sentences, run through a medical schema: one entity field per
anatomical type (the trained tagger: one pass per document), a dose pattern, a drug
dictionary and a key–value field; documents/s over all of them, no OCR, and of the
same schema without its entity fields (rules only). Appends to
bench/results/extract_anem.jsonl with the cores other processes used.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version, record
from lepton_ai.data.tagged import read_tagged

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "anem" / "CONLL-format" / "data"
TYPES = ("Organ", "Cell", "Tissue", "Pathological_formation", "Multi-tissue_structure",
         "Organism_subdivision", "Cellular_component", "Developing_anatomical_structure",
         "Organism_substance", "Immaterial_anatomical_entity", "Anatomical_system")
PAGE_CHARS = 3000


def pages_of(sentences: list[str]) -> list[str]:
    pages, current = [], ""
    for sentence in sentences:
        current = f"{current} {sentence}".strip()
        if len(current) >= PAGE_CHARS:
            pages.append(current)
            current = ""
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="bench/results/anem-tagger")
    parser.add_argument("--no-train", action="store_true")
    parser.add_argument("--epochs", type=int, default=None, help="default: the method's")
    parser.add_argument("--method", default="auto",
                        help="the tagger's training method (charcrf: the word BiLSTM-CRF)")
    args = parser.parse_args()
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        if args.no_train:
            model = lai.load(args.model)
        else:
            epochs = {"epochs": args.epochs} if args.epochs else {}
            model = lai.train(DATA / "AnEM.train", task="ner", out=args.model,
                              method=args.method, **epochs)
        train_seconds = time.perf_counter() - started
        scores = model.evaluate(DATA / "AnEM.test")
        test = read_tagged(DATA / "AnEM.test")
        texts = [" ".join(sentence.tokens) for sentence in test]
        documents = pages_of(texts)
        schema = {"name": "anatomy", "fields": {
            **{kind.lower(): {"type": "entity", "label": kind, "model": args.model, "many": True}
               for kind in TYPES},
            "dose": {"type": "pattern", "pattern": r"\d+(?:\.\d+)?\s?(?:mg|g|ml|µg)\b",
                     "many": True},
            "drug": {"type": "dictionary", "terms": ["aspirin", "insulin", "heparin",
                                                     "clindamycin", "tamoxifen"],
                     "ignore_case": True, "many": True},
            "patient": {"type": "key_value", "keys": ["Patient", "Name"]}}}
        lai.extract(documents[:2], schema)  # load outside the timing
        started = time.perf_counter()
        results = lai.extract(documents, schema)
        extract_seconds = time.perf_counter() - started
        rules = {"name": "rules", "fields": {name: spec for name, spec in schema["fields"].items()
                                             if spec["type"] != "entity"}}
        started = time.perf_counter()
        lai.extract(documents, rules)
        rules_seconds = time.perf_counter() - started
    found = sum(len(values or []) for result in results for name, values in result.fields.items()
                if name in {kind.lower() for kind in TYPES})
    record("extract_anem", {
        "code": code_version(), "method": model.manifest.method, "epochs": args.epochs or "default",
        "train_seconds": round(train_seconds, 1),
        "test": {key: scores.get(key) for key in ("f1", "precision", "recall", "micro_f1")
                 if key in scores},
        "documents": len(documents), "mean_chars": round(sum(map(len, documents))
                                                         / len(documents)),
        "documents_per_s": round(len(documents) / extract_seconds, 1),
        "rules_only_documents_per_s": round(len(documents) / rules_seconds, 1),
        "anatomy_values": found, "foreign_cores": round(meter.foreign_cores, 2)})


if __name__ == "__main__":
    main()
