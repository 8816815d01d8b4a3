"""A BERT tokenizer's ids, looked up chunk by chunk from a cache.

A BERT tokenizer (``BertNormalizer``, ``BertPreTokenizer``, ``WordPiece``) never lets
a token cross whitespace, so a text's ids are its whitespace-separated chunks' ids in
order. Chunks repeat (a corpus's words follow Zipf's law): :class:`ChunkTokenIds`
tokenizes each distinct chunk once and looks it up after. That is most of a static
model's time (~28 µs of a BANKING77 text's ~60 µs) and a few percent of a
transformer's. Unit tests hold the ids to the tokenizer's own.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

#: What ``BertNormalizer`` turns into a space (tab, newline, carriage return and the
#: Unicode White_Space characters that are not control characters: the control ones,
#: such as \\x0b, it deletes, which joins their neighbours into one chunk).
BERT_WHITESPACE = re.compile("[\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")


class ChunkTokenIds:
    """Token ids of texts (no special tokens), from a cache of each chunk's ids.

    ``max_chars`` and ``max_tokens`` cut each text as model2vec does (characters first,
    then tokens); ``dropped_id`` (model2vec drops the unknown token) is left out.
    """

    #: Distinct chunks kept (a bound on memory); the cache starts again empty past this.
    MAX_CHUNKS = 100_000
    #: Longer chunks (URLs, hashes, runs without spaces) are tokenized but not kept.
    MAX_CHUNK_CHARS = 48

    def __init__(self, tokenizer: Any, *, max_tokens: int | None = None,
                 max_chars: int | None = None, dropped_id: int | None = None) -> None:
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.max_tokens = max_tokens
        self.max_chars = max_chars
        self.dropped_id = dropped_id
        self._ids: dict[str, list[int]] = {}

    @staticmethod
    def fits(tokenizer: Any) -> bool:
        """Whether ``tokenizer`` is BERT's pipeline, whose tokens never cross whitespace,
        and pads nothing."""
        spec = json.loads(tokenizer.to_str())
        padding = (spec.get("padding") or {}).get("strategy", {"Fixed": 0})
        return ((spec.get("normalizer") or {}).get("type") == "BertNormalizer"
                and (spec.get("pre_tokenizer") or {}).get("type") == "BertPreTokenizer"
                and (spec.get("model") or {}).get("type") == "WordPiece"
                and padding == {"Fixed": 0})

    def __call__(self, texts: Sequence[str]) -> list[list[int]]:
        """Each text's ids."""
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
        fresh: dict[str, list[int]] = {}
        if unseen:
            encodings = self._tokenizer.encode_batch_fast(unseen, add_special_tokens=False)
            fresh = {chunk: e.ids for chunk, e in zip(unseen, encodings, strict=True)}
            known.update((c, ids) for c, ids in fresh.items() if len(c) <= self.MAX_CHUNK_CHARS)
        out = []
        for chunks in chunked:
            ids = [i for chunk in chunks for i in (known.get(chunk) or fresh.get(chunk, []))]
            if self.max_tokens is not None:
                ids = ids[: self.max_tokens]
            if self.dropped_id is not None:
                ids = [i for i in ids if i != self.dropped_id]
            out.append(ids)
        return out
