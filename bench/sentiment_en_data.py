"""Write the English 3-way sentiment training set of the shipped default (permissive data only).

    .venv/bin/python bench/sentiment_en_data.py OUT_DIR

OUT_DIR/train.csv and OUT_DIR/dev.csv (columns text,label,source; labels negative /
neutral / positive) from two sets that ../shared/data/README.md lists as permissive:

- GoEmotions' sentiment grouping (Apache-2.0): single-label rows, "ambiguous" dropped;
  train.tsv → train, dev.tsv → dev.
- twitter_financial_news_sentiment (MIT): bearish → negative, bullish → positive;
  sent_train.csv split 90/10 (seed 0) into train and dev. Its sent_valid.csv stays
  unseen: it is the benchmark (bench/sentiment.py --suite three-way).

Then: ``lai train OUT_DIR/train.csv --eval OUT_DIR/dev.csv --method lora ...`` (the
command is in docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA

GROUP_LABELS = {"1": "negative", "2": "neutral", "3": "positive"}  # 0 = ambiguous
TWEET_LABELS = {"0": "negative", "1": "positive", "2": "neutral"}


def goemotions(split: str) -> list[tuple[str, str]]:
    """Single-label, non-ambiguous rows of GoEmotions' sentiment grouping."""
    rows = []
    path = SHARED_DATA / "goemotions" / "group" / f"{split}.tsv"
    with path.open(encoding="utf-8") as handle:
        for text, ids, _ in csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            if ids in GROUP_LABELS:
                rows.append((text, GROUP_LABELS[ids]))
    return rows


def financial_tweets(split: str) -> list[tuple[str, str]]:
    """Financial news tweets with bearish/bullish/neutral mapped to the three sentiments."""
    path = SHARED_DATA / "twitter_financial_news_sentiment" / f"sent_{split}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], TWEET_LABELS[row["label"]]) for row in csv.DictReader(handle)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--sources", default="goemotions,financial-tweets",
                        help="comma list: goemotions, financial-tweets")
    args = parser.parse_args()
    wanted = set(args.sources.split(","))
    tweets = financial_tweets("train")
    random.Random(0).shuffle(tweets)
    cut = len(tweets) // 10
    splits = {
        "train": [(t, lab, "goemotions") for t, lab in goemotions("train")]
        + [(t, lab, "financial-tweets") for t, lab in tweets[cut:]],
        "dev": [(t, lab, "goemotions") for t, lab in goemotions("dev")]
        + [(t, lab, "financial-tweets") for t, lab in tweets[:cut]],
    }
    args.out.mkdir(parents=True, exist_ok=True)
    for name, rows in splits.items():
        rows = [row for row in rows if row[2] in wanted]
        random.Random(1).shuffle(rows)
        with (args.out / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["text", "label", "source"])
            writer.writerows(rows)
        print(f"{name}: {len(rows)} rows → {args.out / f'{name}.csv'}")


if __name__ == "__main__":
    main()
