"""Compressing a general embedding model: a student that gives its teacher's vectors.

``lai compress all-MiniLM-L6-v2 --out small --distil --layers 3 --unlabelled FILE
--eval PAIRS``: the student is cut from the encoder as for a classifier and trained
to reproduce the teacher's L2-normalised sentence vectors (1 − cosine) on unlabelled
text; ``--static`` distils model2vec vectors instead. The result is an encoder folder
that ``lai.embed(..., model=FOLDER)``, search and ``lai train --base FOLDER`` take. It
is measured on scored sentence pairs (STS-B's layout: ``sentence1``, ``sentence2``,
``score``): the Spearman correlation of its cosines with the scores, gated like a
classifier's accuracy.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.staging import CHECKPOINTS, staged
from lepton_ai.compression.card_section import REPORT_JSON, REPORT_PNG
from lepton_ai.compression.gate import choose_precision, gate
from lepton_ai.compression.measurement import Row, draw_chart, markdown_table, measure_row
from lepton_ai.compression.plan import CompressionPlan, plan_record
from lepton_ai.compression.students import CUTS_FILE
from lepton_ai.errors import E, LeptonError
from lepton_ai.training.pair_training import PairSet, read_pairs, spearman
from lepton_ai.training.run_log import say

#: Fewest unlabelled texts a transformer student is trained on.
MIN_TEXTS = 100


def compress_encoder(name: str | Path, target: Path, plan: CompressionPlan, *,
                     unlabelled: list[str], pairs: str | Path | PairSet | None,
                     resume: bool) -> tuple[Path, list[Row], Row, Row, float]:
    """Write the student of encoder ``name`` to ``target``; the table and the drop."""
    from lepton_ai.models.registry import HF_ENCODER, resolve

    spec = resolve(name)
    if spec.kind != HF_ENCODER:
        raise LeptonError(E.E1701, model=name, reason=f"it is a {spec.kind} model",
                          hint="a Hugging Face encoder (all-MiniLM-L6-v2 or a folder) can "
                          "be compressed too.")
    if pairs is None:
        raise LeptonError(E.E1702, option="--eval", value=None,
                          problem="is missing: an encoder is measured on scored sentence "
                          "pairs", fix="Give a file with sentence1, sentence2 and score "
                          "columns (STS-B's dev split, or your own pairs).")
    evaluation = pairs if isinstance(pairs, PairSet) else read_pairs(pairs)
    if not (plan.static or plan.quantize_only) and len(unlabelled) < MIN_TEXTS:
        raise LeptonError(E.E1702, option="--unlabelled", value=len(unlabelled),
                          problem=f"texts are too few (an encoder student learns from "
                          f"unlabelled text; give at least {MIN_TEXTS}, ideally 100,000)",
                          fix="Give a file of in-domain sentences, one per line.")
    teacher_folder = Path(spec.path())
    with staged(target, resume=resume) as staging:
        if plan.static:
            from lepton_ai.compression.static_tier import distil_static

            distil_static(teacher_folder, staging)
            chosen_cut: dict[str, Any] = {}
        elif plan.quantize_only:
            from lepton_ai.compression.quantized import write_onnx_only_encoder

            write_onnx_only_encoder(teacher_folder, staging, plan.quantize)
            chosen_cut = {}
        else:
            chosen_cut = _train_student(teacher_folder, staging, plan, unlabelled, evaluation,
                                        resume)
        with tempfile.TemporaryDirectory() as scratch:
            pairs_file = Path(scratch) / "pairs.jsonl"
            _write_pairs(evaluation, pairs_file)
            rows, chosen, teacher_row = _measure(str(teacher_folder), staging, pairs_file,
                                                 plan)
        drop = gate(teacher_row, chosen, plan, metric="STS Spearman",
                    evaluated_on=f"{len(evaluation)} scored pairs", out=target)
        record = {"teacher": str(name), "method": plan.method, "plan": plan_record(plan),
                  "drop": drop, "max_drop": plan.max_drop, "forced": drop > plan.max_drop,
                  "precision": chosen.precision, "unlabelled_texts": len(unlabelled),
                  "chosen": chosen_cut, "table": [row.as_dict() for row in rows]}
        (staging / REPORT_JSON).write_text(json.dumps(record, indent=1) + "\n",
                                           encoding="utf-8")
        draw_chart(rows, staging / REPORT_PNG)
        _write_card(staging, target, record, rows)
        (staging / CUTS_FILE).unlink(missing_ok=True)
    return target, rows, chosen, teacher_row, drop


class VectorLoss:
    """1 − cosine between a student's sentence vectors and its teacher's, per batch."""

    def __init__(self, backbone: Any, ids: list[list[int]], targets: Any) -> None:
        self.backbone, self.ids, self.targets = backbone, ids, targets

    def __call__(self, batch: Sequence[int]) -> Any:
        rows = list(batch)
        input_ids, mask = self.backbone.pad([self.ids[i] for i in rows])
        return (1 - (self.backbone(input_ids, mask) * self.targets[rows]).sum(-1)).mean()


def _train_student(teacher_folder: Path, staging: Path, plan: CompressionPlan,
                   texts: list[str], evaluation: PairSet, resume: bool) -> dict[str, Any]:
    import torch

    from lepton_ai.compression.students import cut_student, layer_count
    from lepton_ai.models.loader import load_encoder
    from lepton_ai.training.backbone import SentenceBackbone
    from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed

    settings = plan.settings
    set_seed(settings.seed)
    backbone = SentenceBackbone(teacher_folder)
    plan.check(layer_count(backbone.model))
    say(f"Teacher vectors of {len(texts)} texts")
    targets = torch.from_numpy(load_encoder(teacher_folder, precision="fp32").encode(
        texts, role="document"))
    ids = backbone.token_ids(texts)
    backbone, cuts = cut_student(lambda: SentenceBackbone(teacher_folder),
                                 lambda model: VectorLoss(model, ids, targets), plan,
                                 len(texts), staging, resume)
    loss_of = VectorLoss(backbone, ids, targets)
    optimizer = adamw([(list(backbone.named_parameters()), settings.lr)], 0.01)
    steps = -(-len(ids) // settings.batch_size) * settings.epochs
    loop = TrainingLoop(backbone, optimizer, steps, staging / CHECKPOINTS, warmup=0.06,
                        checkpoint_every=settings.checkpoint_every,
                        patience=settings.patience, description=f"{plan.method} encoder")
    lengths = [len(i) for i in ids]

    def validate() -> float:
        return spearman(backbone.encode(evaluation.first), backbone.encode(evaluation.second),
                        evaluation.scores)

    loop.run(settings.epochs,
             lambda epoch: length_batches(lengths, settings.batch_size, settings.seed + epoch),
             loss_of, validate, resume=resume)
    backbone.save(staging)
    return cuts


def _measure(teacher: str, student: Path, pairs: Path, plan: CompressionPlan) -> tuple[
        list[Row], Row, Row]:
    from lepton_ai.models.loader import load_encoder

    say("Measuring teacher and student (each in a fresh process)")
    rows = [measure_row("teacher", Path(teacher), pairs, "fp32", kind="encoder")]
    if plan.static:
        chosen = measure_row("student", student, pairs, "own", kind="encoder")
        return [*rows, chosen], chosen, rows[0]
    precisions = ["fp32", "int8"] if plan.quantize == "auto" else [plan.quantize]
    if "int8" in precisions:
        rows.append(measure_row("teacher", Path(teacher), pairs, "int8", kind="encoder"))
    for precision in precisions:  # build the ONNX files here, not in a measured process
        load_encoder(student, precision=precision)
    tried = [measure_row("student", student, pairs, p, kind="encoder") for p in precisions]
    return [*rows, *tried], choose_precision(tried, plan), rows[0]


def _write_pairs(pairs: PairSet, file: Path) -> None:
    with file.open("w", encoding="utf-8") as handle:
        for a, b, score in zip(pairs.first, pairs.second, pairs.scores, strict=True):
            handle.write(json.dumps({"sentence1": a, "sentence2": b, "score": score},
                                    ensure_ascii=False) + "\n")


def _write_card(staging: Path, target: Path, record: dict[str, Any], rows: list[Row]) -> None:
    forced = (f"**Written with --force: it loses {record['drop']} points, more than "
              f"--max-drop {record['max_drop']}.**\n\n" if record["forced"] else "")
    text = (f"# {target.name}\n\nA sentence encoder compressed by lepton-ai from "
            f"`{record['teacher']}` ({record['method']}, {record['precision']}), trained on "
            f"{record['unlabelled_texts']} unlabelled texts.\n\n{forced}"
            f"{markdown_table(rows)}\n\n![before and after]({REPORT_PNG})\n\n"
            "```python\nimport lepton_ai as lai\n"
            f'lai.embed(["some text"], model="{target}")\n```\n')
    (staging / "README.md").write_text(text, encoding="utf-8")
