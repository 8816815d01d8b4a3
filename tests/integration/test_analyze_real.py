"""lai.analyze: the shared passes give the same results as calling each task alone."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.errors import LeptonError
from lepton_ai.tasks import sentiment as sentiment_module

TEXTS = [
    "Angela Merkel praised the new Airbus factory in Toulouse, a great success for Europe.",
    "The striker scored twice as Liverpool beat Chelsea in a thrilling final.",
    "马云在杭州创办了阿里巴巴，这家公司的服务很好。",
]
TOPICS = ["business", "sports", "politics"]


@pytest.fixture
def lexicon_sentiment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The shipped English sentiment model is tested on its own (test_sentiment_real);
    # VADER keeps this test about the shared passes.
    monkeypatch.setitem(sentiment_module.DEFAULT_MODELS, ("en", "general"), "vader")


def test_four_tasks_match_the_tasks_called_one_by_one(lexicon_sentiment):
    together = lai.analyze(TEXTS, topics=TOPICS, k=4)
    moods = lai.sentiment(TEXTS)
    # lai.classify picks one encoder per call; analyze, like the other tasks, per text.
    topics = lai.classify(TEXTS[:2], labels=TOPICS) + lai.classify(TEXTS[2:], labels=TOPICS)
    entities = lai.ner(TEXTS)
    phrases = lai.keywords(TEXTS, 4)
    for i, result in enumerate(together):
        assert result.sentiment == moods[i]
        assert result.topic is not None and result.topic.label == topics[i].label
        for name, score in topics[i].scores.items():
            assert result.topic.scores[name] == pytest.approx(score, abs=1e-3)
        assert result.entities == entities[i]
        assert result.keywords is not None
        assert [k.phrase for k in result.keywords] == [k.phrase for k in phrases[i]]
    assert together[1].topic.label == "sports"
    assert any(e.text == "Angela Merkel" for e in together[0].entities or [])


def test_only_the_tasks_asked_for():
    one = lai.analyze("Liverpool beat Chelsea.", ["ner"])
    assert one.sentiment is None and one.topic is None and one.keywords is None
    assert one.entities is not None


def test_by_default_three_tasks_and_topic_when_topics_are_given(lexicon_sentiment, tmp_path):
    plain = lai.analyze("Liverpool beat Chelsea.")  # used to fail: topic without topics
    assert plain.topic is None
    assert None not in (plain.sentiment, plain.entities, plain.keywords)
    assert lai.analyze("Liverpool beat Chelsea.", topics=TOPICS).topic.label == "sports"
    source = tmp_path / "posts.txt"
    source.write_text(TEXTS[1], encoding="utf-8")
    out = tmp_path / "analysis.jsonl"
    result = CliRunner().invoke(app, ["analyze", str(source), "--out", str(out),
                                      "--topics", ",".join(TOPICS)])
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text(encoding="utf-8"))["result"]
    assert row["topic"]["label"] == "sports" and row["keywords"] is not None


@pytest.mark.parametrize(
    ("tasks", "kwargs", "code"),
    [(["mood"], {}, "LAI-E714"), ([], {}, "LAI-E714"), (["topic"], {}, "LAI-E715"),
     (["keywords"], {"k": 0}, "LAI-E701")],
)
def test_bad_arguments_get_coded_errors(tasks, kwargs, code):
    with pytest.raises(LeptonError, match=code):
        lai.analyze("text", tasks, **kwargs)


def test_cli_writes_every_result_per_row(tmp_path, lexicon_sentiment):
    source = tmp_path / "posts.txt"
    source.write_text("\n".join(TEXTS[:2]), encoding="utf-8")
    out = tmp_path / "analysis.jsonl"
    result = CliRunner().invoke(app, ["analyze", str(source), "--out", str(out), "--tasks",
                                      "sentiment,topic,ner", "--topics", ",".join(TOPICS)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line)["result"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[1]["topic"]["label"] == "sports" and rows[1]["keywords"] is None
    assert rows[0]["sentiment"]["label"] == "positive"
