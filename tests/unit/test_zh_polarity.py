"""The Chinese financial lexicon's rules: each is shown to change the answer."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lepton_ai.tasks.sentiment import FusedModel
from lepton_ai.text.zh_polarity import LEXICON, ChinesePolarity, chinese_polarity


def score(text: str) -> float:
    return chinese_polarity().polarity(text).score


def test_plain_words_and_no_evidence():
    assert score("股价大跌") < 0 < score("股价大涨")
    assert chinese_polarity().polarity("公司召开股东大会").hits == 0
    assert score("") == 0


def test_direction_of_change_depends_on_the_quantity():
    assert score("净利润大幅增长") > 0 > score("净利润大幅下滑")
    assert score("亏损收窄") > 0 > score("亏损扩大")  # a bad quantity falling is good news
    assert score("不良贷款率上升") < 0 < score("不良贷款率下降")
    assert score("下调存款准备金率") > 0  # the change first, then its quantity
    assert score("上调关税") < 0


def test_negation_flips_and_existence_negation_reaches_the_clause_end():
    assert score("业绩好") > 0 > score("业绩不好")
    assert score("未能中标") < 0 < score("中标")
    assert score("公司并未出现市场传闻中的资金链问题") > 0
    assert score("不良") < 0  # "不良" is a word, not 不 + 良


def test_degree_and_contrast():
    assert abs(score("小幅上涨")) < abs(score("上涨")) < abs(score("大幅上涨"))
    assert score("虽然营收增长，但利润大幅下滑") < 0
    assert score("虽然短期下跌，但公司基本面依然稳健") > 0


def test_expectations_are_one_judgement():
    assert score("利润低于分析师预期") < 0 < score("净利润超出市场预期")


def test_probabilities_favour_neutral_without_evidence():
    rows = chinese_polarity().probabilities(["公司召开股东大会", "股价暴跌"])
    assert np.argmax(rows[0]) == 1 and np.argmax(rows[1]) == 0
    assert all(sum(row) == pytest.approx(1.0) for row in rows)


def test_lexicon_file_is_consistent():
    data = json.loads(LEXICON.read_text(encoding="utf-8"))
    overlap = set(data["positive"]) & set(data["negative"])
    assert not overlap, f"words on both sides: {overlap}"
    assert ChinesePolarity().version == data["version"]


class _Fixed:
    def __init__(self, labels: tuple[str, ...], row: list[float]) -> None:
        self.name, self.labels, self.row = "fixed", labels, row

    def probabilities(self, texts):
        return np.array([self.row] * len(texts))


def test_fusion_averages_members_on_the_three_labels():
    fused = FusedModel("f", [_Fixed(("negative", "positive"), [0.2, 0.8]),
                             _Fixed(("negative", "neutral", "positive"), [0.6, 0.4, 0.0])])
    assert fused.probabilities(["x"])[0] == pytest.approx([0.4, 0.2, 0.4])
