"""Templates and conversations are checked before any model loads."""

from __future__ import annotations

import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.tasks.chat import as_messages
from lepton_ai.tasks.generate import fill


def test_template_fields_are_filled_and_braces_escape() -> None:
    assert fill("Dear {name}, about {{order}} {id}.", {"name": "Ana", "id": 7}) == (
        "Dear Ana, about {order} 7.")


@pytest.mark.parametrize("template", ["{missing}", "{user.__class__}", "{items[0]}",
                                      "{name!r}", "{name:>10}"])
def test_missing_or_non_plain_fields_are_refused(template: str) -> None:
    with pytest.raises(LeptonError, match="LAI-E904"):
        fill(template, {"name": "x", "user": "u", "items": [1]})


def test_a_string_is_one_user_turn_and_bad_turns_are_named() -> None:
    assert as_messages("hi") == [{"role": "user", "content": "hi"}]
    with pytest.raises(LeptonError, match="item 1"):
        as_messages([{"role": "user", "content": "a"}, {"role": "robot", "content": "b"}])
    with pytest.raises(LeptonError, match="LAI-E903"):
        as_messages([])


def test_passages_are_whole_sentences_with_offsets() -> None:
    from lepton_ai.tasks.answer import PASSAGE_CHARS, passages_of

    document = " ".join(f"Sentence number {i} says something." for i in range(60))
    passages = passages_of(document, "doc")
    assert len(passages) > 1 and all(p.document == "doc" for p in passages)
    for passage in passages:
        assert document[passage.start:passage.end].strip() == passage.text
        assert len(passage.text) <= PASSAGE_CHARS + 40
        assert passage.text.endswith(".")


def test_nothing_relevant_retrieved_means_i_dont_know(tmp_cache) -> None:
    import lepton_ai as lai

    result = lai.answer("What is the boiling point of mercury?",
                        documents=["Our store opens at nine.", "Parking is free on Sundays."],
                        min_score=0.9)
    assert (result.text, result.known, result.citations) == ("I don't know.", False, [])
    with pytest.raises(LeptonError, match="LAI-E908"):
        lai.answer("q", documents="not a list")


def test_answer_names_ids_that_do_not_match_the_documents() -> None:
    # Found by the schemathesis run over POST /v1/answer: it answered 500.
    import lepton_ai as lai

    with pytest.raises(ValueError, match=r"LAI-E726.*0 ids for 1 documents"):
        lai.answer("anything", documents=["one document"], ids=[])
    empty = lai.answer(["a", "b"], documents=[""])  # no text to answer from: no LM call
    assert [a.known for a in empty] == [False, False] and empty[0].citations == []
