"""How batch planning affects encoder speed: the padding bound and the batch-size cap.

Encodes 2,000 shuffled STS-B sentences with the default English encoder, either
as calls of 32 (what a served batch of 32 one-sentence requests looks like) or
as one call, under each planning rule. ``max_padding=1.0, max_batch=64`` is the
rule before the padding bound (sort, then fill to the cap).

    .venv/bin/python bench/batch_padding.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai.models.batching as batching
from _common import LoadMeter, code_version, record, stsb_sentences
from lepton_ai.models.loader import load_encoder
from lepton_ai.settings import settings

RULES = ((1.0, 64), (0.25, 64), (0.1, 64), (0.1, 16), (0.0, 16))


def rate(encode, sentences: list[str], chunk: int, seconds: float = 6.0) -> float:
    started, done = time.perf_counter(), 0
    while time.perf_counter() - started < seconds:
        for start in range(0, len(sentences), chunk):
            done += len(encode(sentences[start:start + chunk]))
    return done / (time.perf_counter() - started)


def main() -> None:
    sentences = stsb_sentences(2000)
    random.Random(0).shuffle(sentences)
    encoder = load_encoder("all-MiniLM-L6-v2")
    encoder.encode(sentences[:64])
    for max_padding, max_batch in RULES:
        batching.MAX_PADDING = max_padding
        settings.max_batch_size = max_batch
        for chunk in (32, 2000):
            with LoadMeter([os.getpid()]) as meter:
                speed = rate(encoder.encode, sentences, chunk)
            record("batch_padding", {"max_padding": max_padding, "max_batch": max_batch,
                                     "call_size": chunk, "sent_per_s": round(speed, 1),
                                     "foreign_cores": round(meter.foreign_cores, 2),
                                     "code": code_version()})


if __name__ == "__main__":
    main()
