"""Pair training (`lai train --task pair`) on STS-B (issue 20).

    .venv/bin/python bench/pair_stsb.py [--epochs 1]

Fine-tunes the default English encoder (all-MiniLM-L6-v2) on the STS-B train pairs
(5,749; scores 0–5 scaled to 0–1) with the dev pairs held out, and reports the
Spearman correlation (×100) of cosine and gold on the 1,379 test pairs before and
after. Published reference: all-MiniLM-L6-v2 82.03 on STS-B test (MTEB). Appends
to bench/results/pair_stsb.jsonl.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import code_version, record, stsb_pairs
from lepton_ai.models.loader import load_encoder
from lepton_ai.tasks.embed import encode_texts
from lepton_ai.training.pair_training import PairSet, spearman, train_pairs


def pairs(split: str) -> PairSet:
    rows = stsb_pairs(split)
    return PairSet([a for _, a, _ in rows], [b for _, _, b in rows],
                   [score / 5.0 for score, _, _ in rows])


def test_spearman(model: str, test: PairSet) -> float:
    encoder = load_encoder(model)
    return spearman(encode_texts(encoder, test.first, role="document", show_progress=False),
                    encode_texts(encoder, test.second, role="document", show_progress=False),
                    test.scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=1)
    args = parser.parse_args()
    train, dev, test = pairs("train"), pairs("dev"), pairs("test")
    before = test_spearman("all-MiniLM-L6-v2", test)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        report = train_pairs(train, eval_data=dev, out=Path(folder) / "matcher",
                             epochs=args.epochs)
        seconds = time.perf_counter() - started
        after = test_spearman(str(Path(folder) / "matcher"), test)
    record("pair_stsb", {"bench": "pair_stsb", "code": code_version(), "epochs": args.epochs,
                         "train_pairs": len(train), "train_s": round(seconds, 1),
                         "dev_spearman": [report.spearman_before, report.spearman_after],
                         "test_spearman_before": before, "test_spearman_after": after})


if __name__ == "__main__":
    main()
