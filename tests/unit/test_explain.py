"""lai.explain: occlusion attributions on a scorer we control, VADER, and a tiny classifier."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.client import decode
from lepton_ai.errors import LeptonError
from lepton_ai.serve import ServeConfig, build_app
from lepton_ai.tasks.explain import Explanation, occlusion


def counting_scorer(texts: list[str]) -> np.ndarray:
    """P(good) rises with each 'good', falls with each 'bad'."""
    rows = []
    for text in texts:
        logit = text.split().count("good") - 2 * text.split().count("bad")
        p = 1 / (1 + np.exp(-logit))
        rows.append([1 - p, p])
    return np.array(rows)


def test_weights_are_the_drop_of_the_predicted_label_without_each_word():
    text = "good film , not bad bad"  # logit 1 - 4 = -3: negative
    explanation = occlusion(text, counting_scorer, ["neg", "pos"])

    def p_neg(logit: float) -> float:
        return 1 - 1 / (1 + np.exp(-logit))

    assert explanation.label == "neg" and explanation.score == pytest.approx(p_neg(-3), abs=1e-6)
    weights = [(a.text, a.weight) for a in explanation.attributions]
    assert weights[0] == ("good", pytest.approx(p_neg(-3) - p_neg(-4), abs=1e-6))  # opposes
    assert weights[-1] == ("bad", pytest.approx(p_neg(-3) - p_neg(-1), abs=1e-6))  # supports
    assert weights[1] == ("film", 0.0)
    assert explanation.top(1)[0].text == "bad"
    for piece in explanation.attributions:
        assert text[piece.start : piece.end] == piece.text


def test_long_texts_are_occluded_in_runs_to_bound_the_cost():
    calls: list[int] = []

    def scorer(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return counting_scorer(texts)

    text = " ".join(["good"] * 200)
    explanation = occlusion(text, scorer, ["neg", "pos"], max_pieces=20)
    assert len(explanation.attributions) == 20 and calls == [21]
    assert explanation.attributions[-1].end == len(text)


def test_vader_explanation_points_at_the_sentiment_word(tmp_path: Path):
    explanation = lai.explain("The plot was dull, but the acting was wonderful.", model="vader")
    assert explanation.label == "positive" and explanation.top(1)[0].text == "wonderful"
    page = explanation.save_html(tmp_path / "why.html").read_text(encoding="utf-8")
    assert "wonderful</span>" in page and page.startswith("<!doctype html>")


def test_html_escapes_the_text():
    explanation = occlusion("<b>good</b>", counting_scorer, ["neg", "pos"])
    assert "<b>good" not in explanation.to_html() and "&lt;" in explanation.to_html()


@pytest.mark.parametrize(
    ("args", "kwargs", "code"),
    [(("",), {}, "LAI-E209"), ((["fine", " "],), {}, "LAI-E209"), (("fine", "parse"), {}, "LAI-E717"),
     (("fine", "classify"), {}, "LAI-E707"),
     (("fine",), {"labels": ["pos", "neg"]}, "LAI-E727")],
)
def test_bad_arguments_get_coded_errors(args, kwargs, code):
    with pytest.raises(LeptonError, match=code):
        lai.explain(*args, **kwargs)


def test_cli_prints_the_top_words(tmp_path: Path):
    out = tmp_path / "why.html"
    result = CliRunner().invoke(app, ["explain", "What a wonderful day", "--model", "vader",
                                      "--html", str(out)])
    assert result.exit_code == 0, result.output
    assert "wonderful" in result.output and out.is_file()


def test_a_list_gets_one_explanation_per_text():
    found = lai.explain(["What a wonderful day", "A dull and boring plot"], model="vader")
    assert [e.label for e in found] == ["positive", "negative"]
    assert found[1].top(1)[0].text in {"dull", "boring"}


def test_served_explanations_are_the_python_ones():
    text = "The plot was dull, but the acting was wonderful."
    with TestClient(build_app(ServeConfig(warm=False))) as client:
        answer = client.post("/v1/explain", json={
            "input": [text], "options": {"lang": "en", "domain": "social"}})
        assert answer.status_code == 200, answer.text
        assert answer.json()["task"] == "explain.v1"
        served = decode(list[Explanation], answer.json()["data"])
        assert served == [lai.explain(text, model="vader")]
        local_only = client.post("/v1/explain", json={"input": text,
                                                      "options": {"model": "vader"}})
        assert local_only.status_code == 422
        bad_task = client.post("/v1/explain", json={"input": text,
                                                    "options": {"task": "parse"}})
        assert bad_task.status_code == 422
        listed = client.post("/v1/explain", json={"input": text,
                                                  "options": {"labels": ["pos", "neg"]}})
        assert listed.status_code == 422 and listed.json()["error"]["code"] == "LAI-E727"
