"""lai.sentiment with the shipped defaults: sst2-minilm (English) and SnowNLP (Chinese)."""

from __future__ import annotations

import lepton_ai as lai


def test_shipped_english_model_reads_clear_reviews():
    results = lai.sentiment([
        "A gripping, beautifully acted film that I would happily watch again.",
        "A dull, lifeless mess with a plot that makes no sense.",
    ])
    assert [r.label for r in results] == ["positive", "negative"]
    assert all(r.model == "sst2-minilm" and r.score > 0.8 for r in results)
    assert results[0].polarity > 0.6 and results[1].polarity < -0.6


def test_mixed_languages_go_to_their_own_models():
    english, chinese = lai.sentiment(["What a wonderful surprise!", "房间又脏又吵，服务态度很差，非常失望"])
    assert (english.model, english.label) == ("sst2-minilm", "positive")
    assert (chinese.model, chinese.label) == ("snownlp", "negative")


def test_explain_the_shipped_model_points_at_the_opinion_word():
    explanation = lai.explain("The soundtrack is fine but the story is boring.")
    assert explanation.label == "negative"
    assert "boring" in [a.text for a in explanation.top(2)]
