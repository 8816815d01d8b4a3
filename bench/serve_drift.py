"""Drift alarms of a served classifier (issue 21).

    .venv/bin/python bench/serve_drift.py [--rate 20] [--minutes 60] [--share 0.8]

The served model is the shipped English sentiment default
(src/lepton_ai/defaults/sentiment/goemotions-fin-minilm), loaded by the server's own
`load_model`, so its drift watch reads the training label counts from its manifest.
Texts: GoEmotions' sentiment grouping test split and the financial tweets' validation
split (neither trained on). Each text is predicted once through the model; the
streams then replay those predictions at ``--rate`` requests per second (one text
each) through the server's `DriftWatch` and `DriftAlarm` (checked every 30 s, a
notice after 2 minutes at PSI ≥ 0.25) in simulated time:

- **unshifted**: ``--minutes`` of texts whose gold labels follow the training mix;
  every notice is a false alarm;
- **shifted**: 10 minutes of the training mix, then ``--share`` of the texts
  negative: minutes from the start of the shift to the first notice.

Five seeds each.
"""

from __future__ import annotations

import argparse
import random
import time
from collections import defaultdict
from pathlib import Path

from _common import code_version, record
from lepton_ai.serve.drift import DriftAlarm, DriftWatch
from lepton_ai.serve.models import load_model
from sentiment_en_data import financial_tweets, goemotions

MODEL = (Path(__file__).resolve().parents[1] / "src/lepton_ai/defaults/sentiment"
         / "goemotions-fin-minilm")
CHECK_SECONDS = 30


def replay(predicted: dict[str, list[str]], weights: dict[str, float], training: dict[str, int],
           rate: float, minutes: float, seed: int,
           shift: tuple[float, dict[str, float]] | None = None) -> list[float]:
    """Minutes at which notices were sent; with ``shift`` (minute, weights) the mix
    changes at that minute."""
    rng = random.Random(seed)
    watch, alarm = DriftWatch(training), DriftAlarm()
    labels = list(weights)
    notices = []
    per_check = int(rate * CHECK_SECONDS)
    for check in range(1, int(minutes * 60 / CHECK_SECONDS) + 1):
        mix = shift[1] if shift is not None and check * CHECK_SECONDS > shift[0] * 60 \
            else weights
        gold = rng.choices(labels, [mix[label] for label in labels], k=per_check)
        batch = [rng.choice(predicted[label]) for label in gold]
        watch.observe(batch, ["x" * 80] * len(batch))
        now = check * CHECK_SECONDS
        if alarm.check([("m", "1", watch.describe())], now):
            notices.append(now / 60)
    return notices


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--share", type=float, default=0.8)
    args = parser.parse_args()
    loaded = load_model("sentiment", "1", MODEL)
    training = dict(loaded.drift.label_reference)
    pool = goemotions("test") + financial_tweets("valid")
    started = time.perf_counter()
    predicted: dict[str, list[str]] = defaultdict(list)  # gold label -> model predictions
    texts = [text for text, _ in pool]
    outputs = []
    for first in range(0, len(texts), 256):
        outputs.extend(r.label for r in loaded.predict(texts[first:first + 256]))
    for (_, gold), output in zip(pool, outputs, strict=True):
        predicted[gold].append(output)
    seconds = time.perf_counter() - started
    total = sum(training.values())
    mix = {label: count / total for label, count in training.items()}
    rest = (1 - args.share) / 2
    shifted = {label: args.share if label == "negative" else rest for label in mix}
    unshifted_runs = [replay(predicted, mix, training, args.rate, args.minutes, seed)
                      for seed in range(5)]
    shifted_runs = [replay(predicted, mix, training, args.rate, 25, seed, (10, shifted))
                    for seed in range(5)]
    record("serve_drift", {
        "code": code_version(), "model": MODEL.name, "texts": len(pool),
        "predict_seconds": round(seconds, 1), "rate": args.rate, "training_mix": mix,
        "unshifted_minutes": args.minutes,
        "unshifted_false_alarms": [len(n) for n in unshifted_runs],
        "shifted_mix": shifted,
        "shifted_minutes_to_notice": [round(n[0] - 10, 1) if n else None
                                      for n in shifted_runs],
        "notices_before_the_shift": [sum(1 for m in n if m <= 10) for n in shifted_runs]})


if __name__ == "__main__":
    main()
