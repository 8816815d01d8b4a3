"""``lai compress``: a smaller, faster copy of a trained model, and what it costs.

A classifier goes through the steps below. An entity tagger
(:mod:`~lepton_ai.compression.tagger_student`) and an encoder
(:mod:`~lepton_ai.compression.encoder_student`) take the same cut, table and gate,
with entity F1 or STS Spearman as the score.

The steps, each in its own module:

1. open the teacher and gather the data (:mod:`~lepton_ai.compression.teacher`);
2. make the student: a transformer cut from the teacher's encoder (fewer layers,
   fewer heads: :mod:`~lepton_ai.compression.students`, chosen by measured
   :mod:`~lepton_ai.compression.importance`) and trained on the teacher's outputs
   (:mod:`~lepton_ai.compression.distillation`); or a static model
   (:mod:`~lepton_ai.compression.static_tier`);
3. choose the precision by measuring fp32 and int8 here;
4. measure teacher and student the same way (:mod:`~lepton_ai.compression.measurement`)
   and refuse a result that loses more than ``max_drop`` points (LAI-E1707);
5. write an ordinary model folder (staged: an interrupted run leaves no half-written
   model, and ``resume`` continues from its last checkpoint) with
   ``compress-report.json``, ``compress-report.png`` and a model card recording the
   teacher, the method and the table.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.artifacts.head_weights import HEAD_FILE, HeadWeights
from lepton_ai.artifacts.manifest import MANIFEST, Manifest, check_output_folder
from lepton_ai.artifacts.staging import CHECKPOINTS, staged
from lepton_ai.compression.card_section import REPORT_JSON, write_report
from lepton_ai.compression.distillation import DistilSet, DistilSettings, distil, student_head
from lepton_ai.compression.gate import choose_precision, gate
from lepton_ai.compression.measurement import Row, measure_row
from lepton_ai.compression.plan import CompressionPlan, plan_record
from lepton_ai.compression.students import CUTS_FILE
from lepton_ai.compression.teacher import CompressionData, Teacher
from lepton_ai.data.labelled import LabelledSet, LabelMap
from lepton_ai.errors import E, LeptonError
from lepton_ai.tasks.classify import TextClassifier
from lepton_ai.training.classifier_training import EVAL_FILE, write_labelled_jsonl
from lepton_ai.training.run_log import say

#: Bytes per number held per text (teacher vectors and scores) and fixed overhead.
OVERHEAD_GB = 2.5


@dataclass
class CompressionResult:
    """What a compression wrote: the model (a classifier, or an encoder for an encoder),
    the table and the gate's verdict."""

    model: Any
    rows: list[Row]
    chosen: Row
    teacher_row: Row
    drop: float
    seconds: float
    folder: Path


def compress(
    model: str | Path,
    out: str | Path,
    *,
    distil: bool = False,
    layers: int | None = None,
    prune_heads: float | None = None,
    prune_layers: int | None = None,
    static: bool = False,
    quantize: str = "auto",
    data: str | Path | LabelledSet | None = None,
    eval_data: str | Path | LabelledSet | None = None,
    unlabelled: str | Path | list[str] | None = None,
    text: str | None = None,
    label: str | None = None,
    max_drop: float = 1.0,
    force: bool = False,
    resume: bool = False,
    **settings: Any,
) -> CompressionResult:
    """Compress ``model`` into a new folder ``out``.

    Args:
        model: the teacher: a trained classifier or entity-tagger folder, or an encoder
            (a registered name or a Hugging Face folder).
        out: the folder to write (new, empty, or a model written before).
        distil: distil a student with ``layers`` of the teacher's layers (``layers``
            alone implies it).
        layers: how many layers the distilled student keeps.
        prune_heads: remove this share of attention heads (least important first).
        prune_layers: remove this many layers (least important first).
        static: a static-embedding (model2vec) student with a new head.
        quantize: ``int8``, ``fp32`` or ``auto`` (the faster one that keeps accuracy).
        data: the labelled (or tagged) training data (default: the file the teacher
            records).
        eval_data: labelled data to measure on (default: the teacher's held-out
            split); for an encoder, scored sentence pairs.
        unlabelled: more in-domain texts (a file or a list) the teacher labels; what an
            encoder's student learns from.
        text, label: the data's columns (default: the ones the teacher was trained from,
            else ``text`` and ``label``).
        max_drop: most accuracy points the result may lose (LAI-E1707 otherwise).
        force: write a result that loses more, with the drop in its card.
        resume: continue an interrupted run from its last checkpoint.
        **settings: :class:`DistilSettings` fields (``epochs``, ``lr``, ``batch_size``…).
    """
    started = time.perf_counter()
    known = set(DistilSettings.__dataclass_fields__)
    unknown = sorted(set(settings) - known)
    if unknown:
        raise LeptonError(E.E1702, option=unknown[0], value=settings[unknown[0]],
                          problem="is not a compression setting",
                          fix=f"Settings: {', '.join(sorted(known))}.")
    epochs_given = "epochs" in settings
    if prune_heads is not None or prune_layers is not None:
        settings.setdefault("epochs", 2)  # pruning: a short recovery run
    if static:
        from lepton_ai.compression.static_tier import STATIC_SETTINGS

        settings = {**STATIC_SETTINGS, **settings}
    if distil and layers is None:
        raise LeptonError(E.E1702, option="--layers", value=None,
                          problem="is missing: distillation needs the student's depth",
                          fix="Give --distil --layers N, e.g. --layers 3 for a 6-layer "
                          "teacher.")
    plan = CompressionPlan(layers, prune_heads, prune_layers, static, quantize,
                           max_drop, force, DistilSettings(**settings))
    plan.check(None)
    target = Path(out)
    if names_an_encoder(model):
        from lepton_ai.compression.encoder_student import compress_encoder
        from lepton_ai.compression.teacher import read_texts
        from lepton_ai.models.loader import load_encoder

        check_output_folder(target, ours=(REPORT_JSON,))
        texts = read_texts(unlabelled, text or "text")
        pairs = None if isinstance(eval_data, LabelledSet) else eval_data
        folder, rows, chosen, teacher_row, drop = compress_encoder(
            model, target, plan, unlabelled=texts, pairs=pairs, resume=resume)
        seconds = round(time.perf_counter() - started, 1)
        say(f"Compressed {model} → {target} ({plan.method}, {chosen.precision}): STS "
            f"Spearman {teacher_row.quality} → {chosen.quality}, {seconds:.0f} s")
        return CompressionResult(load_encoder(folder, precision=chosen.precision if
                                              chosen.precision in ("fp32", "int8") else None),
                                 rows, chosen, teacher_row, drop, seconds, folder)
    if _task_of(model) == "ner":
        from lepton_ai.compression.tagger_student import compress_tagger
        from lepton_ai.tasks.tagger import load_tagger

        check_output_folder(target)
        teacher_epochs = int(Manifest.read(Path(model)).config.get("epochs") or 0)
        if not epochs_given and plan.layers is not None and teacher_epochs > plan.settings.epochs:
            # a distilled tagger needs the passes its teacher needed (AnEM: 8)
            plan = replace(plan, settings=replace(plan.settings, epochs=teacher_epochs))
        tagged = None if isinstance(data, LabelledSet) else data
        tagged_eval = None if isinstance(eval_data, LabelledSet) else eval_data
        folder, rows, chosen, teacher_row, drop, record = compress_tagger(
            Path(model), target, plan, data=tagged, eval_data=tagged_eval, resume=resume)
        say(f"Compressed {model} → {target} ({plan.method}, {chosen.precision}): entity F1 "
            f"{teacher_row.quality} → {chosen.quality}, {record['seconds']:.0f} s")
        return CompressionResult(load_tagger(folder), rows, chosen, teacher_row, drop,
                                 record["seconds"], folder)
    teacher = Teacher.open(model)
    check_output_folder(target)
    gathered = CompressionData.gather(teacher, data=data, eval_data=eval_data,
                                      unlabelled=unlabelled, text=text, label=label,
                                      need_train=not plan.quantize_only)
    _check_memory(teacher, len(gathered.train) + len(gathered.unlabelled))
    with staged(target, resume=resume) as staging:
        if plan.static:
            manifest = _static_student(teacher, gathered, plan, staging, resume)
        elif plan.quantize_only:
            manifest = _quantized_student(teacher, gathered, plan, staging)
        else:
            manifest = _transformer_student(teacher, gathered, plan, staging, resume)
        write_labelled_jsonl(staging / EVAL_FILE, gathered.evaluation)
        manifest.write(staging)
        rows, chosen, teacher_row = _measure(teacher, staging, plan)
        manifest.config["precision"] = chosen.precision if chosen.precision in (
            "fp32", "int8") else None
        drop = gate(teacher_row, chosen, plan, metric="accuracy",
                    evaluated_on=gathered.evaluated_on, out=target)
        seconds = round(time.perf_counter() - started, 1)
        record = {
            "teacher": str(teacher.folder), "teacher_method": teacher.manifest.method,
            "method": plan.method, "plan": plan_record(plan), "drop": drop,
            "max_drop": plan.max_drop, "forced": drop > plan.max_drop,
            "evaluated_on": gathered.evaluated_on, "examples": len(gathered.evaluation),
            "seconds": seconds,
            "table": [row.as_dict() for row in rows],
        }
        manifest.data["compression"] = record
        manifest.metrics["evaluated_on"] = gathered.evaluated_on
        manifest.write(staging)
        report = TextClassifier.load(staging).evaluate(gathered.evaluation, out=staging)
        manifest.metrics.update({k: report[k] for k in ("accuracy", "macro", "micro",
                                                         "weighted", "ece") if k in report})
        manifest.write(staging)
        write_report(staging, manifest, target, rows, record)
        (staging / CUTS_FILE).unlink(missing_ok=True)
    int8_teacher = next((row for row in rows if row.model == "teacher"
                         and row.precision == "int8"), teacher_row)
    say(f"Compressed {teacher.folder} → {target} ({plan.method}, {chosen.precision}): "
        f"accuracy {teacher_row.accuracy} → {chosen.accuracy}, "
        f"{chosen.texts_per_s_batch32 / max(int8_teacher.texts_per_s_batch32, 1e-9):.1f}× "
        f"the texts/s of the {int8_teacher.precision} teacher at batch 32, {seconds:.0f} s")
    return CompressionResult(TextClassifier.load(target), rows, chosen, teacher_row, drop,
                             seconds, target)


def _task_of(model: str | Path) -> str | None:
    """The task a trained model folder records; None for anything else."""
    if not (Path(model) / MANIFEST).is_file():
        return None
    return Manifest.read(Path(model)).task


def names_an_encoder(model: str | Path) -> bool:
    """Whether ``model`` is an encoder (a registered name or a Hugging Face folder) rather
    than a trained model folder."""
    from lepton_ai.models.registry import resolve

    if (Path(model) / MANIFEST).is_file():
        return False
    try:
        resolve(model)
    except LeptonError:
        return False
    return True


def _transformer_student(teacher: Teacher, gathered: CompressionData, plan: CompressionPlan,
                         staging: Path, resume: bool) -> Manifest:
    from lepton_ai.compression.distillation import DistilLoss
    from lepton_ai.compression.students import cut_student, layer_count
    from lepton_ai.training.backbone import SentenceBackbone

    max_length = teacher.manifest.config.get("max_length")

    def fresh() -> SentenceBackbone:
        return SentenceBackbone(teacher.encoder_folder(), max_length)

    backbone = fresh()
    if backbone.model.config.model_type not in ("bert", "roberta", "xlm-roberta", "electra"):
        raise LeptonError(E.E1701, model=teacher.folder,
                          reason=f"its encoder is a {backbone.model.config.model_type}",
                          hint="BERT-style encoders (MiniLM, BERT, RoBERTa) are supported.")
    plan.check(layer_count(backbone.model))
    distil_set = _distil_set(teacher, gathered)
    head = student_head(teacher.model.head)
    backbone, cuts = cut_student(
        fresh, lambda model: DistilLoss(model, head, distil_set, plan.settings,
                                        teacher.manifest.multi_label),
        plan, len(distil_set.texts), staging, resume)

    head_weights, history = distil(
        backbone, head, teacher.model.head, distil_set, plan.settings, staging / CHECKPOINTS,
        validate=_validation(teacher, gathered), resume=resume,
        description=f"{plan.method} student")
    backbone.save(staging / "encoder")
    head_weights.save(staging / HEAD_FILE)
    return _student_manifest(teacher, plan, gathered, "encoder", history,
                             {"layers": cuts["layers"], "heads": cuts["heads"],
                              "layer_importance": cuts.get("layer_importance")})


def _static_student(teacher: Teacher, gathered: CompressionData, plan: CompressionPlan,
                    staging: Path, resume: bool) -> Manifest:
    from lepton_ai.compression.distillation import vector_part
    from lepton_ai.compression.static_backbone import StaticBackbone
    from lepton_ai.compression.static_tier import STATIC_FOLDER, distil_static

    folder = staging / STATIC_FOLDER
    if not (resume and (folder / "config.json").is_file()):
        say(f"Distilling static token vectors from {teacher.manifest.base_model}")
        distil_static(teacher.encoder_folder(), folder, dims=None)
    # The student learns the teacher's whole score (its n-gram part included) from token
    # vectors alone: no n-grams at inference, which would cost more than the lookup.
    distil_set = _distil_set(teacher, gathered, whole_scores=True)
    backbone = StaticBackbone(folder)
    teacher_head = vector_part(teacher.model.head)
    head_weights, history = distil(
        backbone, student_head(teacher_head), teacher_head, distil_set,
        plan.settings, staging / CHECKPOINTS,
        validate=_validation(teacher, gathered), resume=resume, description="static student")
    backbone.save(folder)
    head_weights.save(staging / HEAD_FILE)
    return _student_manifest(teacher, plan, gathered, "static", history, {})


def _validation(teacher: Teacher, gathered: CompressionData) -> Any:
    """Accuracy of a student on the held-out split (None for a multi-label teacher)."""
    if teacher.manifest.multi_label:
        return None

    def validate(student: Any, weights: HeadWeights) -> float:
        vectors = student.encode(gathered.evaluation.texts)
        predicted = weights.probabilities(vectors, gathered.evaluation.texts).argmax(1)
        truth = [labels[0] for labels in gathered.evaluation.labels]
        names = teacher.manifest.labels
        return float(np.mean([names[p] == t for p, t in zip(predicted, truth, strict=True)]))

    return validate


def _quantized_student(teacher: Teacher, gathered: CompressionData, plan: CompressionPlan,
                       staging: Path) -> Manifest:
    from lepton_ai.artifacts.head_weights import NGRAM_FILE
    from lepton_ai.compression.quantized import copy_files, write_onnx_only_encoder

    say(f"Writing {teacher.manifest.base_model}'s encoder as int8 ONNX")
    write_onnx_only_encoder(teacher.encoder_folder(), staging / "encoder", plan.quantize)
    copy_files(teacher.folder, staging, (HEAD_FILE, NGRAM_FILE))
    return _student_manifest(teacher, plan, gathered, "encoder", [], {})


def _student_manifest(teacher: Teacher, plan: CompressionPlan, gathered: CompressionData,
                      encoder: str, history: list[dict[str, Any]],
                      chosen: dict[str, Any]) -> Manifest:
    source = teacher.manifest
    return Manifest(
        task="classify", labels=list(source.labels), method=plan.method,
        base_model=source.base_model, base_checksum=None, encoder=encoder, head=source.head,
        multi_label=source.multi_label,
        config={**source.config, "compress": plan_record(plan)},
        data={**{k: v for k, v in source.data.items() if k != "compression"},
              "train_examples": len(gathered.train),
              "unlabelled_examples": len(gathered.unlabelled),
              "eval_examples": len(gathered.evaluation), "chosen": chosen},
        history=history)


def _distil_set(teacher: Teacher, gathered: CompressionData, *,
                whole_scores: bool = False) -> DistilSet:
    """The texts a student learns from, with the teacher's scores (``whole_scores``: the
    student has no n-gram part, so it learns the score n-grams included)."""
    texts = gathered.train.texts + gathered.unlabelled
    labels = LabelMap(tuple(teacher.manifest.labels))
    targets = np.full(len(texts), -1, dtype=np.int64)
    if not teacher.manifest.multi_label:
        for row, names in enumerate(gathered.train.labels):
            targets[row] = labels.index(names[0])
    say(f"Teacher scores on {len(texts)} texts")
    scores = teacher.scores(texts)
    if whole_scores:
        scores = replace(scores, ngram_logits=None)
    return DistilSet(texts, targets, scores)


def _measure(teacher: Teacher, student: Path, plan: CompressionPlan) -> tuple[
        list[Row], Row, Row]:
    """The table: teacher at fp32 (and int8), student at each precision tried."""
    evaluation = student / EVAL_FILE
    say("Measuring teacher and student (each in a fresh process)")
    rows = [measure_row("teacher", teacher.folder, evaluation, "fp32")]
    if plan.static:  # against the teacher as it runs by default too (int8)
        rows.append(measure_row("teacher", teacher.folder, evaluation, "int8"))
        chosen = measure_row("student", student, evaluation, "own")
        rows.append(chosen)
        return rows, chosen, rows[0]
    precisions = ["fp32", "int8"] if plan.quantize == "auto" else [plan.quantize]
    for precision in precisions:  # build the ONNX files here, not in a measured process
        TextClassifier.load(student, precision=precision)
    if "int8" in precisions:
        rows.append(measure_row("teacher", teacher.folder, evaluation, "int8"))
    tried = [measure_row("student", student, evaluation, p) for p in precisions]
    rows += tried
    chosen = choose_precision(tried, plan)
    return rows, chosen, rows[0]


def _check_memory(teacher: Teacher, n_texts: int) -> None:
    """LAI-E1706 when the teacher's scores and the models would not fit in memory."""
    dim = teacher.model.encoder.dim
    per_text = 4 * (dim + 2 * len(teacher.manifest.labels)) + 400  # + the text and its ids
    needed = OVERHEAD_GB + n_texts * per_text / 1e9
    free = _available_gb()
    if free is not None and needed > free:
        raise LeptonError(E.E1706, model=teacher.folder, needed_gb=needed, free_gb=free)


def _available_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1e6
    except OSError:
        return None
    return None
