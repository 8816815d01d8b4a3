"""Script detection, enough to route text to an encoder that can read it."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
