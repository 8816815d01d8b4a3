"""Labelled examples for text classification: reading, splitting, label maps.

A :class:`LabelledSet` is a list of texts with one label each (single-label)
or a list of labels each (multi-label). Files are any table ``data.tables``
reads (CSV, TSV, JSONL, JSON, Parquet); a multi-label column holds a list, or
a string split on ``label_sep``.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lepton_ai.data.tables import Row, columns_of, read_rows
from lepton_ai.errors import E, LeptonError


@dataclass
class LabelledSet:
    """Texts and their labels; ``labels[i]`` is a list of one or more labels."""

    texts: list[str]
    labels: list[list[str]]
    source: str = "<memory>"
    rows: list[int] = field(default_factory=list)  # 1-based source rows, for messages
    #: The columns read from the source ({"text": …, "label": …, "label_sep": …}).
    columns: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.rows:
            self.rows = list(range(1, len(self.texts) + 1))

    def __len__(self) -> int:
        return len(self.texts)

    @property
    def multi_label(self) -> bool:
        """True when any example carries more than one label (or none)."""
        return any(len(labels) != 1 for labels in self.labels)

    def label_counts(self) -> Counter[str]:
        """How many examples carry each label."""
        return Counter(label for labels in self.labels for label in labels)

    def subset(self, indices: Sequence[int]) -> LabelledSet:
        """The examples at ``indices``, keeping their source rows."""
        return LabelledSet(
            [self.texts[i] for i in indices],
            [self.labels[i] for i in indices],
            self.source,
            [self.rows[i] for i in indices],
            self.columns,
        )

    def __add__(self, other: LabelledSet) -> LabelledSet:
        return LabelledSet(
            self.texts + other.texts,
            self.labels + other.labels,
            f"{self.source}+{other.source}",
            self.rows + other.rows,
        )

    @classmethod
    def from_lists(
        cls, texts: Sequence[str], labels: Sequence[str | Sequence[str]], source: str = "<memory>"
    ) -> LabelledSet:
        """Build from parallel lists; a label may be a string or a list of strings."""
        if len(texts) != len(labels):
            raise LeptonError(E.E501, n_texts=len(texts), n_labels=len(labels))
        return cls(
            [str(t) for t in texts],
            [[str(x) for x in lab] if _is_list(lab) else [str(lab)] for lab in labels],
            source,
        )


def with_descriptions(data: LabelledSet, descriptions: Mapping[str, str]) -> LabelledSet:
    """``data`` plus one example per described label: the description itself.

    SetFit's templated examples ("This sentence is {label}"), in the user's words:
    with a handful of examples per label, the label's meaning is worth one more.
    """
    return LabelledSet(data.texts + list(descriptions.values()),
                       data.labels + [[label] for label in descriptions], data.source,
                       data.rows + [0] * len(descriptions), data.columns)


def read_descriptions(path: str | Path) -> dict[str, str]:
    """Label → description: a JSON object file, or a table with ``label`` and
    ``description`` columns (CSV, TSV, JSONL, Parquet)."""
    rows = read_rows(path)
    if rows and all({"label", "description"} <= row.keys() for row in rows):
        return {str(row["label"]): row["description"] for row in rows}
    if len(rows) == 1:
        return dict(rows[0])
    raise LeptonError(E.E517, problem=f"{path} holds neither one JSON object nor 'label' "
                      "and 'description' columns")


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def read_labelled(
    path: str | Path,
    text: str = "text",
    label: str = "label",
    label_sep: str | None = None,
) -> LabelledSet:
    """Read a labelled table. Raises coded errors naming the column or row to fix.

    Args:
        path: CSV/TSV/JSONL/JSON/Parquet file.
        text: column with the text.
        label: column with the label (or a list of labels).
        label_sep: split string labels on this separator (multi-label).
    """
    path = Path(path)
    found = columns_of(path)
    for role, column in (("text", text), ("label", label)):
        if column not in found:
            import difflib

            close = difflib.get_close_matches(column, found, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise LeptonError(
                E.E502, role=role, column=column, path=path, found=", ".join(found), hint=hint,
                flag=f"--{role}",
            )
    rows = read_rows(path)
    return _from_rows(rows, text, label, label_sep, str(path))


def _from_rows(
    rows: list[Row], text: str, label: str, label_sep: str | None, source: str
) -> LabelledSet:
    texts: list[str] = []
    labels: list[list[str]] = []
    bad_text: list[int] = []
    bad_label: list[int] = []
    for number, row in enumerate(rows, start=1):
        value = row.get(text)
        if not isinstance(value, str) or not value.strip():
            bad_text.append(number)
            continue
        raw = row.get(label)
        if _is_list(raw):
            names = [str(x).strip() for x in raw if str(x).strip()]
        elif raw is None or (isinstance(raw, str) and not raw.strip()):
            bad_label.append(number)
            continue
        elif label_sep is not None:
            names = [part.strip() for part in str(raw).split(label_sep) if part.strip()]
        else:
            names = [str(raw).strip()]
        texts.append(value)
        labels.append(names)
    if not rows:
        raise LeptonError(E.E515, path=source)
    if bad_text:
        raise LeptonError(
            E.E503, path=source, column=text, count=len(bad_text), rows=_row_list(bad_text)
        )
    if bad_label:
        raise LeptonError(
            E.E504, path=source, column=label, count=len(bad_label), rows=_row_list(bad_label)
        )
    return LabelledSet(texts, labels, source,
                       columns={"text": text, "label": label, "label_sep": label_sep})


def _row_list(rows: list[int], shown: int = 10) -> str:
    head = ", ".join(str(r) for r in rows[:shown])
    return head + (f" … ({len(rows) - shown} more)" if len(rows) > shown else "")


#: Labels with fewer examples than this are not split (all stay in training).
MIN_PER_LABEL_TO_SPLIT = 10


def stratified_split(
    data: LabelledSet, eval_fraction: float = 0.1, seed: int = 0
) -> tuple[LabelledSet, LabelledSet]:
    """Split off an evaluation set with every label in proportion.

    Labels with fewer than ``MIN_PER_LABEL_TO_SPLIT`` examples stay entirely in
    training: with a handful per label, every example is worth more for learning
    than a one-example evaluation is for measuring. Multi-label sets stratify on
    the first label.
    """
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, labels in enumerate(data.labels):
        by_label[labels[0] if labels else ""].append(index)
    rng = random.Random(seed)
    train_idx: list[int] = []
    eval_idx: list[int] = []
    for key in sorted(by_label):
        members = by_label[key]
        rng.shuffle(members)
        if len(members) < MIN_PER_LABEL_TO_SPLIT:
            n_eval = 0
        else:
            n_eval = min(max(round(len(members) * eval_fraction), 1), len(members) - 1)
        eval_idx.extend(members[:n_eval])
        train_idx.extend(members[n_eval:])
    return data.subset(sorted(train_idx)), data.subset(sorted(eval_idx))


def sample_per_label(data: LabelledSet, per_label: int, seed: int = 0) -> LabelledSet:
    """At most ``per_label`` examples of each (first) label, drawn with ``seed``."""
    by_label: dict[str, list[int]] = defaultdict(list)
    for index, labels in enumerate(data.labels):
        by_label[labels[0]].append(index)
    rng = random.Random(seed)
    chosen: list[int] = []
    for key in sorted(by_label):
        members = by_label[key]
        chosen.extend(rng.sample(members, min(per_label, len(members))))
    return data.subset(sorted(chosen))


@dataclass(frozen=True)
class LabelMap:
    """Label names in a fixed order; index ``i`` is the model's output ``i``."""

    names: tuple[str, ...]

    @classmethod
    def of(cls, *sets: LabelledSet, keep: Sequence[str] = ()) -> LabelMap:
        """Labels of ``keep`` first (in order), then new ones sorted by name."""
        seen = list(keep)
        new = sorted({lab for s in sets for labels in s.labels for lab in labels} - set(seen))
        return cls(tuple(seen + new))

    def __len__(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        """Position of ``name``."""
        return self.names.index(name)

    def encode(self, labels: Sequence[Sequence[str]]) -> list[list[int]]:
        """Label names to indices."""
        position = {name: i for i, name in enumerate(self.names)}
        return [[position[name] for name in example] for example in labels]
