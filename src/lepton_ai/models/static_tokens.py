"""A static model's token ids, looked up word by word, and their mean vectors.

A static model (model2vec) costs a tokenizer pass and a mean of table rows, and the
tokenizer is most of it: ~28 µs of a BANKING77 text's ~60 µs. A BERT tokenizer
(``BertNormalizer``, ``BertPreTokenizer``, ``WordPiece``) never lets a token cross
whitespace, so a text's ids are its whitespace-separated chunks' ids in order. Chunks
repeat (a corpus's words follow Zipf's law): :class:`ChunkTokenIds` tokenizes each
distinct chunk once and looks it up after. The ids are model2vec's own, truncation
and unknown-token removal included (a unit test holds the two to the same vectors).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

#: What ``BertNormalizer`` turns into a space (tab, newline, carriage return and the
#: Unicode White_Space characters that are not control characters: the control ones,
#: such as \\x0b, it deletes, which joins their neighbours into one chunk).
BERT_WHITESPACE = re.compile("[\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


class ChunkTokenIds:
    """Token ids of texts, from a cache of each whitespace-separated chunk's ids."""

    #: Distinct chunks kept; the cache starts again empty past this (a bound on memory).
    MAX_CHUNKS = 500_000

    def __init__(self, tokenizer: Any, max_tokens: int | None, max_chars: int | None,
                 dropped_id: int | None) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.dropped_id = dropped_id
        self._ids: dict[str, list[int]] = {}

    @classmethod
    def for_model(cls, model: Any) -> ChunkTokenIds | None:
        """The lookup for a model2vec ``StaticModel``, or None where it would not give
        model2vec's ids (another tokenizer pipeline, padding) or vectors (token weights,
        a token mapping, a quantized table)."""
        spec = json.loads(model.tokenizer.to_str())
        padding = (spec.get("padding") or {}).get("strategy", {"Fixed": 0})
        if ((spec.get("normalizer") or {}).get("type") != "BertNormalizer"
                or (spec.get("pre_tokenizer") or {}).get("type") != "BertPreTokenizer"
                or (spec.get("model") or {}).get("type") != "WordPiece"
                or padding != {"Fixed": 0}
                or model.weights is not None or model.token_mapping is not None
                or model.embedding.dtype not in (np.float32, np.float16)):
            return None
        max_tokens = model.max_length
        max_chars = max_tokens * model.median_token_length if max_tokens is not None else None
        return cls(model.tokenizer, max_tokens, max_chars, model.unk_token_id)

    def __call__(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's ids, as ``StaticModel.tokenize`` gives them after truncation."""
        chunked = [[c for c in BERT_WHITESPACE.split(text[: self.max_chars]) if c]
                   for text in texts]
        distinct = {chunk for chunks in chunked for chunk in chunks}
        # This call's own reference: a call on another thread that starts the cache
        # again swaps ``self._ids`` and leaves this one whole.
        known = self._ids
        unseen = [chunk for chunk in distinct if chunk not in known]
        if unseen and len(known) + len(unseen) > self.MAX_CHUNKS:
            known = self._ids = {}
            unseen = list(distinct)
        if unseen:
            encodings = self._tokenizer.encode_batch_fast(unseen, add_special_tokens=False)
            known.update(zip(unseen, (e.ids for e in encodings), strict=True))
        out = []
        for chunks in chunked:
            ids = [i for chunk in chunks for i in known[chunk]][: self.max_tokens]
            if self.dropped_id is not None:
                ids = [i for i in ids if i != self.dropped_id]
            out.append(ids)
        return out


def summed_rows(table: np.ndarray, ids: list[list[int]]) -> np.ndarray:
    """Each id list's sum of ``table`` rows (zeros for an empty list), float32: the
    direction of the mean, which normalising makes the same vector."""
    lengths = np.fromiter((len(row) for row in ids), dtype=np.int64, count=len(ids))
    out = np.zeros((len(ids), table.shape[1]), dtype=np.float32)
    filled = lengths > 0
    if not filled.any():
        return out
    flat = np.fromiter((i for row in ids for i in row), dtype=np.int64, count=int(lengths.sum()))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
    out[filled] = np.add.reduceat(table[flat].astype(np.float32, copy=False), starts, axis=0)
    return out
