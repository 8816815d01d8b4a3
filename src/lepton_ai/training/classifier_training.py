"""Training a classifier: from labelled data to an evaluated, saved classifier.

The steps are the pipeline of ``architecture.md``: read → check → choose the
method → train → save the model directory → evaluate the saved model exactly as
it will be served → write the report and the model card.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.artifacts.head_weights import HEAD_FILE, HeadWeights
from lepton_ai.artifacts.manifest import Manifest, check_output_folder
from lepton_ai.artifacts.staging import CHECKPOINTS, staged
from lepton_ai.data.labelled import (
    MIN_PER_LABEL_TO_SPLIT,
    LabelledSet,
    LabelMap,
    read_descriptions,
    read_labelled,
    sample_per_label,
    with_descriptions,
)
from lepton_ai.data.labelled import stratified_split as split
from lepton_ai.errors import E, LeptonError, W, warn
from lepton_ai.evaluation.out_of_scope import fit_threshold
from lepton_ai.evaluation.reports import add_to_report
from lepton_ai.models.registry import (
    DEFAULT_MULTILINGUAL,
    HF_ENCODER,
)
from lepton_ai.tasks.classify import TextClassifier
from lepton_ai.text.length_profile import length_counts
from lepton_ai.training.backbone import base_checksum
from lepton_ai.training.checks import check_descriptions, check_training_data, choose_base
from lepton_ai.training.method_choice import MethodChooser, RunSize
from lepton_ai.training.methods import METHOD_FUNCTIONS, FrozenEncoder, Job
from lepton_ai.training.run_log import evaluation_note, peak_rss_mb, say
from lepton_ai.training.train_config import ENCODER_METHODS, TrainConfig
from lepton_ai.training.tuning import grid_search

MEMORY_FILE = "memory.jsonl"
EVAL_FILE = "eval.jsonl"
#: Examples per label kept in the model directory for rehearsal in continual training.
MEMORY_PER_LABEL = 20


@dataclass(frozen=True)
class StartingPoint:
    """The trained model a continual update starts from, read once (search trials share it).

    ``old_eval`` is every earlier held-out example (None when none were kept) and
    ``accuracy_before`` the model's own accuracy on them, scored before anything is
    written; ``model`` is the model itself, loaded (its encoder reads the vectors of an
    update that refits the head only).
    """

    folder: Path
    manifest: Manifest
    old_eval: LabelledSet | None
    memory: LabelledSet | None
    accuracy_before: float | None
    model: TextClassifier

    @classmethod
    def read(cls, folder: Path) -> StartingPoint:
        """Read a model directory's manifest, kept data, and score it on its eval set."""
        old_eval = _read_jsonl(folder / EVAL_FILE)
        model = TextClassifier.load(folder)
        before = model.evaluate(old_eval)["accuracy"] if old_eval else None
        return cls(folder, model.manifest, old_eval, _read_jsonl(folder / MEMORY_FILE),
                   before, model)

    @property
    def encoder_method(self) -> str:
        """The method that trained the encoder this model reads vectors with."""
        return encoder_method(self.manifest)


def encoder_method(manifest: Manifest) -> str:
    """The method that trained a model's encoder (a head-only update keeps the encoder of
    the model it updated, and records that model's method)."""
    return str(manifest.data.get("encoder_method") or manifest.method)


#: ``metrics["evaluated_on"]`` when the user gave the evaluation data.
GIVEN_EVALUATION = "given evaluation data"


def held_out(
    train_set: LabelledSet, evaluation: LabelledSet | None, config: TrainConfig
) -> tuple[LabelledSet, LabelledSet, str]:
    """Training and evaluation data, and what the evaluation is (a split if none given)."""
    if evaluation is not None:
        return train_set, evaluation, GIVEN_EVALUATION
    return (*split(train_set, config.eval_fraction, config.seed), "held-out split")


def train_classifier(
    data: str | Path | LabelledSet,
    *,
    text: str = "text",
    label: str = "label",
    label_sep: str | None = None,
    eval_data: str | Path | LabelledSet | None = None,
    base: str | Path | None = None,
    out: str | Path,
    resume: bool = False,
    from_model: str | Path | None = None,
    search: dict[str, list[Any]] | None = None,
    keep_data: bool = True,
    label_descriptions: Mapping[str, str] | str | Path | None = None,
    **options: Any,
) -> TextClassifier:
    """Train a text classifier and save it as a model directory.

    Args:
        data: a labelled file (CSV/TSV/JSONL/JSON/Parquet) or a ``LabelledSet``.
        text, label: column names; ``label_sep`` splits multi-label strings.
        eval_data: held-out data; default: a stratified 10% split of ``data``.
        base: encoder to start from (name or folder); default by language.
        out: the model directory to write.
        resume: continue from the last checkpoint in ``out``.
        from_model: continual learning: update this trained model with ``data``.
        search: hyper-parameter grid, e.g. ``{"lr": [1e-5, 3e-5], "epochs": [3, 5]}``.
        keep_data: store the evaluation split and a small rehearsal sample in the
            directory (used by continual learning).
        label_descriptions: label → a short description (or a file of them, see
            :func:`read_descriptions`); each is trained on as one more example of its
            label (an update keeps the previous model's unless given new ones).
        **options: :class:`TrainConfig` fields (``method``, ``epochs``, ``lr``, …).
    """
    config = TrainConfig.from_options(**options)
    train_set = data if isinstance(data, LabelledSet) else read_labelled(
        data, text, label, label_sep
    )
    evaluation = _read_eval(eval_data, text, label, label_sep)
    descriptions = (read_descriptions(label_descriptions)
                    if isinstance(label_descriptions, str | Path) else label_descriptions)
    out_dir = Path(out)
    check_output_folder(out_dir)
    # Read before anything is written: --from may name out_dir itself (an update in place).
    start = StartingPoint.read(Path(from_model)) if from_model is not None else None
    with staged(out_dir, resume=resume) as staging:
        if search:
            trial_train, trial_eval, evaluated_on = held_out(train_set, evaluation, config)

            def run_trial(trial_config: TrainConfig, folder: Path) -> TextClassifier:
                return train_one(
                    trial_train, trial_eval, trial_config, base=base, out=folder,
                    keep_data=keep_data, evaluated_on=evaluated_on, previous=start,
                    descriptions=descriptions,
                )

            model = grid_search(search, config, staging, run_trial)
        else:
            model = train_one(
                train_set, evaluation, config, base=base, out=staging, resume=resume,
                previous=start, keep_data=keep_data, descriptions=descriptions,
            )
        from lepton_ai.training.card import write_model_card

        write_model_card(staging, model.manifest, shown_as=out_dir)
    model = TextClassifier.load(out_dir)
    counts = model.manifest.data
    say(f"Saved to {out_dir}: accuracy {model.metrics['accuracy']:.4f} on "
         f"{counts['eval_examples'] or counts['train_examples']} examples "
         f"({model.metrics['evaluated_on']})")
    return model


def _read_eval(
    eval_data: str | Path | LabelledSet | None, text: str, label: str, label_sep: str | None
) -> LabelledSet | None:
    if eval_data is None or isinstance(eval_data, LabelledSet):
        return eval_data
    return read_labelled(eval_data, text, label, label_sep)


def train_one(
    train_set: LabelledSet,
    evaluation: LabelledSet | None,
    config: TrainConfig,
    *,
    base: str | Path | None,
    out: Path,
    resume: bool = False,
    previous: StartingPoint | None = None,
    keep_data: bool = True,
    evaluated_on: str | None = None,
    descriptions: Mapping[str, str] | None = None,
) -> TextClassifier:
    if previous is not None:
        base = previous.manifest.base_model
    spec = choose_base(train_set.texts, base)
    new_examples = len(train_set)
    if evaluated_on is None:  # (a search passes it: its trials share one split)
        train_set, evaluation, evaluated_on = held_out(train_set, evaluation, config)
    assert evaluation is not None
    report_data = evaluation
    if not len(evaluation):
        warn(W.W205, minimum=MIN_PER_LABEL_TO_SPLIT, n=len(train_set))
        report_data = train_set
    if previous is not None and previous.memory is not None:
        train_set = train_set + previous.memory
    check_training_data(
        train_set, evaluation, base_languages=spec.languages, base_name=spec.name,
        multilingual_alternative=DEFAULT_MULTILINGUAL,
    )
    if descriptions is None and previous is not None:
        descriptions = previous.manifest.data.get("label_descriptions")
    descriptions = dict(descriptions or {})
    check_descriptions(descriptions, train_set)
    if config.method in ENCODER_METHODS and spec.kind != HF_ENCODER:
        raise LeptonError(E.E509, method=config.method, base=spec.name, kind=spec.kind)
    old_eval_size = len(previous.old_eval) if previous and previous.old_eval else 0
    # an update that refits the head on the previous encoder keeps the previous head's
    # n-grams, or their absence (_continue_from); otherwise the data decides
    kept_ngrams = (previous.model.head.ngrams is not None
                   if previous is not None and previous.manifest.encoder != "base" else None)
    choice = MethodChooser(config, spec, RunSize.of(train_set, len(evaluation), old_eval_size,
                                                    ngrams=kept_ngrams)
                           ).choose(train_set, new_examples=new_examples,
                                    previous_method=previous and previous.encoder_method)
    method = choice.method
    config = config.resolved(method)
    time_note = choice.time_note()
    say(
        f"Training [bold]{method}[/]{choice.note()} on "
        f"{spec.name}: {len(train_set)} examples"
        f"{f' and {len(descriptions)} label descriptions' if descriptions else ''}, "
        f"{len(train_set.label_counts())} labels, "
        + evaluation_note(len(evaluation), evaluated_on == GIVEN_EVALUATION, "examples")
        + (f"; {time_note}" if time_note else "")
    )
    labels = LabelMap.of(train_set, keep=previous.manifest.labels if previous else ())
    job = Job(
        train=with_descriptions(train_set, descriptions), valid=evaluation, labels=labels,
        multi_label=train_set.multi_label,
        base=spec, encoder_source=spec.name, config=config, out=out, resume=resume,
    )
    if previous is not None:
        _continue_from(job, previous)
    out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    result = METHOD_FUNCTIONS[method](job)
    seconds = time.perf_counter() - started

    result.head.save(out / HEAD_FILE)
    manifest = Manifest(
        task="classify", labels=list(labels.names), method=method, base_model=spec.name,
        base_checksum=base_checksum(spec), encoder=result.encoder, head=result.head.kind,
        multi_label=job.multi_label, config=config.to_dict(),
        data={
            "train_examples": len(train_set), "eval_examples": len(evaluation),
            "label_counts": dict(train_set.label_counts()),
            "length_counts": length_counts(train_set.texts), "source": train_set.source,
            **({"columns": train_set.columns} if train_set.columns else {}),
            "train_seconds": round(seconds, 1), "trainable_parameters": result.trainable_parameters,
            "peak_rss_mb": peak_rss_mb(), "chosen": result.chosen,
            "encoder_method": (previous.encoder_method if previous is not None
                               and job.frozen_encoder is not None else method),
            **({"estimated_seconds": round(choice.seconds, 1)} if choice.seconds else {}),
            **({"label_descriptions": descriptions} if descriptions else {}),
        },
        history=result.history,
    )
    if config.out_of_scope:
        _calibrate_rejection(manifest, out, evaluation, job.multi_label)
    manifest.write(out)
    model = TextClassifier.load(out)
    report = model.evaluate(report_data, out=out)
    manifest.metrics = {k: report[k] for k in ("accuracy", "macro", "micro", "weighted", "ece",
                                               "out_of_scope") if k in report}
    manifest.metrics["evaluated_on"] = evaluated_on if len(evaluation) else "training data"
    old_eval = previous.old_eval if previous is not None else None
    if previous is not None and old_eval is not None:
        manifest.metrics["forgetting"] = {
            "old_eval_examples": len(old_eval), "accuracy_before": previous.accuracy_before,
            "accuracy_after": model.evaluate(old_eval)["accuracy"],
        }
    if previous is not None and len(evaluation):
        compared = before_and_after(previous.model, evaluation, report)
        if compared is not None:
            manifest.metrics["before_after"] = compared
    for key in ("before_after", "forgetting"):
        if key in manifest.metrics:  # beside the report, where the console reads it
            add_to_report(out, key, manifest.metrics[key])
    manifest.write(out)
    model.manifest = manifest
    if keep_data:
        # Every update's held-out examples stay, so forgetting is measured on all so far.
        write_labelled_jsonl(out / EVAL_FILE,
                             evaluation if old_eval is None else old_eval + evaluation)
        write_labelled_jsonl(out / MEMORY_FILE,
                             sample_per_label(train_set, MEMORY_PER_LABEL, config.seed))
    shutil.rmtree(out / CHECKPOINTS, ignore_errors=True)  # (search trials are not staged)
    return model


def before_and_after(before: TextClassifier, evaluation: LabelledSet,
                     after: dict[str, Any]) -> dict[str, Any] | None:
    """The model an update started from and the updated one on the same held-out data
    (None when that data has labels the earlier model does not know)."""
    if not {name for example in evaluation.labels for name in example} <= set(before.labels):
        return None
    earlier = before.evaluate(evaluation)
    return {"examples": len(evaluation),
            "before": {"accuracy": earlier["accuracy"], "macro_f1": earlier["macro"]["f1"]},
            "after": {"accuracy": after["accuracy"], "macro_f1": after["macro"]["f1"]}}


def _calibrate_rejection(manifest: Manifest, out: Path, evaluation: LabelledSet,
                         multi_label: bool) -> None:
    """Fit the out-of-scope threshold on the validation split into the manifest."""
    if multi_label or len(evaluation) == 0:
        raise LeptonError(E.E511, name="out_of_scope", value=True,
                          why="it needs a single-label classifier and a validation split "
                          "(leave eval_fraction above 0 or give --eval)")
    manifest.write(out)
    probabilities = TextClassifier.load(out).predict_proba(evaluation.texts)
    fitted = fit_threshold(probabilities, [labels[0] for labels in evaluation.labels],
                           manifest.labels)
    manifest.config["out_of_scope_threshold"] = fitted["threshold"]
    manifest.config["out_of_scope_rule"] = fitted["rule"]


def _continue_from(job: Job, start: StartingPoint) -> None:
    """Start from the previous model: its encoder/adapter and its head, widened."""
    folder, previous = start.folder, start.manifest
    head = HeadWeights.load(folder / HEAD_FILE, previous.head, previous.multi_label)
    extra = len(job.labels) - len(previous.labels)
    if extra:
        out_w, out_b = head.tensors["out.weight"], head.tensors["out.bias"]
        head.tensors["out.weight"] = np.vstack([out_w, np.zeros((extra, out_w.shape[1]),
                                                                 out_w.dtype)])
        head.tensors["out.bias"] = np.concatenate([out_b, np.full(extra, out_b.min(),
                                                                  out_b.dtype)])
    job.init_head, job.new_labels = head, extra
    if job.config.method == "head" and previous.encoder != "base":
        # The head only, on the previous model's own encoder (copied into the new model).
        job.frozen_encoder = FrozenEncoder(start.model.encoder, folder / previous.encoder)
        job.config = replace(job.config, ngrams=head.ngrams is not None)
    elif previous.encoder == "encoder":
        job.encoder_source = folder / "encoder"
    elif previous.encoder == "adapter":
        job.adapter_source = folder / "adapter"


def write_labelled_jsonl(file: Path, data: LabelledSet) -> None:
    """One ``{"text", "label": [...]}`` line per example (``read_labelled`` reads it)."""
    with file.open("w", encoding="utf-8") as handle:
        for text, labels in zip(data.texts, data.labels, strict=True):
            handle.write(json.dumps({"text": text, "label": labels}, ensure_ascii=False) + "\n")


def _read_jsonl(file: Path) -> LabelledSet | None:
    """A kept eval or memory file; None when absent or empty (nothing was held out)."""
    if not file.is_file() or file.stat().st_size == 0:
        return None
    return read_labelled(file, "text", "label")


