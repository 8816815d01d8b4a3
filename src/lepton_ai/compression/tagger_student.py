"""Compressing an entity tagger: a shallower token classifier taught by its teacher.

The teacher is a transformer tagger (``lai train --task ner``, methods full/lora).
Its token scores are computed once for every training sentence (ONNX Runtime, the
path that serves it). The student is cut from its encoder as for a classifier
(:mod:`~lepton_ai.compression.students`), starts from its token layer, and learns, on
each word's first sub-word, the teacher's softened tag distribution (token-level
distillation) and the gold tag. It is measured and gated on entity F1.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.artifacts.head_weights import affine
from lepton_ai.artifacts.manifest import Manifest
from lepton_ai.artifacts.staging import CHECKPOINTS
from lepton_ai.compression.plan import CompressionPlan, plan_record
from lepton_ai.data.tagged import TaggedSentence, read_tagged
from lepton_ai.errors import E, LeptonError
from lepton_ai.training.run_log import say


@dataclass
class TaggerTeacher:
    """A transformer tagger opened for compression, with the data it was trained on."""

    folder: Path
    model: Any  # TransformerTagger
    train: list[TaggedSentence]
    evaluation: list[TaggedSentence]
    evaluated_on: str

    @classmethod
    def open(cls, folder: Path, data: str | Path | list[TaggedSentence] | None,
             eval_data: str | Path | list[TaggedSentence] | None,
             need_train: bool = True) -> TaggerTeacher:
        """Open the tagger and its data: the given files, or the file it records split as
        training split it (LAI-E1701 for a character CRF, E1704 without training data;
        ``need_train=False``: only the evaluation data is needed, when given)."""
        from lepton_ai.tasks.tagger import TransformerTagger, load_tagger

        model = load_tagger(folder)
        if not isinstance(model, TransformerTagger):
            raise LeptonError(E.E1701, model=folder, reason="it is a character BiLSTM-CRF",
                              hint="transformer taggers (lai train --task ner --method full) "
                              "can be compressed; the CRF is already small.")
        manifest = model.manifest
        if not need_train and eval_data is not None:
            evaluation = eval_data if isinstance(eval_data, list) else read_tagged(eval_data)
            return cls(folder, model, [], evaluation, "given evaluation data")
        source = data if data is not None else manifest.data.get("source")
        if isinstance(source, str | Path) and not Path(source).is_file():
            raise LeptonError(E.E1704, model=folder, source=str(source))
        if source is None:
            raise LeptonError(E.E1704, model=folder, source="unrecorded data")
        sentences = source if isinstance(source, list) else read_tagged(source)
        if eval_data is not None:
            evaluation = eval_data if isinstance(eval_data, list) else read_tagged(eval_data)
            held = {" ".join(s.tokens) for s in evaluation}
            train = [s for s in sentences if " ".join(s.tokens) not in held]
            return cls(folder, model, train, evaluation, "given evaluation data")
        # The split lai train made (same seed and share), so nothing evaluated is trained on.
        shuffled = list(sentences)
        random.Random(int(manifest.config.get("seed", 42))).shuffle(shuffled)
        cut = max(1, int(len(shuffled) * float(manifest.config.get("eval_fraction", 0.1))))
        return cls(folder, model, shuffled[cut:], shuffled[:cut], "the model's held-out split")


@dataclass(frozen=True)
class TokenTargets:
    """What the student learns per sentence, at each word's first sub-word."""

    ids: list[list[int]]  # sub-word ids
    first: list[list[int]]  # position of each word's first sub-word
    gold: list[list[int]]  # the gold tag of each word
    scores: list[np.ndarray]  # the teacher's tag scores, (words, tags)
    states: list[np.ndarray]  # the teacher's token states, (words, dim)


class TagLoss:
    """Token-level distillation loss of a student (backbone + token layer): the
    teacher's softened tag distribution, the gold tag, and 1 − cosine to the teacher's
    token state (as the classifier's loss matches sentence vectors)."""

    def __init__(self, backbone: Any, head: Any, targets: TokenTargets,
                 settings: Any) -> None:
        self.backbone, self.head, self.targets, self.settings = (
            backbone, head, targets, settings)

    def __call__(self, batch: Sequence[int]) -> Any:
        import torch
        from torch.nn import functional

        rows, targets = list(batch), self.targets
        input_ids, mask = self.backbone.pad([targets.ids[i] for i in rows])
        states = self.backbone.token_states(input_ids, mask)
        student_states = torch.cat([states[r, targets.first[i]] for r, i in enumerate(rows)])
        student = self.head(student_states)
        teacher = torch.from_numpy(np.concatenate([targets.scores[i] for i in rows]))
        teacher_states = torch.from_numpy(np.concatenate([targets.states[i] for i in rows]))
        gold = torch.tensor([t for i in rows for t in targets.gold[i]])
        t, alpha = self.settings.temperature, self.settings.alpha
        kd = functional.kl_div(functional.log_softmax(student / t, -1),
                               functional.softmax(teacher / t, -1),
                               reduction="batchmean") * t**2
        cosine = 1 - functional.cosine_similarity(student_states, teacher_states, dim=-1).mean()
        return (alpha * kd + (1 - alpha) * functional.cross_entropy(student, gold)
                + self.settings.cosine_weight * cosine)


def tagger_student(teacher: TaggerTeacher, plan: CompressionPlan, staging: Path,
                   resume: bool) -> Manifest:
    """Train the student into ``staging``; its manifest (written by the caller)."""
    import torch

    from lepton_ai.artifacts.tagger_weights import save_tensors
    from lepton_ai.compression.students import cut_student, layer_count
    from lepton_ai.evaluation.tagging import validation_f1
    from lepton_ai.training.backbone import SentenceBackbone
    from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed

    settings = plan.settings
    set_seed(settings.seed)
    model = teacher.model
    folder = model.info.path
    max_length = teacher.model.manifest.config.get("max_length")

    def fresh() -> SentenceBackbone:
        return SentenceBackbone(folder, max_length)

    plan.check(layer_count(fresh().model))
    tag_index = {tag: i for i, tag in enumerate(model.tags)}
    ids, first, gold = _aligned(fresh(), teacher.train, tag_index)
    say(f"Teacher token scores on {len(ids)} sentences")
    states = _teacher_states(model, ids, first)
    targets = TokenTargets(ids, first, gold,
                           [affine(s, model.weight, model.bias) for s in states], states)
    head = torch.nn.Linear(model.weight.shape[1], model.weight.shape[0])
    with torch.no_grad():
        head.weight.copy_(torch.from_numpy(model.weight))
        head.bias.copy_(torch.from_numpy(model.bias))

    def loss_for(backbone: Any) -> TagLoss:
        return TagLoss(backbone, head, targets, settings)

    backbone, cuts = cut_student(fresh, loss_for, plan, len(ids), staging, resume)
    loss = loss_for(backbone)
    eval_ids, eval_first, _ = _aligned(backbone, teacher.evaluation, tag_index)

    @torch.no_grad()
    def validate() -> float:
        module.eval()
        predicted = []
        for start in range(0, len(eval_ids), 64):
            input_ids, mask = backbone.pad(eval_ids[start : start + 64])
            best = head(backbone.token_states(input_ids, mask)).argmax(-1).numpy()
            for row, i in enumerate(range(start, min(start + 64, len(eval_ids)))):
                words = [model.tags[int(best[row, p])] for p in eval_first[i]]
                words += ["O"] * (len(teacher.evaluation[i].tokens) - len(words))
                predicted.append(words)
        module.train()
        return validation_f1(teacher.evaluation, predicted)

    module = torch.nn.ModuleDict({"backbone": backbone, "head": head})
    optimizer = adamw([(list(backbone.named_parameters()), settings.lr),
                       (list(head.named_parameters()), settings.head_lr)], 0.01)
    steps = -(-len(ids) // settings.batch_size) * settings.epochs
    loop = TrainingLoop(module, optimizer, steps, staging / CHECKPOINTS, warmup=0.06,
                        checkpoint_every=settings.checkpoint_every,
                        patience=settings.patience, description=f"{plan.method} tagger")
    lengths = [len(i) for i in ids]
    state = loop.run(settings.epochs,
                     lambda epoch: length_batches(lengths, settings.batch_size,
                                                  settings.seed + epoch),
                     loss, validate, resume=resume)
    backbone.save(staging / "encoder")
    save_tensors(staging, {"out.weight": head.weight, "out.bias": head.bias})
    source = teacher.model.manifest
    return Manifest(
        task="ner", labels=list(model.tags), method=plan.method,
        base_model=source.base_model, base_checksum=None, encoder="encoder",
        head=source.head, config={**source.config, "compress": plan_record(plan)},
        data={**{k: v for k, v in source.data.items() if k != "compression"},
              "train_sentences": len(ids), "eval_sentences": len(teacher.evaluation),
              "chosen": cuts},
        history=state.history)


def quantized_tagger(teacher: TaggerTeacher, plan: CompressionPlan, staging: Path) -> Manifest:
    """The teacher itself with its encoder as an ONNX-only int8 folder
    (:mod:`~lepton_ai.compression.quantized`); its manifest."""
    from lepton_ai.artifacts.tagger_weights import TAGGER_FILE
    from lepton_ai.compression.quantized import copy_files, write_onnx_only_encoder

    source = teacher.model.manifest
    say(f"Writing {source.base_model}'s encoder as int8 ONNX")
    write_onnx_only_encoder(teacher.model.info.path, staging / "encoder", plan.quantize)
    copy_files(teacher.folder, staging, (TAGGER_FILE,))
    return Manifest(
        task="ner", labels=list(teacher.model.tags), method=plan.method,
        base_model=source.base_model, base_checksum=None, encoder="encoder",
        head=source.head, config={**source.config, "compress": plan_record(plan)},
        data={**{k: v for k, v in source.data.items() if k != "compression"},
              "eval_sentences": len(teacher.evaluation)},
        history=source.history)


def _aligned(backbone: Any, sentences: list[TaggedSentence], tag_index: dict[str, int]
             ) -> tuple[list[list[int]], list[list[int]], list[list[int]]]:
    """Sub-word ids, the position of each word's first sub-word, and its gold tag (from
    training's own alignment; a tag the teacher never saw counts as its first, "O")."""
    from lepton_ai.training.ner.transformer import IGNORE, align

    ids, labels = align(backbone, sentences, defaultdict(int, tag_index))
    first = [[p for p, label in enumerate(row) if label != IGNORE] for row in labels]
    gold = [[label for label in row if label != IGNORE] for row in labels]
    return ids, first, gold


def _teacher_states(model: Any, ids: list[list[int]],
                    first: list[list[int]]) -> list[np.ndarray]:
    """The teacher's token states at each word's first sub-word (batches of similar
    length, through the ONNX Runtime path that serves it)."""
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    out: list[np.ndarray] = [np.zeros(0)] * len(ids)
    for start in range(0, len(order), 64):
        chosen = order[start : start + 64]
        for index, states in zip(chosen, model.token_states([ids[i] for i in chosen]),
                                 strict=True):
            out[index] = np.ascontiguousarray(states[first[index]], dtype=np.float32)
    return out


def write_conll(sentences: list[TaggedSentence], file: Path) -> None:
    """Tagged sentences as a two-column CoNLL file (token, tag)."""
    with file.open("w", encoding="utf-8") as handle:
        for sentence in sentences:
            for token, tag in zip(sentence.tokens, sentence.tags, strict=True):
                handle.write(f"{token} {tag}\n")
            handle.write("\n")


def compress_tagger(folder: Path, target: Path, plan: CompressionPlan, *,
                    data: str | Path | list[TaggedSentence] | None,
                    eval_data: str | Path | list[TaggedSentence] | None,
                    resume: bool) -> tuple[Path, list[Any], Any, Any, float, dict[str, Any]]:
    """Write the tagger's student to ``target``: the folder, table, chosen and teacher
    rows, the drop in entity F1 points and the record."""
    import time

    from lepton_ai.artifacts.staging import staged
    from lepton_ai.compression.card_section import write_report
    from lepton_ai.compression.gate import choose_precision, gate
    from lepton_ai.compression.measurement import measure_row
    from lepton_ai.compression.students import CUTS_FILE
    from lepton_ai.evaluation.tagging import write_tagger_report
    from lepton_ai.tasks.tagger import load_tagger

    started = time.perf_counter()
    if plan.static:
        raise LeptonError(E.E1702, option="--static", value=True,
                          problem="gives sentence vectors, not token tags",
                          fix="Compress a tagger with --distil --layers N or --prune-heads.")
    teacher = TaggerTeacher.open(folder, data, eval_data, need_train=not plan.quantize_only)
    with staged(target, resume=resume) as staging:
        if plan.quantize_only:
            manifest = quantized_tagger(teacher, plan, staging)
        else:
            manifest = tagger_student(teacher, plan, staging, resume)
        manifest.write(staging)
        evaluation = staging / "eval.conll"
        write_conll(teacher.evaluation, evaluation)
        precisions = ["fp32", "int8"] if plan.quantize == "auto" else [plan.quantize]
        for precision in precisions:  # ONNX files built here, not in a measured process
            load_tagger(staging, precision)
        say("Measuring teacher and student (each in a fresh process)")
        rows = [measure_row("teacher", folder, evaluation, "fp32", kind="tagger")]
        if "int8" in precisions:
            rows.append(measure_row("teacher", folder, evaluation, "int8", kind="tagger"))
        tried = [measure_row("student", staging, evaluation, p, kind="tagger")
                 for p in precisions]
        rows += tried
        chosen = choose_precision(tried, plan)
        drop = gate(rows[0], chosen, plan, metric="entity F1",
                    evaluated_on=teacher.evaluated_on, out=target)
        manifest.config["precision"] = chosen.precision
        record = {
            "teacher": str(folder), "teacher_method": teacher.model.manifest.method,
            "method": plan.method, "plan": plan_record(plan), "drop": drop,
            "max_drop": plan.max_drop, "forced": drop > plan.max_drop,
            "evaluated_on": teacher.evaluated_on, "examples": len(teacher.evaluation),
            "seconds": round(time.perf_counter() - started, 1),
            "table": [row.as_dict() for row in rows]}
        manifest.data["compression"] = record
        manifest.write(staging)
        report = load_tagger(staging).evaluate(teacher.evaluation)
        write_tagger_report(report, staging)
        manifest.metrics = {k: report[k] for k in ("precision", "recall", "f1")}
        manifest.metrics["evaluated_on"] = teacher.evaluated_on
        manifest.write(staging)
        write_report(staging, manifest, target, rows, record)
        (staging / CUTS_FILE).unlink(missing_ok=True)
    return target, rows, chosen, rows[0], drop, record
