"""Word hints for a character tagger: where jieba's dictionary puts each character in a
word, and that word's part of speech.

A character tagger trained from scratch on a few thousand sentences has seen few names;
jieba's dictionary knows hundreds of thousands of words with their part of speech (nr
person, ns place, nt organisation, ...). Giving each character "B-ns" (first character
of a place name) and the like adds that knowledge at the cost of one dictionary
segmentation per sentence (jieba's HMM for unknown words stays off: it is 8x slower).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any


@cache
def _tagged_cut() -> Callable[..., Iterator[Any]]:
    """jieba's part-of-speech segmenter, checked and quietened once (this runs per sentence)."""
    from lepton_ai.text.phrases import quiet_jieba

    quiet_jieba()
    import jieba.posseg

    return jieba.posseg.cut


def word_features(tokens: Sequence[str]) -> list[str]:
    """One feature per token: its first character's position in jieba's word and the
    word's part-of-speech flag, e.g. ``"B-ns"``."""
    text = "".join(tokens)
    per_char: list[str] = []
    for pair in _tagged_cut()(text, HMM=False):
        size = len(pair.word)
        for index in range(size):
            position = "S" if size == 1 else "B" if index == 0 else "E" if index == size - 1 \
                else "M"
            per_char.append(f"{position}-{pair.flag}")
    features, offset = [], 0
    for token in tokens:
        features.append(per_char[offset] if offset < len(per_char) else "S-x")
        offset += len(token)
    return features


__all__ = ["word_features"]
