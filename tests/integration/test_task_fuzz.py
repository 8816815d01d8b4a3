"""Property-based: every declared understanding task, given any Unicode (one text or a
list), answers with one result per text or refuses with a coded error — never another
exception. Real shipped models; a thousand seeded examples per task."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lepton_ai.errors import LeptonError
from lepton_ai.tasks.catalog import declared

#: Generation (summarize, answer) is covered by its own tests: each call takes seconds.
FUZZED = {
    "sentiment": {}, "ner": {}, "keywords": {"k": 3}, "language": {}, "embed": {},
    "classify": {"labels": ["money", "sport"]}, "relations": {}, "analyze": {},
    "explain": {"max_pieces": 8},
}
#: Letters of both languages, digits, punctuation, white space, controls, surrogates,
#: emoji and combining marks: what pasted, scraped and mis-decoded text holds.
TEXT = st.text(st.one_of(
    st.characters(codec=None, exclude_categories=()),
    st.sampled_from(list("招商银行股价大跌马云在杭州 Apple fell 5% $3.2bn\n\t\x00\ufeff")),
), max_size=60)


@pytest.mark.parametrize("name", sorted(FUZZED))
def test_any_unicode_gets_a_result_per_text_or_a_code(name: str) -> None:
    task = declared(name)
    options = FUZZED[name]

    # CI runs 1,000 per task (about a minute in all); the recorded run (docs/benchmarks.md)
    # sets LEPTON_FUZZ_TASK_EXAMPLES=10000.
    @settings(max_examples=int(os.environ.get("LEPTON_FUZZ_TASK_EXAMPLES", "1000")),
              deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.one_of(TEXT, st.lists(TEXT, min_size=1, max_size=3)))
    def call(texts: Any) -> None:
        try:
            found = task.function(texts, **options)
        except LeptonError as error:
            assert error.code in ("LAI-E208", "LAI-E209"), (texts, error)
            return
        if isinstance(texts, list):
            assert len(found) == len(texts)

    call()
