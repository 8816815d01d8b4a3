"""One door for texts: empty texts and lone surrogates refused with a code, controls blanked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.text.hygiene import checked_text


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_texts_get_a_code_not_a_confident_answer(text: str, tiny_encoder_dir: Path,
                                                       tmp_cache: Path) -> None:
    with pytest.raises(ValueError, match="LAI-E209"):
        lai.embed(text, model=tiny_encoder_dir)
    with pytest.raises(ValueError, match=r"LAI-E209.*Text 1"):
        lai.embed(["fine", text], model=tiny_encoder_dir)
    with pytest.raises(ValueError, match="LAI-E209"):
        lai.similarity(text, "hello", model=tiny_encoder_dir)


def test_a_lone_surrogate_is_named_with_its_place(tiny_encoder_dir: Path,
                                                  tmp_cache: Path) -> None:
    with pytest.raises(ValueError, match=r"LAI-E208.*Text 1.*character 3"):
        lai.embed(["ok", "abc\ud800def"], model=tiny_encoder_dir)
    with pytest.raises(ValueError, match="LAI-E208"):
        lai.keywords("abc\udfffdef", method="statistical")


def test_control_characters_become_spaces_so_offsets_hold() -> None:
    assert checked_text("a\x00b\x1fc\ufeffd\x7f") == "a b c d "
    assert checked_text("tab\tline\nreturn\r") == "tab\tline\nreturn\r"
    text = "Angela\x00Merkel visited Paris."
    found = lai.keywords(text, k=5, method="statistical")
    assert all(text[k.start:k.end].replace("\x00", " ") == k.phrase for k in found)


def test_the_server_answers_422_with_the_code() -> None:
    from fastapi.testclient import TestClient

    from lepton_ai.serve import ServeConfig, build_app

    with TestClient(build_app(ServeConfig(warm=False))) as client:
        # JSON's \ud800 escape is how a lone surrogate reaches a server.
        for route, body in (("/v1/keywords", '{"input": ["ok", " "]}'),
                            ("/v1/embeddings", '{"input": "", "model": "minilm"}'),
                            ("/v1/sentiment", '{"input": "abc\\ud800"}')):
            answer = client.post(route, content=body,
                                 headers={"content-type": "application/json"})
            assert answer.status_code == 422, (route, answer.text)
            assert answer.json()["error"]["code"] in ("LAI-E208", "LAI-E209")


def test_the_door_on_any_unicode_answers_or_refuses_with_a_code() -> None:
    """Property: for any string (surrogates, controls, every plane) the door returns a
    usable text of the same length, or refuses with LAI-E208 / LAI-E209."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from lepton_ai.errors import LeptonError

    # CI runs 10,000; the long run (docs/benchmarks.md) sets LEPTON_FUZZ_EXAMPLES.
    examples = int(os.environ.get("LEPTON_FUZZ_EXAMPLES", "10000"))

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True)
    @given(st.text(st.characters(codec=None, exclude_categories=()), max_size=40))
    def door(text: str) -> None:
        try:
            cleaned = checked_text(text)
        except LeptonError as error:
            assert error.code in ("LAI-E208", "LAI-E209"), error.code
            return
        assert len(cleaned) == len(text) and not cleaned.isspace()
        cleaned.encode("utf-8")  # never a lone surrogate

    door()


def test_a_text_of_control_characters_only_is_empty() -> None:
    with pytest.raises(ValueError, match="LAI-E209"):
        checked_text("\x00\x07\ufeff")
