"""The least-sure texts of production traffic, kept for the console's Annotate page."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lepton_ai.serve import ModelSource, ServeConfig, build_app
from lepton_ai.serve.annotation_queue import UncertainQueue, margin_of
from lepton_ai.settings import settings
from lepton_ai.tasks.classify import Classification
from lepton_ai.training.pipeline import train

from .test_train_tiny import write_topics


def sure(p: float) -> Classification:
    label = "a" if p >= 0.5 else "b"
    return Classification(label, max(p, 1 - p), [label], {"a": p, "b": 1 - p})


def test_the_least_sure_are_kept_each_text_once_and_handed_out_once():
    queue = UncertainQueue(capacity=2)
    texts = ["clear", "coin toss", "close call", "rather sure"]
    kept = queue.offer("m", "1", texts, [sure(p) for p in (0.99, 0.5, 0.6, 0.9)])
    assert kept == 3  # "rather sure" came when two closer calls were kept
    assert [item["text"] for item in queue.items("m", 5)] == ["coin toss", "close call"]
    assert queue.offer("m", "2", ["coin toss"], [sure(0.55)]) == 0  # asked once only
    assert queue.offer("m", "1", ["closest"], [sure(0.51)]) == 1
    assert [item["text"] for item in queue.items("m", 5)] == ["coin toss", "closest"]
    assert queue.items("m", 1)[0] | {"seen": 0} == {
        "row": 0, "text": "coin toss", "predicted": "a", "confidence": 0.5, "margin": 0.0,
        "scores": {"a": 0.5, "b": 0.5}, "version": "1", "seen": 0}
    assert [item["text"] for item in queue.take("m", 1)] == ["coin toss"]
    assert [item["text"] for item in queue.items("m", 5)] == ["closest"]
    assert queue.offer("m", "1", ["coin toss"], [sure(0.5)]) == 1  # sent again: back
    assert queue.items("other", 5) == []
    tags = [[]]  # a tagger's result: nothing to rank
    assert queue.offer("m", "1", ["Paris"], tags) == 0
    assert margin_of({"x": 0.7}) == pytest.approx(0.7)
    ties = UncertainQueue(capacity=3)
    ties.offer("m", "1", ["one", "two"], [sure(0.6), sure(0.6)])
    assert len(ties.take("m", 1)) == 1 and len(ties.items("m", 5)) == 1  # equal margins


def test_texts_are_redacted_before_they_are_kept():
    queue = UncertainQueue(capacity=5, redact=lambda text: text.replace("Ann", "<PERSON>"))
    queue.offer("m", "1", ["Ann wants a refund"], [sure(0.5)])
    assert queue.items("m", 5)[0]["text"] == "<PERSON> wants a refund"


@pytest.fixture
def served_model(tmp_path: Path, tiny_encoder_dir: Path, tmp_cache: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(settings, "show_progress", False)
    return train(write_topics(tmp_path / "a.csv"), base=tiny_encoder_dir,
                 out=tmp_path / "v1", method="head").folder


def test_served_predictions_fill_the_queue_the_annotate_route_reads(served_model: Path):
    config = ServeConfig(warm=False, annotation_queue=3,
                         models=(ModelSource("topics", "1", served_model),))
    texts = [f"text {i} money sport" for i in range(8)]
    with TestClient(build_app(config)) as client:
        answer = client.post("/v1/models/topics/predict", json={"input": texts})
        assert answer.status_code == 200
        predicted = answer.json()["data"]
        deadline = time.monotonic() + 10
        while len(client.app.state.lai.uncertain.items("topics", 10)) < 3:
            assert time.monotonic() < deadline, "nothing was kept"
            time.sleep(0.05)
        queue = client.post("/v1/train/annotate", json={"model": "topics", "k": 10}).json()
        assert queue["source"] == "traffic" and len(queue["items"]) == 3
        margins = sorted(margin_of(p["scores"]) for p in predicted)[:3]
        assert [item["margin"] for item in queue["items"]] == pytest.approx(margins, abs=1e-5)
        # Handed out once: the next queue is empty until new traffic comes.
        again = client.post("/v1/train/annotate", json={"model": "topics"}).json()
        assert again["items"] == []


def test_without_a_queue_the_refusal_says_how_to_keep_one(served_model: Path):
    config = ServeConfig(warm=False, models=(ModelSource("topics", "1", served_model),))
    with TestClient(build_app(config)) as client:
        client.post("/v1/models/topics/predict", json={"input": "money"})
        refused = client.post("/v1/train/annotate", json={"model": "topics"})
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "LAI-E825"
        assert "--annotation-queue" in refused.json()["error"]["message"]
