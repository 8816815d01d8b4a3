"""``lai.language``: the language of each text, on every surface (real py3langid model)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.tasks.language import Language, dominant_script

pytest.importorskip("py3langid")


def test_english_chinese_and_german_are_told_apart() -> None:
    found = lai.language(["The central bank raised interest rates again.",
                          "招商银行股价今日大跌，投资者担忧其房地产贷款风险。",
                          "Die Zentralbank hat die Zinsen erneut erhöht."])
    assert [item.lang for item in found] == ["en", "zh", "de"]
    assert [item.script for item in found] == ["Latin", "Han", "Latin"]
    assert all(0.5 < item.score <= 1.0 for item in found)
    assert isinstance(lai.language("hello world"), Language)


def test_candidates_narrow_the_choice_and_unknown_codes_are_named() -> None:
    # A short text that alone could be several Latin-script languages.
    assert lai.language("Ok super", candidates=["en", "zh"]).lang == "en"
    with pytest.raises(LookupError, match=r"LAI-E725.*'xx'|LAI-E725.*xx"):
        lai.language("hello", candidates=["en", "xx"])


def test_scripts_of_mixed_and_letterless_text() -> None:
    assert dominant_script("我非常喜欢用 Python 写程序") == "Han"  # 9 Han letters, 6 Latin
    assert dominant_script("12,345.67 %") == "none"
    assert dominant_script("こんにちは") == "Kana"


def test_the_command_prints_one_json_line_per_text() -> None:
    result = CliRunner().invoke(app, ["language", "--text", "今天天气很好",
                                      "--text", "It is sunny today", "--candidates", "en,zh"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [row["result"]["lang"] for row in rows] == ["zh", "en"]


def test_served_like_every_task() -> None:
    from fastapi.testclient import TestClient

    from lepton_ai.serve import ServeConfig, build_app

    with TestClient(build_app(ServeConfig(warm=False))) as client:
        answer = client.post("/v1/language", json={"input": ["今天天气很好", "Good morning"],
                                                   "options": {"candidates": ["en", "zh"]}})
        assert answer.status_code == 200, answer.text
        assert answer.json()["task"] == "language.v1"
        assert [row["lang"] for row in answer.json()["data"]] == ["zh", "en"]
        unknown = client.post("/v1/language", json={"input": "hi",
                                                    "options": {"candidates": ["xx"]}})
        assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "LAI-E725"
