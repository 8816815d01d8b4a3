"""BANKING77 as a customer-service benchmark for `lai assistant` (issue 20).

The knowledge base: one FAQ entry per intent, its answer written by us
(bench/data/banking77_answers.csv), its phrasings k example questions per intent
from train.csv (k = 5, or every training question). The 3,080 test questions are
sent as first turns. Reported, in one run on the same bases:

- hit@1 (the top entry is the question's intent) for hybrid, dense-only and
  lexical-only retrieval;
- unanswerable questions: 10 intents are removed from the base and their test
  questions sent: the share that gets a clarifying question, "I don't know" or a
  hand-over instead of a wrong answer, against the share of in-base questions
  wrongly declined; the curve over the answer threshold goes to a PNG.

    .venv/bin/python bench/assistant_banking77.py [--k 5 --k 0] [--plot PATH] [--intent-model]
    .venv/bin/python bench/assistant_banking77.py --policy 0.5,0.15 --policy 0.6,0.10

With --intent-model, an intent classifier (`lai train`: head, or fewshot with few
examples) is trained on the same training questions as the base and the
assistant's hit@1 with it is reported too. With --matcher, a question matcher is
trained on pairs made from the same questions (`lai train --task pair`: same
intent 1, another intent 0, three negatives per positive) and the base rebuilt
with it as its model.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.solutions.assistant import Assistant, KnowledgeBase, build_knowledge_base
from lepton_ai.solutions.assistant.calibration import confidence
from lepton_ai.solutions.assistant.dialogue import Policy
from lepton_ai.solutions.assistant.retrieval import HybridRetriever

DATA = SHARED_DATA / "banking77"
ANSWERS = Path(__file__).resolve().parent / "data" / "banking77_answers.csv"
HELD_OUT = 10


def _read(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def write_faq(path: Path, k: int, leave_out: set[str], seed: int = 0) -> None:
    """The FAQ table: one entry per intent, k shuffled train questions as its phrasings."""
    answers = {row["intent"]: row["answer"]
               for row in csv.DictReader(ANSWERS.open(encoding="utf-8"))}
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in _read(DATA / "train.csv"):
        by_intent[intent].append(text)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "question", "alternatives", "answer", "category"])
        for intent in sorted(by_intent):
            if intent in leave_out:
                continue
            questions = by_intent[intent][:]
            random.Random(seed).shuffle(questions)
            chosen = questions[:k] if k > 0 else questions
            writer.writerow([intent, chosen[0], "|".join(q.replace("|", "/") for q in chosen[1:]),
                             answers[intent], intent])


def hit_at_1(kb: KnowledgeBase, test: list[tuple[str, str]]) -> dict[str, float]:
    """hit@1 per retrieval mode; the dense vectors are computed once and shared."""
    hybrid = HybridRetriever(kb)
    vectors = [hybrid.embed(text, kb.space_for(text)) for text, _ in test]
    results = {}
    for mode in ("hybrid", "dense", "lexical"):
        retriever = hybrid if mode == "hybrid" else HybridRetriever(kb, mode)
        hits = [retriever.rank(text, k=1, vector=vector)[0].entry.category == intent
                for (text, intent), vector in zip(test, vectors, strict=True)]
        results[mode] = round(100 * float(np.mean(hits)), 2)
    return results


def with_intent_model(kb_dir: Path, faq: Path, test: list[tuple[str, str]],
                      scratch: Path) -> dict[str, float]:
    """hit@1 of the assistant with an intent classifier trained on the base's phrasings."""
    from lepton_ai.training.pipeline import train

    rows = []
    with faq.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for text in [row["question"], *filter(None, row["alternatives"].split("|"))]:
                rows.append({"text": text, "label": row["category"]})
    data = scratch / "intents.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["text", "label"])
        writer.writeheader()
        writer.writerows(rows)
    started = time.perf_counter()
    method = "head" if len(rows) > 20 * 77 else "fewshot"
    train(data, method=method, out=scratch / "intents")
    train_s = time.perf_counter() - started
    bot = Assistant(kb_dir, log=False, sentiment=False, intent_model=scratch / "intents")
    hits = [bot.candidates(text)[0][0].entry.category == intent for text, intent in test]
    return {"hit_at_1": round(100 * float(np.mean(hits)), 2), "method": method,
            "train_s": round(train_s, 1)}


def with_matcher(faq: Path, test: list[tuple[str, str]], scratch: Path,
                 seed: int = 0) -> dict[str, float]:
    """hit@1 of a base built with an encoder fine-tuned on pairs of its own phrasings."""
    from lepton_ai.training.pair_training import PairSet, train_pairs

    groups: dict[str, list[str]] = {}
    with faq.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            groups[row["category"]] = [row["question"],
                                       *filter(None, row["alternatives"].split("|"))]
    rng = random.Random(seed)
    names = sorted(groups)
    pairs = PairSet([], [], [])
    for name, texts in groups.items():
        for i, first in enumerate(texts):
            for second in texts[i + 1:]:
                pairs.first.append(first)
                pairs.second.append(second)
                pairs.scores.append(1.0)
                for _ in range(3):
                    other = rng.choice([n for n in names if n != name])
                    pairs.first.append(first)
                    pairs.second.append(rng.choice(groups[other]))
                    pairs.scores.append(0.0)
    started = time.perf_counter()
    report = train_pairs(pairs, out=scratch / "matcher", epochs=1)
    train_s = time.perf_counter() - started
    build_knowledge_base(scratch / "kb_matcher", faq=faq, model=str(scratch / "matcher"))
    kb = KnowledgeBase.load(scratch / "kb_matcher")
    retriever = HybridRetriever(kb)
    hits = [retriever.rank(text, k=1)[0].entry.category == intent for text, intent in test]
    return {"hit_at_1": round(100 * float(np.mean(hits)), 2), "pairs": len(pairs),
            "train_s": round(train_s, 1),
            "held_out_pair_spearman": [report.spearman_before, report.spearman_after]}


def unanswerable(kb_dir: Path, test: list[tuple[str, str]], held: set[str],
                 plot: Path | None, policy: Policy | None = None) -> dict[str, float]:
    """Decline rates with ``policy`` (default: the assistant's), and the curve over the
    answer threshold."""
    bot = Assistant(kb_dir, log=False, sentiment=False, policy=policy)
    inside = [(t, i) for t, i in test if i not in held]
    outside = [(t, i) for t, i in test if i in held]
    calibration = bot.kb.calibration("en")
    scores = {"inside": [], "outside": []}
    actions = {"inside": [], "outside": []}
    started = time.perf_counter()
    for name, items in (("inside", inside), ("outside", outside)):
        for text, intent in items:
            ranked = bot.retriever.rank(text, k=4)
            scores[name].append((confidence(ranked, calibration),
                                 ranked[0].entry.category == intent))
            reply = bot.reply(text)  # a fresh session: a first turn
            correct = bool(reply.citations) and reply.citations[0].id == intent
            actions[name].append((reply.action, correct))
    per_turn_ms = 1000 * (time.perf_counter() - started) / len(test)
    declined = ("clarify", "unknown", "handoff")
    out_declined = np.mean([a in declined for a, _ in actions["outside"]])
    in_declined = np.mean([a in ("unknown", "handoff") for a, _ in actions["inside"]])
    in_clarified = np.mean([a == "clarify" for a, _ in actions["inside"]])
    in_wrong = np.mean([a == "answer" and not ok for a, ok in actions["inside"]])
    in_right = np.mean([a == "answer" and ok for a, ok in actions["inside"]])
    if plot is not None:
        _plot(scores, plot)
    return {"out_of_kb_declined": round(100 * float(out_declined), 2),
            "in_kb_wrongly_declined": round(100 * float(in_declined), 2),
            "in_kb_clarified": round(100 * float(in_clarified), 2),
            "in_kb_answered_right": round(100 * float(in_right), 2),
            "in_kb_answered_wrong": round(100 * float(in_wrong), 2),
            "turn_ms_mean_two_rankings": round(per_turn_ms, 2)}


def _plot(scores: dict[str, list[tuple[float, bool]]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    thresholds = np.linspace(0, 1, 101)
    inside = np.array([c for c, _ in scores["inside"]])
    right = np.array([ok for _, ok in scores["inside"]])
    outside = np.array([c for c, _ in scores["outside"]])
    figure, axis = plt.subplots(figsize=(7, 4.5))
    axis.plot(thresholds, [100 * np.mean(outside < t) for t in thresholds],
              label="unanswerable questions declined")
    axis.plot(thresholds, [100 * np.mean(inside < t) for t in thresholds],
              label="answerable questions not answered at once (clarified or declined)")
    axis.plot(thresholds, [100 * np.mean((inside >= t) & ~right) for t in thresholds],
              label="answerable questions answered wrongly")
    axis.axvline(Policy().answer_at, color="grey", linestyle="--",
                 label=f"default answer threshold ({Policy().answer_at})")
    axis.set_xlabel("answer threshold (calibrated confidence)")
    axis.set_ylabel("% of questions")
    axis.set_title("BANKING77, 10 intents removed from the knowledge base")
    axis.grid(alpha=0.3)
    axis.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=120)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--k", type=int, action="append",
                        help="phrasings per intent (0 = all); repeatable (default 5 and 0)")
    parser.add_argument("--plot", type=Path, default=Path("docs/img/assistant_unanswerable.png"))
    parser.add_argument("--intent-model", action="store_true",
                        help="also train an intent classifier and measure with it")
    parser.add_argument("--matcher", action="store_true",
                        help="also train a question matcher on pairs and measure with it")
    parser.add_argument("--policy", action="append", metavar="ANSWER_AT,CLARIFY_AT",
                        help="also measure the unanswerable questions with these "
                        "thresholds (repeatable), e.g. 0.5,0.15")
    args = parser.parse_args()
    test = _read(DATA / "test.csv")
    intents = sorted({intent for _, intent in test})
    held = set(random.Random(1).sample(intents, HELD_OUT))
    with tempfile.TemporaryDirectory() as scratch, LoadMeter([__import__("os").getpid()]) as load:
        for k in args.k or [5, 0]:
            root = Path(scratch) / f"k{k}"
            root.mkdir()
            write_faq(root / "faq.csv", k, set())
            started = time.perf_counter()
            report = build_knowledge_base(root / "kb", faq=root / "faq.csv")
            build_s = time.perf_counter() - started
            kb = KnowledgeBase.load(root / "kb")
            result = {"bench": "assistant_banking77", "k": k or "all", "code": code_version(),
                      "entries": report.entries, "passages": report.passages,
                      "build_s": round(build_s, 1), "calibration": report.calibration,
                      "hit_at_1": hit_at_1(kb, test)}
            if args.intent_model:
                result["with_intent_model"] = with_intent_model(root / "kb", root / "faq.csv",
                                                                test, root)
            if args.matcher:
                result["with_matcher"] = with_matcher(root / "faq.csv", test, root)
            write_faq(root / "faq_held.csv", k, held)
            build_knowledge_base(root / "kb_held", faq=root / "faq_held.csv")
            result["unanswerable"] = unanswerable(
                root / "kb_held", test, held,
                args.plot.with_name(f"{args.plot.stem}_k{k or 'all'}{args.plot.suffix}"))
            for pair in args.policy or []:
                answer_at, clarify_at = (float(x) for x in pair.split(","))
                result[f"unanswerable_at_{pair}"] = unanswerable(
                    root / "kb_held", test, held, None, Policy(answer_at, clarify_at))
            record("assistant_banking77", result)
    print(f"foreign CPU load during the run: {load.foreign_cores:.2f} cores")


if __name__ == "__main__":
    main()
