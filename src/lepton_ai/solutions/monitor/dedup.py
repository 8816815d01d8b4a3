"""Near-duplicate reposts: the same story posted again with a handle, a link or a few
words changed is stored once, with the original's id, and counted once.

MinHash over character 4-gram shingles with locality-sensitive hashing
(``datasketch``), not embedding similarity: reposts share most of their surface
text, which MinHash measures directly and cheaply (no encoder pass, no threshold
that moves with the model), the same for English and Chinese (characters, no word
segmentation); and two different stories about the same event, which an embedding
calls similar, stay two documents — they are two voices, and volume is the signal.
"""

from __future__ import annotations

import re
from collections import deque
from datetime import datetime, timedelta

#: Hash functions per signature: more is more exact and slower.
PERMUTATIONS = 64
SHINGLE = 4
_NOISE = re.compile(r"https?://\S+|www\.\S+|^rt\s+@\w+:?|@\w+|[^\w$]+", re.IGNORECASE)


def normalized(text: str) -> str:
    """The text without links, handles, retweet markers, case and punctuation."""
    return " ".join(_NOISE.sub(" ", text.casefold()).split())


class NearDuplicates:
    """Remembers recent documents' signatures and finds an earlier near-copy.

    Args:
        threshold: estimated Jaccard similarity of shingle sets at which two texts
            are the same story.
        horizon: how long a document stays findable (by document time).
    """

    def __init__(self, threshold: float = 0.8, horizon: timedelta = timedelta(hours=72)) -> None:
        from datasketch import MinHash, MinHashLSH

        self.threshold = threshold
        self.horizon = horizon
        self._index = MinHashLSH(threshold=threshold, num_perm=PERMUTATIONS)
        self._signatures: dict[str, object] = {}
        self._arrivals: deque[tuple[datetime, str]] = deque()
        # Drawn once: a MinHash draws its random permutations anew each time otherwise.
        first = MinHash(num_perm=PERMUTATIONS)
        self._permutations, self._scheme = first.permutations, first.scheme

    def __len__(self) -> int:
        return len(self._signatures)

    def original_of(self, document_id: str, text: str, when: datetime) -> str | None:
        """The id of an earlier near-copy of ``text``, or None (then it is remembered).

        A document read again (same id) is its own original: it is not counted twice.
        """
        from datasketch import MinHash

        self._forget_before(when - self.horizon)
        if document_id in self._signatures:
            return document_id
        shingles = _shingles(normalized(text))
        signature = MinHash(num_perm=PERMUTATIONS, permutations=self._permutations,
                            scheme=self._scheme)
        signature.update_batch(shingles)
        for candidate in self._index.query(signature):
            if signature.jaccard(self._signatures[candidate]) >= self.threshold:
                return str(candidate)
        self._index.insert(document_id, signature)
        self._signatures[document_id] = signature
        self._arrivals.append((when, document_id))
        return None

    def _forget_before(self, cutoff: datetime) -> None:
        while self._arrivals and self._arrivals[0][0] < cutoff:
            _, old = self._arrivals.popleft()
            if old in self._signatures:
                self._index.remove(old)
                del self._signatures[old]


def _shingles(text: str) -> list[bytes]:
    if len(text) <= SHINGLE:
        return [text.encode("utf-8")]
    return list({text[i:i + SHINGLE].encode("utf-8") for i in range(len(text) - SHINGLE + 1)})
