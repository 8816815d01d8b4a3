"""One-line summaries of scientific abstracts and reviews: which method wins per genre (issue 26).

    .venv/bin/python bench/summarize_genres.py [--abstractive 60]

- **abstract**: the 500 Inspec test abstracts (../shared/data/inspec, never copied;
  research use, evaluation only), each paper's title as a one-line reference.
- **review**: bench/data/reviews_summaries_dev.jsonl, 20 English and 20 Chinese reviews
  whose one-line references were written with them (a development set: the verdict
  prior was chosen on it), and reviews_summaries_heldout.jsonl, 10 + 10 written after.

Contenders, each asked for one sentence: lead-1; ``lai.summarize(method="extractive",
max_sentences=1)`` as it is by default (the genre read from the text), with the genre
given (``genre="document"``: the lead prior; ``genre="review"``: the verdict prior) and
without a position prior (``lead=False``); and
the packaged language model (``method="abstractive"``, English only) on the first
``--abstractive`` texts of each English set (it is slow), with the extractive default
scored again on the same texts so the two compare like for like. ROUGE-1/2/L F1 × 100 as
bench/summarize_dialogsum.py scores them (characters for Chinese). Appends JSON lines to
bench/results/summarize_genres.jsonl.

``--reading`` only counts which texts ``lepton_ai.text.genre`` takes for reviews: AG News
test descriptions (≥ 2 sentences), Inspec test abstracts, our Chinese key-phrase
documents (bench/data), ChnSentiCorp test reviews (≥ 2 sentences) and our development
reviews (no models run).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.tasks.summarize import sentences_of
from lepton_ai.text.genre import detect_genre
from summarize_dialogsum import lead, score

DATA = Path(__file__).resolve().parent / "data"
Summarizer = Callable[[str], str]


def abstracts() -> list[tuple[str, str]]:
    """(title, abstract) of the Inspec test papers."""
    rows = []
    with (SHARED_DATA / "inspec" / "inspec_test.json").open(encoding="utf-8") as handle:
        for line in handle:
            paper = json.loads(line)
            rows.append((paper["title"], paper["abstract"]))
    return rows


def reviews(lang: str, part: str = "dev") -> list[tuple[str, str]]:
    """(reference summary, review) of our ``part`` ("dev", "heldout") reviews in ``lang``."""
    with (DATA / f"reviews_summaries_{part}.jsonl").open(encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    return [(row["summary"], row["text"]) for row in rows if row["lang"] == lang]


def lead_1(text: str) -> str:
    return lead(text, 1)


def reading() -> None:
    """The share of each set that the genre reading takes for reviews."""
    with (SHARED_DATA / "ag_news" / "test.csv").open(encoding="utf-8", newline="") as handle:
        news = [text.replace("\\", " ") for _, _, text in csv.reader(handle)]
    with (SHARED_DATA / "chnsenticorp" / "test.tsv").open(encoding="utf-8") as handle:
        chinese_reviews = [line.split("\t", 1)[1].strip() for line in list(handle)[1:]]
    with (DATA / "zh_keyphrases_dev.jsonl").open(encoding="utf-8") as handle:
        chinese_documents = [json.loads(line)["text"] for line in handle if line.strip()]
    sets = {
        "AG News test, >= 2 sentences": [t for t in news if len(sentences_of(t)) >= 2],
        "Inspec test abstracts": [abstract for _, abstract in abstracts()],
        "our Chinese key-phrase documents": chinese_documents,
        "ChnSentiCorp test, >= 2 sentences": [t for t in chinese_reviews
                                              if len(sentences_of(t)) >= 2],
        "our English development reviews": [text for _, text in reviews("en")],
        "our Chinese development reviews": [text for _, text in reviews("zh")],
    }
    for name, texts in sets.items():
        share = sum(detect_genre(text) == "review" for text in texts) / len(texts)
        record("summarize_genres", {"reading": name, "texts": len(texts),
                                    "read_as_review": round(share, 4), "code": code_version()})


def extractive(lead: bool = True, genre: str = "auto") -> Summarizer:
    return lambda text: lai.summarize(text, method="extractive", max_sentences=1,
                                      lead=lead, genre=genre).text


def abstractive(text: str) -> str:
    return lai.summarize(text, method="abstractive", max_sentences=1).text


def run(genre: str, rows: list[tuple[str, str]], contenders: dict[str, Summarizer],
        chinese: bool) -> None:
    references = [reference for reference, _ in rows]
    for method, summarize in contenders.items():
        with LoadMeter([os.getpid()]) as meter:
            started = time.perf_counter()
            predictions = [summarize(text) for _, text in rows]
            seconds = time.perf_counter() - started
        result = {"genre": genre, "method": method, "texts": len(rows),
                  **score(predictions, references, chinese=chinese),
                  "texts_per_s": round(len(rows) / seconds, 2), "example": predictions[0][:200],
                  "foreign_cores": round(meter.foreign_cores, 2), "code": code_version()}
        record("summarize_genres", result)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--abstractive", type=int, default=60,
                        help="English texts per set for the (slow) language model; 0 skips it.")
    parser.add_argument("--reading", action="store_true",
                        help="Only count which texts are read as reviews.")
    args = parser.parse_args()
    if args.reading:
        reading()
        return
    extractive_contenders = {"lead-1": lead_1,
                             "extractive-1 (default: genre read from the text)": extractive(),
                             "extractive-1, genre=document": extractive(genre="document"),
                             "extractive-1, genre=review": extractive(genre="review"),
                             "extractive-1, lead=False": extractive(lead=False)}
    sets = (("abstract (Inspec test, title)", abstracts(), False),
            ("review, en (ours, dev)", reviews("en"), False),
            ("review, zh (ours, dev)", reviews("zh"), True),
            ("review, en (ours, held-out)", reviews("en", "heldout"), False),
            ("review, zh (ours, held-out)", reviews("zh", "heldout"), True))
    for genre, rows, chinese in sets:
        run(genre, rows, extractive_contenders, chinese)
        if args.abstractive and not chinese:
            run(f"{genre}, first {args.abstractive}", rows[:args.abstractive],
                {"abstractive (packaged LM)": abstractive,
                 "extractive-1 (default)": extractive()}, chinese)


if __name__ == "__main__":
    main()
