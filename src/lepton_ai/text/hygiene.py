"""One door for every text a task is given: refused with a code, or cleaned in place.

- A lone UTF-16 surrogate (``"abc\\ud800"``, what a broken decoder or JSON ``\\ud800``
  leaves) cannot be encoded or tokenized: LAI-E208 names the text and the position.
- An empty or white-space-only text has nothing to analyse: LAI-E209 (one rule for
  every task; the whole call is refused, so no result shifts position in a batch).
- Control characters (NUL and the other C0/C1 controls but tab, line feed and
  carriage return) and byte-order marks are replaced by a space: offsets in the
  results still point into the text as given.
"""

from __future__ import annotations

import re

from lepton_ai.errors import E, LeptonError

_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 and C1 controls except \t \n \r, DEL, and the byte-order mark / zero-width no-break space.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]")


def checked_text(text: str, index: int = 0) -> str:
    """``text`` with control characters blanked; LAI-E208 / LAI-E209 when unusable."""
    surrogate = _SURROGATE.search(text)
    if surrogate is not None:
        raise LeptonError(E.E208, index=index, position=surrogate.start())
    cleaned = _CONTROL.sub(" ", text) if _CONTROL.search(text) else text
    if not cleaned or cleaned.isspace():  # "\x00\x00" is as empty as ""
        raise LeptonError(E.E209, index=index)
    return cleaned
