import re
import string

import pytest

from lepton_ai.errors import E, LeptonError, LeptonWarning, W, warn


@pytest.mark.parametrize("code", list(E) + list(W), ids=lambda c: c.name)
def test_every_message_is_a_valid_template_with_a_fix(code):
    fields = [f for _, f, _, _ in string.Formatter().parse(code.value) if f]
    rendered = code.value.format(**{re.split(r"[!:.\[]", f)[0]: 1.0 for f in fields})
    assert len(rendered) > 40  # says what went wrong and what to do


def test_error_carries_its_code_and_fields():
    error = LeptonError(E.E103, name="m", package="p", requirement="p==1")
    assert error.code == "LAI-E103"
    assert str(error).startswith("[LAI-E103]")
    assert "pip install p==1" in str(error)


def test_warnings_are_coded():
    with pytest.warns(LeptonWarning, match=r"\[LAI-W103\]"):
        warn(W.W103, n=1, max_tokens=256)
