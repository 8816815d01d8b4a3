"""A font for Chinese (and other CJK) label names in report figures.

matplotlib's bundled DejaVu Sans has no CJK glyphs, so Chinese label names would be
drawn as empty boxes. The Noto Sans CJK font (SIL Open Font License) shipped inside
the ``notojp-matplotlib`` package is registered as a per-glyph fallback behind DejaVu
Sans. That package is not imported: importing it switches matplotlib's global font.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from lepton_ai.text.lang import has_cjk

CJK_FONT_PACKAGE = "notojp_matplotlib"
CJK_FONT_FILE = Path("fonts") / "NotoSansCJKjp-Regular.otf"
LATIN_FAMILY = "DejaVu Sans"


def font_family_for(texts: Iterable[str]) -> list[str] | None:
    """matplotlib ``font.family`` that can draw ``texts``; None when the default can."""
    if not any(has_cjk(text) for text in texts):
        return None
    cjk = _registered_cjk_family()
    return [LATIN_FAMILY, cjk] if cjk else None


@lru_cache(maxsize=1)
def _registered_cjk_family() -> str | None:
    """Register the packaged CJK font with matplotlib once; its family name, or None."""
    spec = importlib.util.find_spec(CJK_FONT_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    file = Path(spec.origin).parent / CJK_FONT_FILE
    if not file.is_file():
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(file))
    return str(font_manager.FontProperties(fname=str(file)).get_name())
