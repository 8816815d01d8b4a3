import pickle
import re
import string
from pathlib import Path

import pytest

from lepton_ai.errors import E, Kind, LeptonError, LeptonWarning, W, markdown_table, warn

DOCS = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def fields_of(template: str) -> dict[str, float]:
    names = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    return {re.split(r"[!:.\[]", name)[0]: 1.0 for name in names}


def raised(code: E) -> LeptonError:
    return LeptonError(code, **fields_of(code.template))


@pytest.mark.parametrize("code", list(E) + list(W), ids=lambda c: c.name)
def test_every_message_is_a_valid_template_with_a_fix(code):
    rendered = code.template.format(**fields_of(code.template))
    assert len(rendered) > 40  # says what went wrong and what to do


def test_error_carries_its_code_and_fields():
    error = LeptonError(E.E103, name="m", package="p", requirement="p==1")
    assert error.code == "LAI-E103"
    assert str(error).startswith("[LAI-E103]")
    assert "pip install p==1" in str(error)


def test_warnings_are_coded():
    with pytest.warns(LeptonWarning, match=r"\[LAI-W103\]"):
        warn(W.W103, n=1, max_tokens=256)


@pytest.mark.parametrize("code", list(E), ids=lambda c: c.name)
def test_every_error_is_also_the_builtin_of_its_kind(code):
    error = raised(code)
    assert isinstance(error, LeptonError)
    assert isinstance(error, code.kind.base)
    assert error.status == code.kind.status


def test_except_builtin_catches_coded_errors():
    with pytest.raises(ValueError, match="LAI-E702"):
        raise LeptonError(E.E702, method="x", allowed="a")
    with pytest.raises(LookupError, match="LAI-E101"):
        raise LeptonError(E.E101, name="x", known="a")
    with pytest.raises(ImportError, match="LAI-E103"):
        raise LeptonError(E.E103, name="m", package="p", requirement="p")
    with pytest.raises(FileNotFoundError, match="LAI-E301"):
        raise LeptonError(E.E301, path="x", cwd="/")
    with pytest.raises(TimeoutError, match="LAI-E802"):
        raise LeptonError(E.E802, timeout=1.0)


@pytest.mark.parametrize("code", list(E), ids=lambda c: c.name)
def test_errors_pickle_and_unpickle_intact(code):
    error = raised(code)
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is type(error)
    assert (again.code, str(again), again.kind, again.fields) == (
        error.code, str(error), error.kind, error.fields)


def test_unpicklable_fields_travel_as_text():
    error = LeptonError(E.E202, index=0, type_name=(lambda: 1))
    again = pickle.loads(pickle.dumps(error))
    assert str(again) == str(error) and isinstance(again.fields["type_name"], str)


def test_codes_are_unique_and_in_order():
    for table in (E, W):
        # Enum makes a member with the same value an alias: it would hide a code.
        assert len(table.__members__) == len(list(table)), "two codes share one message"
        numbers = [int(name[1:]) for name in table.__members__]
        assert numbers == sorted(numbers), "codes out of order"


def test_every_http_status_of_the_api_has_a_kind():
    assert {kind.status for kind in Kind} == {400, 401, 403, 404, 408, 409, 413, 422, 429, 503}


def test_wrong_precision_has_its_own_code():
    from lepton_ai.models.loader import load_encoder

    with pytest.raises(LeptonError, match=r"LAI-E108.*precision") as caught:
        load_encoder("all-MiniLM-L6-v2", precision="int4")
    assert isinstance(caught.value, ValueError)


def test_the_error_reference_is_generated_from_the_code_table():
    assert DOCS.read_text(encoding="utf-8") == markdown_table(), (
        "docs/errors.md is stale: lai errors --markdown > docs/errors.md")


def test_a_warning_from_inside_the_library_points_at_the_callers_line():
    from lepton_ai.data.labelled import LabelledSet
    from lepton_ai.training.checks import check_training_data

    data = LabelledSet.from_lists(["a b", "c d", "e f", "g"], ["x", "x", "x", "lonely"])
    with pytest.warns(LeptonWarning, match="LAI-W201") as caught:
        check_training_data(data, None, base_languages="en", base_name="minilm",
                            multilingual_alternative="use")
    assert caught[0].filename == __file__


def test_a_wrong_input_type_is_named_without_naming_another_function():
    import lepton_ai as lai

    with pytest.raises(TypeError, match=r"LAI-E201.*got NoneType") as caught:
        lai.sentiment(None)
    assert "embed(" not in str(caught.value)
