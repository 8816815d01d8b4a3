"""lai.sentiment with the shipped defaults: goemotions-minilm (English) and SnowNLP (Chinese)."""

from __future__ import annotations

import lepton_ai as lai


def test_shipped_english_model_reads_clear_opinions_and_plain_facts():
    results = lai.sentiment([
        "I love this film, it is wonderful and I would happily watch it again.",
        "This film is terrible, I hated every minute of it.",
        "The meeting is at 3 pm on Tuesday.",
    ])
    assert [r.label for r in results] == ["positive", "negative", "neutral"]
    assert all(r.model == "goemotions-minilm" for r in results)
    assert results[0].polarity > 0.6 and results[1].polarity < -0.6
    # neutral_band=0 never answers neutral, also for a model with a neutral class
    assert lai.sentiment("The meeting is at 3 pm on Tuesday.", neutral_band=0).label in (
        "positive", "negative")


def test_mixed_languages_go_to_their_own_models():
    english, chinese = lai.sentiment(["What a wonderful surprise!", "房间又脏又吵，服务态度很差，非常失望"])
    assert (english.model, english.label) == ("goemotions-minilm", "positive")
    assert (chinese.model, chinese.label) == ("snownlp", "negative")


def test_explain_the_shipped_model_points_at_the_opinion_word():
    explanation = lai.explain("The soundtrack is fine but the story is boring.")
    assert explanation.label == "negative"
    assert "boring" in [a.text for a in explanation.top(2)]
