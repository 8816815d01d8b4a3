"""Extractive summary latency of long texts: 2,000 English words, 3,000 Chinese characters.

    .venv/bin/python bench/summarize_speed.py

English: AG News test descriptions (../shared/data/ag_news, evaluation only) joined
until 2,000 words; Chinese: UNER Chinese GSDSIMP test sentences (Wikipedia) joined until
3,000 characters. Times ``lai.summarize(text, method="extractive")`` (3 sentences) after
one warm-up call, 20 runs, p50 and p90; and, in the same run, the same call with every
sentence embedded (the path texts of up to ``EMBED_ALL_UP_TO`` sentences take). Appends
JSON lines to bench/results/summarize_speed.jsonl with the cores other processes used.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
import lepton_ai.tasks.summarize as summarize_module
from _common import SHARED_DATA, LoadMeter, code_version, record

RUNS = 20


def english_text(words: int = 2000) -> str:
    with (SHARED_DATA / "ag_news" / "test.csv").open(encoding="utf-8", newline="") as handle:
        descriptions = [row[2].replace("\\", " ") for row in csv.reader(handle)]
    parts, count = [], 0
    for description in descriptions:
        parts.append(description)
        count += len(description.split())
        if count >= words:
            break
    return "\n\n".join(parts)


def chinese_text(characters: int = 3000) -> str:
    path = SHARED_DATA / "uner_zh_gsdsimp" / "zh_gsdsimp-ud-test.iob2"
    parts, count = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# text = "):
            parts.append(line.removeprefix("# text = ").strip())
            count += len(parts[-1])
            if count >= characters:
                break
    return "".join(parts)


def timed(text: str) -> dict[str, float]:
    lai.summarize(text, method="extractive")
    seconds = []
    for _ in range(RUNS):
        started = time.perf_counter()
        lai.summarize(text, method="extractive")
        seconds.append(time.perf_counter() - started)
    seconds.sort()
    return {"p50_ms": round(1000 * statistics.median(seconds), 1),
            "p90_ms": round(1000 * seconds[int(0.9 * RUNS) - 1], 1)}


def main() -> None:
    texts = {"english, 2,000 words": english_text(), "chinese, 3,000 characters": chinese_text()}
    default_limit = summarize_module.EMBED_ALL_UP_TO
    for name, text in texts.items():
        sentences = len(summarize_module.sentences_of(text))
        for path, limit in (("default (word centrality, 12 embedded)", default_limit),
                            ("every sentence embedded", 10**9)):
            summarize_module.EMBED_ALL_UP_TO = limit
            with LoadMeter([os.getpid()]) as meter:
                result = timed(text)
            record("summarize_speed", {"text": name, "sentences": sentences, "path": path,
                                       **result, "foreign_cores": round(meter.foreign_cores, 2),
                                       "code": code_version()})
    summarize_module.EMBED_ALL_UP_TO = default_limit


if __name__ == "__main__":
    main()
