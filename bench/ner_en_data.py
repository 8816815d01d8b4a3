"""Write the English entity training set of the shipped default tagger (permissive data only).

    .venv/bin/python bench/ner_en_data.py OUT_DIR

OUT_DIR/train.bio and OUT_DIR/dev.bio (token TAB tag, BIO) from sets that
../shared/data/README.md lists as permissive, with their types mapped onto
PERSON / ORG / LOC / PRODUCT / MISC:

- wnut17 (CC BY 4.0): train → train, dev → dev; person → PERSON, group and
  corporation → ORG, location → LOC, product → PRODUCT, creative-work → MISC;
- btc (CC BY 4.0): sections a, b, e, g, h → train (f is the test section, as in the
  paper); PER → PERSON, ORG, LOC;
- wikigold (CC BY 4.0): all → train; PER → PERSON, ORG, LOC, MISC;
- sec_filings (CC BY 3.0): FIN5 → train (FIN3 is its test file); PER → PERSON, ORG,
  LOC, MISC.

``--formal-weight N`` repeats the formal-text sets (WikiGold, SEC filings) N times:
tweets are two thirds of the sentences otherwise, and news and filings read differently.

Test sets, never trained on: CoNLL-2003 test, WNUT-17 test, BTC section f, FIN3
(``bench/ner.py conll wnut17 btc sec``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA
from lepton_ai.data.tagged import TaggedSentence, read_tagged

TYPES = {
    "person": "PERSON", "PER": "PERSON", "group": "ORG", "corporation": "ORG", "ORG": "ORG",
    "location": "LOC", "LOC": "LOC", "product": "PRODUCT", "creative-work": "MISC",
    "MISC": "MISC",
}
TRAIN = {
    "wnut17": ["wnut17/wnut17train.conll"],
    "btc": [f"btc/{section}.conll" for section in "abegh"],
    "wikigold": ["wikigold/CONLL-format/data/wikigold.conll.txt"],
    "sec_filings": ["sec_filings/FIN5.txt"],
}
DEV = {"wnut17": ["wnut17/emerging.dev.conll"]}


def mapped(sentence: TaggedSentence) -> TaggedSentence:
    """The sentence with its entity types renamed (see TYPES)."""
    tags = [tag if tag == "O" else f"{tag[:2]}{TYPES[tag[2:]]}" for tag in sentence.tags]
    return TaggedSentence(sentence.tokens, tags, sentence.text, sentence.starts)


FORMAL = ("wikigold", "sec_filings")


def write(path: Path, sources: dict[str, list[str]], formal_weight: int = 1) -> None:
    count = 0
    with path.open("w", encoding="utf-8") as handle:
        for source, files in sources.items():
            repeats = formal_weight if source in FORMAL else 1
            for name in files * repeats:
                for sentence in read_tagged(SHARED_DATA / name):
                    sentence = mapped(sentence)
                    for token, tag in zip(sentence.tokens, sentence.tags, strict=True):
                        handle.write(f"{token}\t{tag}\n")
                    handle.write("\n")
                    count += 1
    print(f"{path}: {count} sentences from {', '.join(sources)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--formal-weight", type=int, default=1)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    write(args.out / "train.bio", TRAIN, args.formal_weight)
    write(args.out / "dev.bio", DEV)


if __name__ == "__main__":
    main()
