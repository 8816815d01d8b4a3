"""lai.classify zero-shot on the packaged encoders."""

from __future__ import annotations

import lepton_ai as lai

NEWS = {
    "The striker scored twice in the final minutes of the cup final.": "sports",
    "Shares fell sharply after the bank's quarterly earnings report.": "business",
    "The new chip doubles the battery life of smartphones.": "science and technology",
    "Rebels attacked the capital overnight as peace talks collapsed.": "world politics",
}


def test_english_news_goes_to_the_right_topic():
    labels = ["sports", "business", "science and technology", "world politics"]
    results = lai.classify(list(NEWS), labels=labels)
    assert [r.label for r in results] == list(NEWS.values())


def test_chinese_text_with_chinese_descriptions_uses_the_multilingual_encoder():
    labels = {"lost_card": "银行卡丢失或被盗", "transfer": "转账和汇款"}
    assert lai.classify("我的银行卡昨天丢了", labels=labels).label == "lost_card"
    assert lai.classify("怎么给国外的朋友汇款", labels=labels).label == "transfer"
