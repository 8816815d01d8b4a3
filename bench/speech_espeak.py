"""Speech to text on sentences spoken by espeak-ng: word error rate and real-time factor.

    .venv/bin/python bench/speech_espeak.py            # 50 English sentences
    .venv/bin/python bench/speech_espeak.py --n 100
    .venv/bin/python bench/speech_espeak.py --beam-size 1   # greedy decoding
    .venv/bin/python bench/speech_espeak.py --full-window   # Whisper's 30 s every call

Sentences: the first STS-B test sentences (../shared/data/stsb) without digits (espeak
reads "12" as "twelve", Whisper writes "12"), 6–25 words, spoken by Debian's espeak-ng
(voice en-us, 160 words/min) into 22 kHz WAV files. WER = word edit distance / reference
words, after lower-casing and removing punctuation, over all sentences. Real-time
factor (RTF) = transcription seconds / audio seconds: per sentence (each call encodes
a window fitted to the clip, or with --full-window Whisper's 30 s), and for one long
recording of every sentence joined.

Chinese: the same with a few Chinese sentences and espeak-ng's Mandarin voice (cmn),
scored by character error rate. espeak-ng's Mandarin is far from natural speech, so
this says little about real Chinese recordings. Appends to
bench/results/speech_espeak.jsonl with the cores other processes used.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from _common import LoadMeter, code_version, edit_distance, record, stsb_sentences

CHINESE = ["客户说信用卡被重复扣费了。", "请在周五之前把发票寄到财务部。",
           "今天的天气很好，我们去公园散步吧。", "这家酒店的服务非常好。", "我的快递还没有送到。"]


def words(text: str) -> list[str]:
    return re.sub(r"[^\w\s']", " ", text.lower()).split()


def spoken_sentences(n: int) -> list[str]:
    """The first ``n`` STS-B sentences espeak-ng and Whisper agree on how to write: no
    digits, 6–25 words."""
    return [s for s in stsb_sentences(4000)
            if not re.search(r"\d", s) and 6 <= len(s.split()) <= 25][:n]


def speak(text: str, voice: str, path: Path) -> float:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "160", "-w", str(path), text], check=True)
    with wave.open(str(path)) as audio:
        return audio.getnframes() / audio.getframerate()


def join(paths: list[Path], out: Path) -> None:
    with wave.open(str(paths[0])) as first:
        params = first.getparams()
    with wave.open(str(out), "wb") as joined:
        joined.setparams(params)
        for path in paths:
            with wave.open(str(path)) as audio:
                joined.writeframes(audio.readframes(audio.getnframes()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50)
    parser.add_argument("--beam-size", type=int, default=5, help="lai.transcribe's beam_size")
    parser.add_argument("--full-window", action="store_true",
                        help="lai.transcribe(fit_window=False): encode all 30 s each call")
    args = parser.parse_args()
    sentences = spoken_sentences(args.n)
    folder = Path(tempfile.mkdtemp(prefix="lai-speech-"))
    paths, seconds_of_audio = [], 0.0
    for index, sentence in enumerate(sentences):
        paths.append(folder / f"{index:03d}.wav")
        seconds_of_audio += speak(sentence, "en-us", paths[-1])
    lai.transcribe(paths[0])  # load the model outside the timing
    with LoadMeter([os.getpid()]) as meter:
        errors = total = 0
        started = time.perf_counter()
        for path, sentence in zip(paths, sentences, strict=True):
            heard = lai.transcribe(path, language="en", beam_size=args.beam_size,
                                   fit_window=not args.full_window).text
            errors += edit_distance(words(sentence), words(heard))
            total += len(words(sentence))
        each = time.perf_counter() - started
        join(paths, folder / "all.wav")
        started = time.perf_counter()
        long_text = lai.transcribe(folder / "all.wav", language="en", beam_size=args.beam_size,
                                   fit_window=not args.full_window).text
        joined = time.perf_counter() - started
        long_wer = edit_distance(words(" ".join(sentences)), words(long_text)) / total
        zh_errors = zh_total = 0
        for index, sentence in enumerate(CHINESE):
            path = folder / f"zh{index}.wav"
            speak(sentence, "cmn", path)
            heard = lai.transcribe(path, language="zh", fit_window=not args.full_window).text
            reference = re.sub(r"[^\w]", "", sentence)
            zh_errors += edit_distance(reference, re.sub(r"[^\w]", "", heard))
            zh_total += len(reference)
    record("speech_espeak", {
        "code": code_version(), "sentences": len(sentences), "beam_size": args.beam_size,
        "fit_window": not args.full_window,
        "audio_seconds": round(seconds_of_audio, 1), "wer": round(errors / total, 4),
        "rtf_per_sentence": round(each / seconds_of_audio, 3),
        "long_recording": {"seconds": round(seconds_of_audio, 1), "wer": round(long_wer, 4),
                           "rtf": round(joined / seconds_of_audio, 3)},
        "chinese_espeak_cer": round(zh_errors / zh_total, 4),
        "threads": lai.settings.threads, "foreign_cores": round(meter.foreign_cores, 2)})


if __name__ == "__main__":
    main()
