"""The model being compressed, and the data a compression learns and is measured on.

A :class:`Teacher` is a trained classifier folder opened for compression: where its
encoder's Hugging Face weights are (the base, its own ``encoder/``, or base + adapter
merged) and its scores on any text, split into the part that comes from the sentence
vector and the fixed part its head adds from the text's n-grams (a student keeps that
part as it is and learns the rest).

:class:`CompressionData` gathers the labelled training texts, the held-out split the
before/after table is measured on, and optional unlabelled in-domain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lepton_ai.artifacts.manifest import MANIFEST, Manifest
from lepton_ai.data.labelled import LabelledSet, read_labelled
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.encoders import TransformerEncoder
from lepton_ai.models.registry import resolve
from lepton_ai.tasks.classify import TextClassifier
from lepton_ai.tasks.trained import encoder_source
from lepton_ai.training.checks import cjk_share
from lepton_ai.training.classifier_training import EVAL_FILE

#: Share of Chinese texts that separates an unlabelled file's language from the model's.
LANGUAGE_GAP = 0.5


@dataclass(frozen=True)
class TeacherScores:
    """A teacher's view of some texts: vectors, the vector part of its scores, n-grams'."""

    vectors: np.ndarray  # (n, dim), L2-normalised
    logits: np.ndarray  # (n, labels): the whole score
    ngram_logits: np.ndarray | None  # (n, labels): the n-gram part (kept fixed), or None


@dataclass
class Teacher:
    """A trained classifier opened for compression."""

    folder: Path
    model: TextClassifier

    @classmethod
    def open(cls, folder: str | Path) -> Teacher:
        """Open ``folder``; LAI-E1701 for anything but a classifier on a transformer."""
        path = Path(folder)
        if not (path / MANIFEST).is_file():
            raise LeptonError(E.E1701, model=path, reason=f"it holds no {MANIFEST}",
                              hint="check the path.")
        manifest = Manifest.read(path)
        if manifest.task != "classify":
            raise LeptonError(E.E1701, model=path, reason=f"it is a {manifest.task} model",
                              hint="classifiers, taggers and encoders are compressed.")
        model = TextClassifier.load(path, precision="fp32")
        if not isinstance(model.encoder, TransformerEncoder):
            raise LeptonError(E.E1701, model=path,
                              reason=f"its encoder runs on {model.encoder.backend}",
                              hint="train it on a transformer base (--base all-MiniLM-L6-v2).")
        return cls(path, model)

    @property
    def manifest(self) -> Manifest:
        return self.model.manifest

    def encoder_folder(self) -> Path:
        """The Hugging Face folder of the teacher's encoder (adapters merged in)."""
        source = encoder_source(self.folder, self.manifest)
        return source if isinstance(source, Path) else resolve(source).path()

    def scores(self, texts: Sequence[str]) -> TeacherScores:
        """Vectors and scores of ``texts`` (fp32 encoder, the teacher's exact outputs)."""
        head = self.model.head
        vectors = self.model.encoder.encode(list(texts), role="document")
        logits = head.logits(vectors, list(texts))
        ngram = None
        if head.ngrams is not None:
            from lepton_ai.artifacts.head_weights import NGRAM_WEIGHT

            ngram = head.ngrams.scores(list(texts), head.tensors[NGRAM_WEIGHT]).astype(
                np.float32)
        return TeacherScores(vectors, logits.astype(np.float32), ngram)


@dataclass(frozen=True)
class CompressionData:
    """What a compression trains on and is measured on."""

    train: LabelledSet
    evaluation: LabelledSet
    evaluated_on: str
    unlabelled: list[str]

    @classmethod
    def gather(
        cls,
        teacher: Teacher,
        *,
        data: str | Path | LabelledSet | None = None,
        eval_data: str | Path | LabelledSet | None = None,
        unlabelled: str | Path | Sequence[str] | None = None,
        text: str | None = None,
        label: str | None = None,
        need_train: bool = True,
    ) -> CompressionData:
        """Read the data (LAI-E1703 no held-out split, E1704 no training texts, E1705
        unlabelled text in another language). ``text``/``label``: the columns; default
        the ones the teacher was trained from (else ``text`` and ``label``)."""
        recorded = teacher.manifest.data.get("columns") or {}
        columns = Columns(text or recorded.get("text") or "text",
                          label or recorded.get("label") or "label",
                          recorded.get("label_sep"))
        evaluation, evaluated_on = _evaluation(teacher, eval_data, columns)
        train = _training(teacher, data, columns) if need_train else None
        if train is not None:  # never train on what the table is measured on, nor on
            # labels the teacher has no output for
            held, known = set(evaluation.texts), set(teacher.manifest.labels)
            train = train.subset([i for i, (t, labels) in enumerate(zip(
                train.texts, train.labels, strict=True))
                if t not in held and set(labels) <= known])
        extra = read_texts(unlabelled, columns.text)
        if extra and train is not None:
            _check_language(teacher, train.texts, extra, unlabelled if isinstance(
                unlabelled, str | Path) else "the unlabelled texts")
        empty = LabelledSet.from_lists([], [], "none")
        return cls(train if train is not None else empty, evaluation, evaluated_on, extra)


@dataclass(frozen=True)
class Columns:
    """Where a table keeps the text and the label (and what splits several labels)."""

    text: str
    label: str
    label_sep: str | None = None


def _evaluation(teacher: Teacher, given: str | Path | LabelledSet | None,
                columns: Columns) -> tuple[LabelledSet, str]:
    if isinstance(given, LabelledSet):
        return given, "given evaluation data"
    if given is not None:
        return (read_labelled(given, columns.text, columns.label, columns.label_sep),
                f"evaluation file {Path(given).name}")
    kept = teacher.folder / EVAL_FILE
    if kept.is_file() and kept.stat().st_size:
        return read_labelled(kept, "text", "label"), "the model's held-out split"
    raise LeptonError(E.E1703, model=teacher.folder)


def _training(teacher: Teacher, given: str | Path | LabelledSet | None,
              columns: Columns) -> LabelledSet:
    if isinstance(given, LabelledSet):
        return given
    source = given if given is not None else str(teacher.manifest.data.get("source") or "")
    if given is not None or (source and Path(source).is_file()):
        return read_labelled(source, columns.text, columns.label, columns.label_sep)
    raise LeptonError(E.E1704, model=teacher.folder, source=source or "unrecorded data")


def read_texts(given: str | Path | Sequence[str] | None, text: str = "text") -> list[str]:
    """Unlabelled texts: a list, a file of one text per line, or a table's text column."""
    if given is None:
        return []
    if not isinstance(given, str | Path):
        return [t for t in given if t.strip()]
    from lepton_ai.data.tables import columns_of, texts_from_file

    column = text if text in columns_of(given) else None  # a .txt file has one column
    return texts_from_file(given, column)


def _check_language(teacher: Teacher, train: list[str], extra: list[str], file: object) -> None:
    model_share, found_share = cjk_share(train), cjk_share(extra)
    if abs(model_share - found_share) > LANGUAGE_GAP:
        raise LeptonError(E.E1705, file=file, found_share=found_share,
                          model_share=model_share, model=teacher.folder)
