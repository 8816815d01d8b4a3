"""lai.sentiment with the shipped defaults: goemotions-fin-minilm (English) and zh-fusion
(Chinese), on general and financial text."""

from __future__ import annotations

import lepton_ai as lai


def test_shipped_english_model_reads_clear_opinions_and_plain_facts():
    results = lai.sentiment([
        "I love this film, it is wonderful and I would happily watch it again.",
        "This film is terrible, I hated every minute of it.",
        "The meeting is at 3 pm on Tuesday.",
    ])
    assert [r.label for r in results] == ["positive", "negative", "neutral"]
    assert all(r.model == "goemotions-fin-minilm" for r in results)
    assert results[0].polarity > 0.6 and results[1].polarity < -0.6
    # neutral_band=0 never answers neutral, also for a model with a neutral class
    assert lai.sentiment("The meeting is at 3 pm on Tuesday.", neutral_band=0).label in (
        "positive", "negative")


def test_mixed_languages_go_to_their_own_models():
    english, chinese = lai.sentiment(["What a wonderful surprise!", "房间又脏又吵，服务态度很差，非常失望"])
    assert (english.model, english.label) == ("goemotions-fin-minilm", "positive")
    assert (chinese.model, chinese.label) == ("zh-fusion", "negative")


def test_financial_news_in_both_languages():
    english = lai.sentiment([
        "Operating profit rose to EUR 13.1 mn from EUR 8.7 mn in the corresponding period.",
        "Shares plunged 20% after the company warned of a wider annual loss.",
    ])
    assert [r.label for r in english] == ["positive", "negative"]
    chinese = lai.sentiment([
        "招商银行股价今日大跌，投资者担忧其房地产贷款风险。",  # snownlp: positive 0.9988
        "公司全年营收扭亏为盈，净利润同比增长50%，超出市场预期。",
        "公司将于下周二召开临时股东大会。",
    ])
    assert [r.label for r in chinese] == ["negative", "positive", "neutral"]


def test_explain_the_shipped_model_points_at_the_opinion_word():
    explanation = lai.explain("The soundtrack is fine but the story is boring.")
    assert explanation.label == "negative"
    assert "boring" in [a.text for a in explanation.top(2)]
