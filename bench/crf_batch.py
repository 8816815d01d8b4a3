"""How many pieces the BiLSTM-CRF tagger reads per batch: AnEM pages, tagging only.

    .venv/bin/python bench/crf_batch.py bench/results/anem-crf

The 81 one-page documents of ``bench/extract_anem.py``, cut into the pieces `lai.ner`
gives a tagger; each batch size tags all of them, the sizes alternating, five rounds;
pages/s, median. Sets ``tasks.tagger.CRF_BATCH``. Appends to bench/results/crf_batch.jsonl.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record
from extract_anem import DATA, pages_of
from lepton_ai.data.tagged import read_tagged
from lepton_ai.tasks import tagger
from lepton_ai.tasks.ner import PIECE_CHARS, sentence_pieces
from lepton_ai.text.bio import tokenize

SIZES = (32, 64, 128)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="a charcrf tagger folder")
    args = parser.parse_args()
    pages = pages_of([" ".join(s.tokens) for s in read_tagged(DATA / "AnEM.test")])
    pieces = [tokenize(piece)[0] for page in pages
              for _, piece in sentence_pieces(page, PIECE_CHARS)]
    model = tagger.load_tagger(args.model)
    model.tag_tokens(pieces[:10])
    rates: dict[int, list[float]] = {size: [] for size in SIZES}
    with LoadMeter([os.getpid()]) as meter:
        for _ in range(5):
            for size in SIZES:
                tagger.CRF_BATCH = size
                started = time.perf_counter()
                model.tag_tokens(pieces)
                rates[size].append(len(pages) / (time.perf_counter() - started))
    record("crf_batch", {"code": code_version(), "pages": len(pages), "pieces": len(pieces),
                         "pages_per_s": {size: [round(r, 1) for r in found]
                                         for size, found in rates.items()},
                         "median": {size: round(statistics.median(found), 1)
                                    for size, found in rates.items()},
                         "foreign_cores": round(meter.foreign_cores, 2)})


if __name__ == "__main__":
    main()
