"""Classifier training benchmarks on the shared datasets (accuracy, time, size, load).

    /usr/bin/time -v .venv/bin/python bench/train_classify.py banking77 --method full
    .venv/bin/python bench/train_classify.py banking77 --method fewshot --per-label 10
    .venv/bin/python bench/train_classify.py agnews --method fewshot --per-label 8 --seeds 5
    .venv/bin/python bench/train_classify.py sst2 --method fewshot --per-label 8 --seeds 5
    .venv/bin/python bench/train_classify.py agnews --method fewshot --per-label 8 --descriptions
    .venv/bin/python bench/train_classify.py chnsenticorp --method head --base use
    .venv/bin/python bench/train_classify.py sst2-phrases --method full --epochs 1
    .venv/bin/python bench/train_classify.py semeval --method lora    # relations, marked text

Each run trains with ``lai.train`` into bench/results/models/, evaluates on the
test split, and appends one JSON line to bench/results/train_classify.jsonl with
the accuracy, wall time, trainable parameters, model size and the CPU load of
other processes during the run. Published references are in each dataset's
README under ../shared/data.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA, LoadMeter, code_version
from label_sets import LABEL_SETS
from lepton_ai.data.labelled import LabelledSet, sample_per_label
from lepton_ai.models.loader import clear_cache
from lepton_ai.training.option_parsing import parse_options
from lepton_ai.training.pipeline import train

RESULTS = Path(__file__).resolve().parent / "results"


def banking77(split: str) -> LabelledSet:
    with open(SHARED_DATA / "banking77" / f"{split}.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return LabelledSet.from_lists([r["text"] for r in rows], [r["category"] for r in rows],
                                  f"banking77/{split}.csv")


def agnews(_split: str) -> LabelledSet:
    names = (SHARED_DATA / "ag_news" / "classes.txt").read_text().split()
    with open(SHARED_DATA / "ag_news" / "test.csv", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    texts = [f"{title} {body}".replace("\\", " ") for _, title, body in rows]
    return LabelledSet.from_lists(texts, [names[int(c) - 1] for c, _, _ in rows],
                                  "ag_news/test.csv")


def sst2(split: str) -> LabelledSet:
    lines = (SHARED_DATA / "sst2" / "sentence_level" / f"stsa.binary.{split}").read_text(
        encoding="utf-8").splitlines()
    pairs = [line.split(" ", 1) for line in lines if line.strip()]
    return LabelledSet.from_lists([t for _, t in pairs],
                                  ["positive" if y == "1" else "negative" for y, _ in pairs],
                                  f"sst2/{split}")


def sst2_phrases(split: str) -> LabelledSet:
    """GLUE SST-2: 67,349 training phrases; dev and test are the sentence-level splits."""
    if split != "train":
        return sst2(split)
    with open(SHARED_DATA / "sst2" / "glue" / "train.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return LabelledSet.from_lists([r["sentence"].strip() for r in rows],
                                  ["positive" if r["label"] == "1" else "negative" for r in rows],
                                  "sst2/glue/train.tsv")


def chnsenticorp(split: str) -> LabelledSet:
    name = {"train": "train", "test": "test", "dev": "dev"}[split]
    with open(SHARED_DATA / "chnsenticorp" / f"{name}.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return LabelledSet.from_lists([r["text_a"] for r in rows],
                                  ["positive" if r["label"] == "1" else "negative" for r in rows],
                                  f"chnsenticorp/{split}")


def semeval(split: str) -> LabelledSet:
    """SemEval-2010 Task 8: sentences with <e1>..</e1> <e2>..</e2> kept as the input."""
    name = {"train": "SemEval2010_task8_training/TRAIN_FILE.TXT",
            "test": "SemEval2010_task8_testing_keys/TEST_FILE_FULL.TXT"}[split]
    texts, labels = [], []
    blocks = (SHARED_DATA / "semeval2010_task8" / name).read_text(encoding="utf-8").split("\n\n")
    for block in blocks:
        lines = [line.strip() for line in block.strip().splitlines()]
        if len(lines) >= 2:
            texts.append(lines[0].split("\t", 1)[1].strip().strip('"'))
            labels.append(lines[1])
    return LabelledSet.from_lists(texts, labels, f"semeval2010_task8/{split}")


DATASETS = {"banking77": banking77, "agnews": agnews, "sst2": sst2,
            "sst2-phrases": sst2_phrases, "chnsenticorp": chnsenticorp, "semeval": semeval}
#: Datasets with a published dev split: full-data runs choose on it instead of a 10% split.
HAS_DEV = ("sst2", "sst2-phrases", "chnsenticorp")


def train_and_test(dataset: str, per_label: int, seed: int) -> tuple[LabelledSet, LabelledSet]:
    """The training examples (all, or ``per_label`` sampled with ``seed``) and the test set."""
    load = DATASETS[dataset]
    test = load("test")
    if dataset == "agnews":  # SetFit protocol: sample from test, evaluate on the rest
        train_set = sample_per_label(test, per_label, seed)
        chosen = set(train_set.texts)
        return train_set, test.subset([i for i, t in enumerate(test.texts) if t not in chosen])
    train_set = load("train")
    return (sample_per_label(train_set, per_label, seed) if per_label else train_set), test


def run(args: argparse.Namespace, seed: int) -> dict:
    train_set, test = train_and_test(args.dataset, args.per_label, seed)
    dev = DATASETS[args.dataset]("dev") if args.dataset in HAS_DEV and not args.per_label else None
    out = RESULTS / "models" / f"{args.dataset}-{args.method}-{args.per_label or 'all'}-s{seed}"
    options = {k: v for k, v in {"epochs": args.epochs, "lr": args.lr}.items() if v is not None}
    options.update(parse_options(args.set))
    with LoadMeter([os.getpid()]) as meter:
        started = time.perf_counter()
        model = train(train_set, eval_data=dev, method=args.method, base=args.base, out=out,
                      seed=seed, keep_data=False,
                      label_descriptions=LABEL_SETS[args.dataset]["descriptions"]
                      if args.descriptions else None, **options)
        train_seconds = time.perf_counter() - started
        report = model.evaluate(test)
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    return {
        "dataset": args.dataset, "method": model.manifest.method, "per_label": args.per_label,
        "seed": seed, "base": model.manifest.base_model, "train_examples": len(train_set),
        "test_examples": len(test),
        "validation": "dev split" if dev else model.metrics.get("evaluated_on"),
        "test_accuracy": round(report["accuracy"] * 100, 2),
        "test_macro_f1": round(report["macro"]["f1"] * 100, 2),
        "validation_accuracy": round(model.metrics["accuracy"] * 100, 2),
        "train_seconds": round(train_seconds, 1),
        "trainable_parameters": model.manifest.data["trainable_parameters"],
        "model_dir_mb": round(size / 1e6, 1), "peak_rss_mb": model.manifest.data["peak_rss_mb"],
        "foreign_cpu_cores": round(meter.foreign_cores, 2), "options": options,
        "label_descriptions": args.descriptions,
        "code": code_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--method", default="auto")
    parser.add_argument("--per-label", type=int, default=0)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--base", default=None)
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--lr", type=float, default=None)
    parser.add_argument("--descriptions", action="store_true",
                        help="train with the label descriptions of bench/label_sets.py")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="any other TrainConfig option, e.g. --set fewshot_visits=2000")
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    results = []
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        clear_cache()  # each seed's model would otherwise stay loaded (peak RSS grows)
        result = run(args, seed)
        results.append(result)
        print(json.dumps(result), flush=True)
        with open(RESULTS / "train_classify.jsonl", "a", encoding="utf-8") as handle:
            handle.write(json.dumps(result) + "\n")
    if len(results) > 1:
        scores = [r["test_accuracy"] for r in results]
        print(f"{args.dataset} {args.method} {args.per_label}/label over {len(scores)} seeds: "
              f"{statistics.mean(scores):.2f} ± {statistics.stdev(scores):.2f}")


if __name__ == "__main__":
    main()
