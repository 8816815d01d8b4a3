"""``lai.train``: one entry for every task, from labelled data to an evaluated, saved model.

The steps are the pipeline of ``architecture.md``, whatever the task: read → check
→ choose the method (:mod:`~lepton_ai.training.method_catalog`) → train → save the
model directory (staged, swapped in when finished) → evaluate the saved model
exactly as it will be served → write the report and the model card. Classifiers
(:mod:`~lepton_ai.training.classifier_training`) and entity taggers
(:mod:`~lepton_ai.training.ner.tagger_training`) fill in the task-specific steps;
both return a :class:`~lepton_ai.tasks.trained.TrainedModel`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from lepton_ai.data.labelled import LabelledSet
from lepton_ai.data.tagged import TaggedSentence
from lepton_ai.errors import E, LeptonError
from lepton_ai.settings import settings
from lepton_ai.tasks.trained import TrainedModel
from lepton_ai.training.classifier_training import train_classifier
from lepton_ai.training.method_catalog import check_task
from lepton_ai.training.ner.tagger_training import train_tagger

#: Arguments that only classifiers take, with their defaults.
CLASSIFIER_ONLY: dict[str, Any] = {
    "text": "text", "label": "label", "label_sep": None, "from_model": None, "search": None,
    "keep_data": True, "label_descriptions": None,
}


def train(
    data: str | Path | LabelledSet | list[TaggedSentence],
    *,
    task: str = "classify",
    text: str = "text",
    label: str = "label",
    label_sep: str | None = None,
    eval_data: str | Path | LabelledSet | list[TaggedSentence] | None = None,
    base: str | Path | None = None,
    out: str | Path | None = None,
    resume: bool = False,
    from_model: str | Path | None = None,
    search: dict[str, list[Any]] | None = None,
    keep_data: bool = True,
    label_descriptions: Mapping[str, str] | str | Path | None = None,
    **options: Any,
) -> TrainedModel:
    """Train a model for ``task`` and save it as a model directory; returns it loaded.

    Args:
        data: labelled data: a file (classify: CSV/TSV/JSONL/JSON/Parquet with a text
            and a label column; ner: CoNLL, BMES or JSONL with entities) or the task's
            data type (``LabelledSet``; a list of ``TaggedSentence``).
        task: ``"classify"`` (labels per text), ``"ner"`` (entities in text) or
            ``"pair"`` (two texts and a 0/1 label or score: fine-tunes the encoder
            for matching and returns a ``PairReport``; see
            :mod:`~lepton_ai.training.pair_training`).
        eval_data: held-out data; default: a split of ``data``.
        base: encoder to start from (name or folder); default by language.
        out: model directory; default ``<cache>/runs/<time>``.
        resume: continue from the last checkpoint in ``out``.
        text, label, label_sep, from_model, search, keep_data, label_descriptions:
            classifiers only, see :func:`~lepton_ai.training.classifier_training.train_classifier`.
        **options: :class:`~lepton_ai.training.train_config.TrainConfig` fields
            (``method``, ``epochs``, ``lr``, …); ``lai train --help`` lists the methods
            of each task.
    """
    check_task(task)
    folder = Path(out) if out is not None else default_out()
    if task in ("ner", "pair"):
        given = {"text": text, "label": label, "label_sep": label_sep,
                 "from_model": from_model, "search": search, "keep_data": keep_data,
                 "label_descriptions": label_descriptions}
        changed = sorted(name for name, value in given.items() if value != CLASSIFIER_ONLY[name])
        if changed:
            raise LeptonError(E.E519, names=", ".join(changed), task=task)
    if task == "pair":
        return _train_pairs(data, eval_data, base, folder, options)  # type: ignore[arg-type]
    if task == "ner":
        return train_tagger(data, eval_data=eval_data, base=base, out=folder,  # type: ignore[arg-type]
                            resume=resume, **options)
    return train_classifier(
        data, text=text, label=label, label_sep=label_sep,  # type: ignore[arg-type]
        eval_data=eval_data, base=base, out=folder, resume=resume,  # type: ignore[arg-type]
        from_model=from_model, search=search, keep_data=keep_data,
        label_descriptions=label_descriptions, **options)


def _train_pairs(data: str | Path, eval_data: str | Path | None, base: str | Path | None,
                 out: Path, options: dict[str, Any]) -> Any:
    """``task="pair"``: the method ``full`` (auto) on pairs; returns a
    :class:`~lepton_ai.training.pair_training.PairReport`."""
    from lepton_ai.training.pair_training import train_pairs
    from lepton_ai.training.train_config import TrainConfig

    config = TrainConfig.from_options(**options)
    config = config.resolved("full" if config.method == "auto" else config.method, "pair")
    return train_pairs(data, out=out, eval_data=eval_data, base=base,
                       epochs=int(config.epochs or 1), lr=float(config.lr or 2e-5),
                       batch_size=config.batch_size, seed=config.seed,
                       eval_fraction=config.eval_fraction,
                       checkpoint_every=config.checkpoint_every)


def default_out() -> Path:
    """Where a run without ``out`` is saved: ``<cache>/runs/<UTC time>``."""
    return settings.cache_dir / "runs" / datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
