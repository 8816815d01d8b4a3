"""`--resume` after `kill -9`: does the resumed run reach the uninterrupted run's accuracy?

    .venv/bin/python bench/resume_check.py            # BANKING77, 10 examples per intent

Writes the few-shot training file, runs `lai train` twice through the CLI: once
straight through, once killed with SIGKILL as soon as the checkpoint of step
``--kill-after`` exists and then continued with ``--resume``. Both models are
evaluated on the BANKING77 test split; one JSON line goes to
bench/results/resume_check.jsonl.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import lepton_ai as lai
from lepton_ai.artifacts.staging import staging_folder
from lepton_ai.data.labelled import sample_per_label
from train_classify import RESULTS, banking77

LAI = str(Path(sys.executable).with_name("lai"))


def write_train_file(path: Path, per_label: int) -> None:
    data = sample_per_label(banking77("train"), per_label, seed=0)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(zip(data.texts, [labels[0] for labels in data.labels], strict=True))


def train_command(data: Path, out: Path, every: int, resume: bool = False) -> list[str]:
    return [LAI, "train", str(data), "--out", str(out), "--method", "fewshot",
            "--checkpoint-every", str(every), "--seed", "0", *(["--resume"] if resume else [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-label", type=int, default=10)
    parser.add_argument("--every", type=int, default=40)
    parser.add_argument("--kill-after", type=int, default=120)
    args = parser.parse_args()
    work = RESULTS / "resume_check"
    work.mkdir(parents=True, exist_ok=True)
    data = work / "train.csv"
    write_train_file(data, args.per_label)
    env = {**os.environ, "LEPTON_PROGRESS": "0"}

    straight = work / "straight"
    started = time.perf_counter()
    subprocess.run(train_command(data, straight, args.every), check=True, env=env)
    straight_seconds = time.perf_counter() - started

    killed = work / "killed"
    process = subprocess.Popen(train_command(data, killed, args.every), env=env)
    checkpoint = staging_folder(killed) / "checkpoints" / "last.json"
    while process.poll() is None:
        if checkpoint.is_file():
            state = json.loads(checkpoint.read_text())["state"]
            if state["global_step"] >= args.kill_after:
                os.kill(process.pid, signal.SIGKILL)
                break
        time.sleep(0.5)
    process.wait()
    killed_at = json.loads(checkpoint.read_text())["state"]["global_step"]
    subprocess.run(train_command(data, killed, args.every, resume=True), check=True, env=env)

    test = banking77("test")
    result = {
        "run": "banking77 fewshot 10/label, kill -9 then --resume",
        "killed_at_step": killed_at,
        "straight_test_accuracy": round(lai.load(straight).evaluate(test)["accuracy"] * 100, 2),
        "resumed_test_accuracy": round(lai.load(killed).evaluate(test)["accuracy"] * 100, 2),
        "straight_seconds": round(straight_seconds, 1),
    }
    print(json.dumps(result))
    with open(RESULTS / "resume_check.jsonl", "a", encoding="utf-8") as handle:
        handle.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
