"""Few-shot training against SetFit itself: same model, same sampled examples, same test.

For each seed, trains ``lai.train(method="fewshot")`` and SetFit (``scripts/setfit/
run_fewshot.py`` settings, bench/peers/setfit_fewshot.py in ``.venv-setfit``) on the
examples ``bench/train_classify.py`` samples for that seed, alternating which goes
first, and scores both on the same test texts. One JSON line per run goes to
bench/results/fewshot_peer.jsonl with the accuracy, the training time and the CPU
load of other processes.

    make bench-setfit      # once: the peer's venv
    .venv/bin/python bench/fewshot_peer.py agnews --per-label 8 --seeds 5
    .venv/bin/python bench/fewshot_peer.py agnews --per-label 8 --seeds 5 --descriptions

``--descriptions``: both train with bench/label_sets.py's label descriptions, ours
through ``label_descriptions=``, SetFit as one extra example per label (what its
``get_templated_dataset`` builds with the template "{}" and ``sample_size=1``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record
from label_sets import LABEL_SETS
from lepton_ai.data.labelled import LabelledSet, with_descriptions
from lepton_ai.models.loader import clear_cache
from lepton_ai.models.registry import DEFAULT_ENGLISH, resolve
from lepton_ai.training.pipeline import train
from train_classify import DATASETS, RESULTS, train_and_test

PEER_PYTHON = Path(__file__).resolve().parents[1] / ".venv-setfit" / "bin" / "python"
PEER_SCRIPT = Path(__file__).resolve().parent / "peers" / "setfit_fewshot.py"


def run_ours(train_set: LabelledSet, test: LabelledSet, name: str, seed: int,
             descriptions: dict[str, str] | None) -> dict:
    out = RESULTS / "models" / f"{name}-fewshot-peer-s{seed}"
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        model = train(train_set, method="fewshot", out=out, seed=seed, keep_data=False,
                      label_descriptions=descriptions)
        seconds = time.perf_counter() - started
        accuracy = model.evaluate(test)["accuracy"]
    clear_cache()
    return {"accuracy": accuracy, "train_seconds": seconds,
            "foreign_cpu_cores": meter.foreign_cores}


def run_setfit(train_set: LabelledSet, test: LabelledSet, seed: int) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for part, data in (("train", train_set), ("test", test)):
            files[part] = Path(folder) / f"{part}.jsonl"
            files[part].write_text("".join(
                json.dumps({"text": text, "label": labels[0]}, ensure_ascii=False) + "\n"
                for text, labels in zip(data.texts, data.labels, strict=True)
            ), encoding="utf-8")
        command = [str(PEER_PYTHON), str(PEER_SCRIPT), "--model",
                   str(resolve(DEFAULT_ENGLISH).path()), "--train", str(files["train"]),
                   "--test", str(files["test"]), "--seed", str(seed)]
        with LoadMeter([os.getpid()]) as meter:  # the child's CPU counts once it is reaped
            done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"SetFit failed:\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"accuracy": result["accuracy"], "train_seconds": result["train_seconds"],
            "foreign_cpu_cores": meter.foreign_cores}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--per-label", type=int, default=8)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--descriptions", action="store_true",
                        help="both train with bench/label_sets.py's label descriptions")
    args = parser.parse_args()
    descriptions = LABEL_SETS[args.dataset]["descriptions"] if args.descriptions else None
    if not PEER_PYTHON.is_file():
        raise SystemExit("SetFit's venv is missing: run `make bench-setfit` first.")
    scores: dict[str, list[float]] = {"lepton-ai": [], "setfit": []}
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        train_set, test = train_and_test(args.dataset, args.per_label, seed)
        order = ["lepton-ai", "setfit"] if seed % 2 == 0 else ["setfit", "lepton-ai"]
        for contender in order:
            result = (run_ours(train_set, test, args.dataset, seed, descriptions)
                      if contender == "lepton-ai" else run_setfit(
                          with_descriptions(train_set, descriptions or {}), test, seed))
            scores[contender].append(result["accuracy"] * 100)
            record("fewshot_peer", {
                "dataset": args.dataset, "per_label": args.per_label, "seed": seed,
                "contender": contender, "test_accuracy": round(result["accuracy"] * 100, 2),
                "train_seconds": round(result["train_seconds"], 1), "test_examples": len(test),
                "foreign_cpu_cores": round(result["foreign_cpu_cores"], 2),
                "label_descriptions": args.descriptions, "code": code_version(),
            })
    for contender, values in scores.items():
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(f"{args.dataset} {args.per_label}/label, {contender}: "
              f"{statistics.mean(values):.2f} ± {spread:.2f} over {len(values)} seeds")


if __name__ == "__main__":
    main()
