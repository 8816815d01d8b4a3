"""Checks on labelled data before any training: each finding is a coded error or warning.

Errors stop training (nothing would be learned or the result would be
misleading); warnings let it go on but say what to fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path

from lepton_ai.data.labelled import LabelledSet
from lepton_ai.errors import E, LeptonError, W, warn
from lepton_ai.models.registry import DEFAULT_ENGLISH, DEFAULT_MULTILINGUAL, ModelSpec, resolve
from lepton_ai.text.lang import has_cjk

#: A class this many times rarer than the most common one counts as heavy imbalance.
IMBALANCE_RATIO = 10
#: Share of CJK texts above which an English-only base model is refused.
CJK_SHARE_LIMIT = 0.2


def choose_base(texts: list[str], base: str | Path | None) -> ModelSpec:
    """The user's base, or the English default unless many texts are Chinese.

    Kept here, beside the checks, so a server can run them without loading the
    training stack (the console's data check)."""
    if base is not None:
        return resolve(base)
    sample = texts[:: max(1, len(texts) // 2000)]
    cjk = sum(has_cjk(t) for t in sample) / max(1, len(sample))
    return resolve(DEFAULT_MULTILINGUAL if cjk > CJK_SHARE_LIMIT else DEFAULT_ENGLISH)


def check_training_data(
    train: LabelledSet,
    evaluation: LabelledSet | None,
    *,
    base_languages: str,
    base_name: str,
    multilingual_alternative: str,
) -> None:
    """Raise or warn about everything in ``train``/``evaluation`` that would spoil training."""
    counts = train.label_counts()
    if len(counts) < 2:
        raise LeptonError(E.E505, path=train.source, found=sorted(counts) or "no labels")
    singles = sorted(label for label, n in counts.items() if n == 1)
    if singles:
        warn(W.W201, labels=_names(singles))
    most, most_n = counts.most_common(1)[0]
    least, least_n = min(counts.items(), key=lambda item: item[1])
    if most_n >= IMBALANCE_RATIO * least_n:
        warn(W.W203, most=repr(most), most_n=most_n, least=repr(least), least_n=least_n)
    if evaluation is not None:
        unseen = sorted(evaluation.label_counts().keys() - counts.keys())
        if unseen:
            raise LeptonError(E.E506, labels=_names(unseen))
        shared = set(train.texts) & set(evaluation.texts)
        if shared:
            warn(W.W202, count=len(shared), example=next(iter(sorted(shared))))
    check_language(train.texts, base_languages, base_name, multilingual_alternative)


def check_descriptions(descriptions: Mapping[str, str], train: LabelledSet) -> None:
    """LAI-E517 unless every description is a text; LAI-E516 for labels without examples."""
    for label, text in descriptions.items():
        if not isinstance(text, str) or not text.strip():
            raise LeptonError(E.E517, problem=f"{label!r} has {text!r}")
    known = sorted(train.label_counts())
    unknown = sorted(set(descriptions) - set(known))
    if unknown:
        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f" Did you mean {close[0]!r} for {unknown[0]!r}?" if close else ""
        raise LeptonError(E.E516, unknown=_names(unknown), known=_names(known), hint=hint)


def check_language(
    texts: list[str], base_languages: str, base_name: str, multilingual_alternative: str
) -> None:
    """LAI-E507 when many texts are Chinese but the base model only reads English."""
    if base_languages != "en" or not texts:  # unknown (user folders) or multilingual
        return
    share = cjk_share(texts)
    if share > CJK_SHARE_LIMIT:
        raise LeptonError(
            E.E507, share=share, base=base_name, alternative=multilingual_alternative
        )


def cjk_share(texts: list[str]) -> float:
    """The share of ``texts`` holding Chinese characters, from a sample of at most ~2,000."""
    sample = texts[:: max(1, len(texts) // 2000)]
    return sum(has_cjk(text) for text in sample) / max(1, len(sample))


def _names(labels: list[str], shown: int = 10) -> str:
    head = ", ".join(repr(label) for label in labels[:shown])
    return head + (f" … ({len(labels) - shown} more)" if len(labels) > shown else "")
