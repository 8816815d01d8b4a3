"""How short the fitted Whisper window may be: WER and real-time factor per window rule.

    .venv/bin/python bench/speech_window.py                         # 1-sentence clips
    .venv/bin/python bench/speech_window.py --per-clip 4 --clips 25 --windows 1000,3000
    .venv/bin/python bench/speech_window.py --windows 1000:2,1000:3,3000
    .venv/bin/python bench/speech_window.py --detect                # language detected

Clips: espeak-ng speaking the STS-B sentences of bench/speech_espeak.py, ``--per-clip``
of them joined into one utterance. For each window rule, FLOOR[:PER_SPEECH] in frames of
10 ms (the fitted window is PER_SPEECH times the speech, at least FLOOR: see
lepton_ai/speech/window.py; PER_SPEECH defaults to the shipped one; 3000 is Whisper's
full window, ``fit_window=False``), every clip is transcribed on its own; the rules
alternate for ``--passes`` passes.
Appends to bench/results/speech_window.jsonl with the cores other processes used.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version, edit_distance, record
from lepton_ai.speech import window
from lepton_ai.speech.window import FULL_WINDOW_FRAMES
from speech_espeak import speak, spoken_sentences, words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--windows", default="1000,1500,2000,3000",
                        help="window rules to compare: FLOOR[:PER_SPEECH] in 10-ms frames")
    parser.add_argument("--per-clip", type=int, default=1, help="sentences per clip")
    parser.add_argument("--clips", type=int, default=50)
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--detect", action="store_true", help="detect the language")
    args = parser.parse_args()
    needed = args.per_clip * args.clips
    sentences = spoken_sentences(needed)
    texts = [" ".join(sentences[i:i + args.per_clip]) for i in range(0, needed, args.per_clip)]
    folder = Path(tempfile.mkdtemp(prefix="lai-speech-window-"))
    paths = [folder / f"{index:03d}.wav" for index in range(len(texts))]
    seconds = sum(speak(text, "en-us", path) for text, path in zip(texts, paths, strict=True))
    language = None if args.detect else "en"
    lai.transcribe(paths[0])  # load the model outside the timing
    shipped_per_speech = window.WINDOW_PER_SPEECH
    rules = args.windows.split(",")
    results: dict[str, list[dict]] = {rule: [] for rule in rules}
    with LoadMeter([os.getpid()]) as meter:
        for _ in range(args.passes):
            for rule in rules:
                floor_text, _, per_speech = rule.partition(":")
                floor = int(floor_text)
                window.SHORTEST_WINDOW_FRAMES = min(floor, FULL_WINDOW_FRAMES)
                window.WINDOW_PER_SPEECH = float(per_speech or shipped_per_speech)
                errors = total = 0
                detected: set[str] = set()
                started = time.perf_counter()
                for path, text in zip(paths, texts, strict=True):
                    heard = lai.transcribe(path, language=language,
                                           fit_window=floor < FULL_WINDOW_FRAMES)
                    errors += edit_distance(words(text), words(heard.text))
                    total += len(words(text))
                    detected.add(heard.language)
                took = time.perf_counter() - started
                results[rule].append({"wer": round(errors / total, 4),
                                       "rtf": round(took / seconds, 3),
                                       "languages": sorted(detected)})
                print(rule, results[rule][-1], flush=True)
    record("speech_window", {
        "code": code_version(), "clips": len(texts), "per_clip": args.per_clip,
        "audio_seconds": round(seconds, 1), "detect": args.detect,
        "by_window_rule": results,
        "threads": lai.settings.threads, "foreign_cores": round(meter.foreign_cores, 2)})


if __name__ == "__main__":
    main()
