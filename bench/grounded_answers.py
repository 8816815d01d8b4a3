"""Grounded answers (``lai.answer``) on a question set written over AG News articles.

Collection: the first 500 articles of ../shared/data/ag_news/test.csv (title +
description, read in place, never copied), indexed once with the default English
encoder; each article's id is ``ag-<row>``. Questions (written for this benchmark):
30 with a short answer that appears verbatim in one article, and 15 that none of
the articles answers.

Reported:
* answerable: answered rate; citation hit (the cited article is the one holding
  the answer); answer correct (the gold answer string is in the answer); supported
  (correct and cited from the right article); "I don't know" rate;
* unanswerable: "I don't know" rate (higher is better), split into refusals by
  retrieval (best passage below ``min_score``) and by the model.

    .venv/bin/python bench/grounded_answers.py
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record

ARTICLES = 500
#: (question, gold answer as written in the article, the article's row)
ANSWERABLE = [
    ("How many stolen cards has the UK's card fraud unit recovered?", "36,000", 9),
    ("How large is the ant colony discovered in Melbourne?", "100km", 13),
    ("What is Jupiter's largest moon?", "Ganymede", 16),
    ("What was Michael Phelps's world-record time in the 400 individual medley?",
     "8.26", 26),
    ("Whose home runs helped the Cleveland Indians beat the Minnesota Twins?",
     "Hafner", 31),
    ("How many batters did Randy Johnson strike out against the Mets?", "14", 51),
    ("Which injury kept J.D. Drew out of the Braves' lineup?", "quadriceps", 45),
    ("Which market in China did Dell leave?", "low-end", 47),
    ("Whose Asia-Pacific steel operations will Tata buy?", "NatSteel", 56),
    ("Which Dutch music retail chain launched a download service before Apple?",
     "Free Record Shop", 12),
    ("Who is the author of the Netsky and Sasser viruses?", "Jaschan", 6),
    ("Where did Pope John Paul II celebrate an open-air Mass?", "Lourdes", 35),
    ("By how much did Sohu.com shares fall?", "10 per cent", 43),
    ("Where are the F-15E fighters being sent to South Korea based?", "Alaska", 50),
    ("Who doubled in the go-ahead run for the Anaheim Angels against Detroit?",
     "Erstad", 44),
    ("At which tournament did Tiger Woods win his last major championship?",
     "2002 U.S. Open", 49),
    ("IBM plans its biggest headcount since which year?", "1991", 20),
    ("What is the minimum number of shares in Google's public IPO bidding?", "five", 23),
    ("Southern California's smog agency adopted rules to reduce pollution from what?",
     "manure", 4),
    ("How much faster is the wireless standard proposed by Texas Instruments and others?",
     "10 times", 10),
    ("How much money did the man who accused McGreevey seek in a settlement?",
     "50 million", 33),
    ("What is the name of David Ortiz's baby boy?", "D'Angelo", 29),
    ("Which cleric did delegates urge to pull his fighters out of Najaf?", "Sadr", 57),
    ("Which bank did Vodafone hire for its Cesky bid?", "Citi", 53),
    ("The wreckage of which hurricane did President Bush tour?", "Charley", 42),
    ("At which university was the founder of the peptide company a researcher?",
     "Louisville", 2),
    ("Which police force warned about phishing after its fraud squad chief was targeted?",
     "Wiltshire", 8),
    ("Which president did Venezuelans vote on recalling?", "Chavez", 46),
    ("How many underwriters does Google's IPO have?", "28", 23),
    ("Which company's flagship video-editing software is Final Cut Pro?", "Apple", 11),
]
UNANSWERABLE = [
    "What is the boiling point of mercury?",
    "How do I bake sourdough bread at home?",
    "What is the capital of Mongolia?",
    "How many moons does Neptune have?",
    "Which programming language is the Django web framework written in?",
    "How tall is the Eiffel Tower?",
    "What interest rate does a Barclays savings account pay?",
    "Who painted the Mona Lisa?",
    "What is the population of Iceland?",
    "How long should I boil an egg for a soft yolk?",
    "What is the speed of sound in water?",
    "Who composed The Four Seasons?",
    "What is the chemical formula of table salt?",
    "How do I reset the password of my online banking account?",
    "What time does the Porto branch of the bank open on Saturdays?",
]


def articles() -> list[dict[str, str]]:
    with (SHARED_DATA / "ag_news" / "test.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))[:ARTICLES]
    return [{"id": f"ag-{i}", "text": f"{title}. {body}".replace("\\", " ")}
            for i, (_, title, body) in enumerate(rows)]


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--min-score", type=float, default=0.35)
    parser.add_argument("--k", type=int, default=3)
    args = parser.parse_args()
    index = lai.Index.from_texts(articles())
    outcomes = []
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        for question, gold, row in ANSWERABLE:
            result = lai.answer(question, index=index, k=args.k, min_score=args.min_score)
            cited = result.citations[0] if result.citations else None
            correct = result.known and normalised(gold) in normalised(result.text)
            hit = cited is not None and cited.document == f"ag-{row}"
            outcomes.append(("answerable", result.known, correct, hit, result.confidence,
                             question, result.text))
        for question in UNANSWERABLE:
            result = lai.answer(question, index=index, k=args.k, min_score=args.min_score)
            outcomes.append(("unanswerable", result.known, False, False, result.confidence,
                             question, result.text))
        seconds = time.perf_counter() - started
    answerable = [o for o in outcomes if o[0] == "answerable"]
    unanswerable = [o for o in outcomes if o[0] == "unanswerable"]
    by_retrieval = sum(1 for o in unanswerable if not o[1] and o[4] < args.min_score)
    record("grounded_answers", {
        "questions": len(outcomes), "articles": ARTICLES, "k": args.k,
        "min_score": args.min_score,
        "answerable_answered": round(sum(o[1] for o in answerable) / len(answerable), 3),
        "answer_correct": round(sum(o[2] for o in answerable) / len(answerable), 3),
        "citation_hit": round(sum(o[3] for o in answerable) / len(answerable), 3),
        "supported": round(sum(o[2] and o[3] for o in answerable) / len(answerable), 3),
        "answerable_dont_know": round(sum(not o[1] for o in answerable) / len(answerable), 3),
        "unanswerable_dont_know": round(sum(not o[1] for o in unanswerable)
                                        / len(unanswerable), 3),
        "dont_know_by_retrieval": by_retrieval,
        "dont_know_by_model": sum(1 for o in unanswerable if not o[1]) - by_retrieval,
        "seconds_per_question": round(seconds / len(outcomes), 2),
        "examples": [{"q": o[5], "a": o[6][:160], "ok": o[2], "hit": o[3],
                      "score": round(o[4], 3)} for o in outcomes],
        "foreign_cores": round(meter.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
