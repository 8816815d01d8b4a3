"""The language of texts: ``lai.language``.

Language identification by py3langid (a maintained fork of langid.py: byte n-gram
naive Bayes over 97 languages, BSD-3, weights in the wheel as NumPy arrays, no
pickle). Scores are the model's normalised probabilities. ``candidates`` narrows
the choice to the languages you expect (e.g. ``["en", "zh"]``), which helps on short
texts. Chinese comes back as ``zh`` whatever the script; ``script`` says which
writing system dominates the text (Han, Latin, …), as :mod:`lepton_ai.text.lang`
sees it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload

from pydantic import Field

from lepton_ai.dependencies import require
from lepton_ai.errors import E, LeptonError
from lepton_ai.model_memory import LOADED
from lepton_ai.tasks.classify import comma_labels
from lepton_ai.tasks.declaration import Options, TaskDeclaration
from lepton_ai.tasks.embed import as_text_list

REQUIREMENT = "py3langid==0.4.0"
#: Unicode name prefixes of letters → the script they belong to.
SCRIPTS = (("CJK", "Han"), ("LATIN", "Latin"), ("HIRAGANA", "Kana"), ("KATAKANA", "Kana"),
           ("HANGUL", "Hangul"), ("CYRILLIC", "Cyrillic"), ("ARABIC", "Arabic"),
           ("GREEK", "Greek"), ("HEBREW", "Hebrew"), ("DEVANAGARI", "Devanagari"),
           ("THAI", "Thai"))


@dataclass(frozen=True)
class Language:
    """The language of one text: an ISO 639-1 code, its probability and the script."""

    lang: str
    score: float
    script: str


@overload
def language(texts: str, *, candidates: Sequence[str] | None = ...) -> Language: ...
@overload
def language(texts: Sequence[str], *,
             candidates: Sequence[str] | None = ...) -> list[Language]: ...
def language(texts: str | Sequence[str], *,
             candidates: Sequence[str] | None = None) -> Language | list[Language]:
    """The language of each text, with the model's probability and the dominant script.

    ``candidates``: only these ISO 639-1 codes are considered (LAI-E725 names an
    unknown one); default: every language the model knows.
    """
    items, single = as_text_list(texts)
    identifier = _identifier(tuple(sorted(set(candidates))) if candidates else None)
    results = []
    for text in items:
        code, probability = identifier.classify(text)
        results.append(Language(code, round(float(probability), 6), dominant_script(text)))
    return results[0] if single else results


def _identifier(candidates: tuple[str, ...] | None) -> Any:
    """A py3langid identifier restricted to ``candidates``, one per set (they are stateful)."""
    require("py3langid", "language identification", REQUIREMENT)

    def build() -> Any:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        if candidates is not None:
            unknown = sorted(set(candidates) - set(identifier.labels))
            if unknown:
                raise LeptonError(E.E725, unknown=", ".join(unknown),
                                  known=", ".join(sorted(identifier.labels)))
            identifier.set_languages(list(candidates))
        return identifier

    return LOADED.load(("language identifier", candidates), build, size_mb=25)


class LanguageOptions(Options):
    """Options of :func:`language`."""

    candidates: list[str] | None = Field(
        None, description="Only these ISO 639-1 codes (comma-separated on the command line), "
        "e.g. en,zh; default: the 97 languages the model knows.")


TASK = TaskDeclaration(
    name="language", version="v1", summary="The language of each text, with a score.",
    function=language, options=LanguageOptions, result=Language,
    defaults={"en": "py3langid (97 languages)", "zh": "py3langid (97 languages)"},
    cli_parsers={"candidates": comma_labels})


def dominant_script(text: str) -> str:
    """The script most of ``text``'s letters are written in ("none" without letters)."""
    counts: Counter[str] = Counter()
    for char in text:
        if char.isalpha():
            name = unicodedata.name(char, "")
            counts[next((script for prefix, script in SCRIPTS if name.startswith(prefix)),
                        "other")] += 1
    return counts.most_common(1)[0][0] if counts else "none"
