"""SetFit itself on one few-shot sample: the peer of ``lai.train(method="fewshot")``.

Runs in its own venv (``make bench-setfit``: setfit pins other transformers /
sentence-transformers versions than lepton-ai). ``bench/fewshot_peer.py`` writes
the sampled training examples and the evaluation texts as JSON lines and starts this
script; it prints one JSON line with the accuracy and the seconds spent.

The settings are those of SetFit's ``scripts/setfit/run_fewshot.py``, which produced
the published all-MiniLM-L6-v2 numbers: 20 pair iterations per example (the
iteration-based pair sampling), batch size 16, one epoch, body learning rate 2e-5,
cosine-similarity loss, then scikit-learn's LogisticRegression head. The sequence
length is the model's own (256 for MiniLM).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def read(path: Path) -> tuple[list[str], list[str]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [row["text"] for row in rows], [row["label"] for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="Sentence-transformers folder.")
    parser.add_argument("--train", type=Path, required=True)
    parser.add_argument("--test", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from datasets import Dataset
    from setfit import SetFitModel, Trainer, TrainingArguments

    texts, labels = read(args.train)
    test_texts, test_labels = read(args.test)
    started = time.perf_counter()
    model = SetFitModel.from_pretrained(args.model)
    training = TrainingArguments(
        batch_size=16, num_iterations=20, num_epochs=1, body_learning_rate=2e-5,
        seed=args.seed, show_progress_bar=False, report_to="none",
        output_dir=str(args.train.parent / "setfit-checkpoints"),  # not the working folder
    )
    trainer = Trainer(model=model, args=training,
                      train_dataset=Dataset.from_dict({"text": texts, "label": labels}))
    trainer.train()
    train_seconds = time.perf_counter() - started
    predicted = model.predict(test_texts, batch_size=64, as_numpy=True)
    correct = sum(str(p) == t for p, t in zip(predicted, test_labels, strict=True))
    print(json.dumps({"accuracy": correct / len(test_labels), "train_seconds": train_seconds,
                      "test_examples": len(test_labels)}))


if __name__ == "__main__":
    main()
