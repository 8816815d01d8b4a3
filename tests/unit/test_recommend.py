"""Recommendation from text with a tiny random encoder: build, histories, reasons,
cold start, diversity, and the coded errors of bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from lepton_ai.errors import LeptonError, LeptonWarning
from lepton_ai.solutions.recommend import Recommender, build_recommender

ITEMS = [
    ("p1", "bank card password reset"), ("p2", "bank card money transfer"),
    ("p3", "cat dog sat on mat"), ("p4", "dog on the mat"), ("p5", "stocks fell market"),
    ("p6", "stocks rose market money"), ("p7", "guitar music play"), ("p8", "music play man"),
]


def _write(tmp_path: Path, items: list[tuple[str, str]] = ITEMS) -> tuple[Path, Path]:
    with (tmp_path / "items.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title"])
        writer.writerows(items)
    events = [("u1", "p1", 1), ("u1", "p2", 2), ("u1", "p5", 3), ("u2", "p1", 1),
              ("u2", "p2", 2), ("u2", "p6", 3), ("u3", "p3", 1), ("u3", "p4", 2),
              ("u3", "p7", 3), ("u4", "p5", 1), ("u4", "nope", 2)]
    with (tmp_path / "events.jsonl").open("w", encoding="utf-8") as handle:
        for user, item, when in events:
            handle.write(json.dumps({"user": user, "item": item, "time": when}) + "\n")
    return tmp_path / "items.csv", tmp_path / "events.jsonl"


@pytest.fixture
def recommender(tmp_path: Path, tiny_encoder_dir: Path, tmp_cache: Path) -> Recommender:
    items, events = _write(tmp_path)
    with pytest.warns(LeptonWarning, match=r"LAI-W1202.*1 interaction.*'nope'"):
        report = build_recommender(tmp_path / "rec", items, ["title"], interactions=events,
                                   model=str(tiny_encoder_dir))
    assert (report.items, report.users, report.events) == (8, 4, 10)
    return Recommender(tmp_path / "rec")


def test_a_users_history_is_excluded_and_every_pick_has_a_reason(
        recommender: Recommender) -> None:
    picks = recommender.recommend("u1", k=3)
    assert len(picks) == 3 and not {p.item for p in picks} & {"p1", "p2", "p5"}
    assert picks[0].item == "p6"  # u2 did p1, p2 and then p6
    assert picks[0].reason.startswith("often chosen with") and picks[0].because in (
        "p1", "p2", "p5")
    assert all(p.reason and p.text for p in picks)
    assert [p.score for p in picks] == sorted((p.score for p in picks), reverse=True)


def test_histories_texts_and_big_k(recommender: Recommender, tiny_encoder_dir: Path) -> None:
    by_history = recommender.recommend(history=["p3", "unknown-id"], k=2)
    assert by_history[0].item != "p3" and by_history[0].because == "p3"
    by_text = recommender.recommend(text="music guitar", k=8)
    assert by_text[0].reason == "matches 'music guitar'" and len(by_text) == 8
    assert len(recommender.recommend("u1", k=100)) == 5  # all unseen items, no more


def test_diversity_trades_score_for_different_items(recommender: Recommender) -> None:
    plain = recommender.recommend(history=["p5"], k=4)
    varied = recommender.recommend(history=["p5"], k=4, diversity=0.9)

    def similarity(picks: list) -> float:
        vectors = recommender.vectors[[recommender.position[p.item] for p in picks]]
        gram = vectors @ vectors.T
        return float((gram.sum() - np.trace(gram)) / (len(picks) * (len(picks) - 1)))

    assert similarity(varied) <= similarity(plain)


def test_unknown_users_and_empty_requests_say_how_to_ask(recommender: Recommender) -> None:
    with pytest.raises(LookupError, match=r"LAI-E1203.*history=.*text="):
        recommender.recommend("stranger")
    with pytest.raises(LeptonError, match=r"LAI-E1204.*None of the history's ids"):
        recommender.recommend(history=["unknown-id"])
    with pytest.raises(LeptonError, match="LAI-E1204"):
        recommender.recommend()


def test_bad_catalogues_are_refused_or_reported(tmp_path: Path, tiny_encoder_dir: Path,
                                                tmp_cache: Path) -> None:
    items, _ = _write(tmp_path, [*ITEMS, ("p1", "a second p1")])
    with pytest.raises(LeptonError, match=r"LAI-E1201.*1 duplicate item id.*'p1'"):
        build_recommender(tmp_path / "a", items, ["title"], model=str(tiny_encoder_dir))
    items, _ = _write(tmp_path, [*ITEMS, ("p9", "")])
    with pytest.raises(LeptonError, match=r"LAI-E303.*'titel'.*Did you mean 'title'"):
        build_recommender(tmp_path / "b", items, ["titel"], model=str(tiny_encoder_dir))
    with pytest.warns(LeptonWarning, match=r"LAI-W1201.*1 item.*'p9'"):
        build_recommender(tmp_path / "c", items, ["title"], model=str(tiny_encoder_dir))
    assert len(Recommender(tmp_path / "c").recommend(text="cat", k=20)) == 9
    with pytest.raises(FileNotFoundError, match=r"LAI-E1202.*lai recommend build"):
        Recommender(tmp_path / "missing")


def test_a_served_recommender_answers_with_reasons(recommender: Recommender) -> None:
    from fastapi.testclient import TestClient

    from lepton_ai.serve import ServeConfig, build_app

    with TestClient(build_app(ServeConfig(warm=False))) as client:
        client.app.state.lai.recommenders["shop"] = recommender
        answer = client.post("/v1/recommend/shop", json={"user": "u1", "k": 2})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["recommender"] == "shop" and len(body["data"]) == 2
        assert body["data"][0]["item"] == "p6" and body["data"][0]["reason"]
        unknown = client.post("/v1/recommend/shop", json={"user": "stranger"})
        assert unknown.status_code == 404 and "LAI-E1203" in unknown.text
        missing = client.post("/v1/recommend/other", json={"user": "u1"})
        assert missing.status_code == 404 and "shop" in missing.json()["error"]["message"]
        assert client.post("/v1/recommend/shop", json={"users": "u1"}).status_code == 422
