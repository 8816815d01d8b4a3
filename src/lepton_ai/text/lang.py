"""Script detection, enough to route text to an encoder that can read it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# CJK unified ideographs (+ extension A, compatibility), kana, hangul, CJK punctuation.
_CJK = re.compile(
    r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
# Letters outside Latin/Greek/Cyrillic common to English text: Arabic, Hebrew, Thai, Devanagari...
_OTHER_SCRIPTS = re.compile(r"[\u0590-\u08ff\u0900-\u0dff\u0e00-\u0e7f\u1100-\u11ff]")


def has_cjk(text: str) -> bool:
    """True when ``text`` contains Chinese, Japanese or Korean characters."""
    return _CJK.search(text) is not None


def needs_multilingual(texts: Iterable[str]) -> bool:
    """The ``lang="auto"`` rule: any CJK or other non-Latin script in any text.

    The rule is applied to a whole call, never per text, so the vectors one call
    returns always share one vector space.
    """
    return any(_CJK.search(t) or _OTHER_SCRIPTS.search(t) for t in texts)


def group_by_language(texts: Sequence[str], lang: str = "auto") -> dict[str, list[int]]:
    """Positions of ``texts`` per task language, "en" or "zh" (in that order).

    ``lang="auto"`` decides per text (any Chinese character → "zh"); "en" or "zh"
    sends every text there. Tasks that pick a model per language use this, so
    each text goes to a model that reads it. LAI-E711 for any other ``lang``.
    """
    if lang not in ("auto", "en", "zh"):
        from lepton_ai.errors import E, LeptonError

        raise LeptonError(E.E711, lang=lang)
    groups: dict[str, list[int]] = {}
    for position, text in enumerate(texts):
        language = lang if lang != "auto" else ("zh" if has_cjk(text) else "en")
        groups.setdefault(language, []).append(position)
    return dict(sorted(groups.items()))
