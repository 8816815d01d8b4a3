"""Recommendation from text with a tiny random encoder: build, histories, reasons,
cold start, diversity, and the coded errors of bad input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from lepton_ai.errors import LeptonError, LeptonWarning
from lepton_ai.solutions.recommend import Recommender, build_recommender, update_recommender

CATEGORY = {"p1": "bank", "p2": "bank", "p5": "market", "p6": "market"}
ITEMS = [
    ("p1", "bank card password reset"), ("p2", "bank card money transfer"),
    ("p3", "cat dog sat on mat"), ("p4", "dog on the mat"), ("p5", "stocks fell market"),
    ("p6", "stocks rose market money"), ("p7", "guitar music play"), ("p8", "music play man"),
]


def _write(tmp_path: Path, items: list[tuple[str, str]] = ITEMS) -> tuple[Path, Path]:
    with (tmp_path / "items.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "category", "available"])
        writer.writerows((item, title, CATEGORY.get(item[:2], "other"), item != "p6")
                         for item, title in items)
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
                                   attribute_columns=["category", "available"],
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
        listed = client.get("/v1/recommend").json()["data"]
        assert listed == [{"name": "shop", "items": len(recommender.ids)}]
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


def test_feedback_counts_at_once_and_an_update_folds_it_in(recommender: Recommender) -> None:
    before = recommender.recommend("u3", k=7)
    assert "p6" in [p.item for p in before]
    recommender.record("u3", "p6", "purchase")
    recommender.record("u3", "p8", "dislike")
    after = [p.item for p in recommender.recommend("u3", k=7)]
    assert "p6" not in after and "p8" not in after  # bought: seen; disliked: hidden
    assert recommender.history_of("u3")[-1] == "p6"
    recommender.record("newcomer", "p7", "click")  # a user the build never saw
    assert recommender.recommend("newcomer", k=1)[0].because == "p7"
    with pytest.raises(LookupError, match=r"LAI-E1206.*'p99'.*lai recommend update"):
        recommender.record("u3", "p99")
    with pytest.raises(ValueError, match=r"LAI-E1207.*'bought'.*purchase.*dislike"):
        recommender.record("u3", "p1", "bought")

    report = update_recommender(recommender.folder)
    assert report.folded == 3 and report.embedded == 0
    updated = Recommender(recommender.folder)
    assert updated.users["u3"][-1] == "p6" and updated.history_of("u3").count("p6") == 1
    assert "p8" not in [p.item for p in updated.recommend("u3", k=7)]  # still hidden
    assert update_recommender(recommender.folder).folded == 0


def test_an_update_embeds_only_new_and_changed_items(recommender: Recommender,
                                                     tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    table = [(i, "guitar music play loud" if i == "p7" else t) for i, t in ITEMS
             if i not in ("p4", "p8")] + [("p9", "violin music")]
    items, _ = _write(new, table)
    report = update_recommender(recommender.folder, items)
    assert (report.items, report.embedded) == (7, 2)  # p7's new text and p9
    updated = Recommender(recommender.folder)
    assert "p4" not in updated.position and "p4" not in updated.history_of("u3")
    assert np.allclose(updated.vectors[updated.position["p1"]],
                       recommender.vectors[recommender.position["p1"]])
    assert updated.texts[updated.position["p7"]] == "guitar music play loud"
    assert updated.together.shape == (7, 7)


def test_business_filters_keep_only_matching_items(recommender: Recommender) -> None:
    market = recommender.recommend(history=["p1"], k=5, filters={"category": "Market"})
    assert sorted(p.item for p in market) == ["p5", "p6"]
    in_stock = recommender.recommend(history=["p1"], k=5,
                                     filters={"category": ["market", "bank"],
                                              "available": True})
    assert sorted(p.item for p in in_stock) == ["p2", "p5"]  # p6 is sold out
    with pytest.raises(ValueError, match=r"LAI-E1208.*'categry'.*available, category.*"
                                         r"Did you mean 'category'"):
        recommender.recommend(history=["p1"], filters={"categry": "bank"})


def test_a_long_history_with_two_interests_is_matched_to_both(tmp_path: Path) -> None:
    from lepton_ai.solutions.recommend.signals import interests, recency_weights

    rng = np.random.default_rng(0)
    centres = np.eye(8, dtype=np.float32)[:2]
    vectors = np.concatenate([centres[0] + 0.1 * rng.standard_normal((9, 8)),
                              centres[1] + 0.1 * rng.standard_normal((5, 8))])
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    profiles = interests(vectors, recency_weights(len(vectors), 0.7))
    assert len(profiles) == 2
    assert sorted(int(np.argmax(p[:2])) for p in profiles) == [0, 1]
    assert len(interests(vectors[:8], recency_weights(8, 0.7))) == 1  # short: one


def test_a_huge_history_is_cut_to_its_recent_items(recommender: Recommender) -> None:
    history = ["p1", "p2"] * 60_000
    with pytest.warns(LeptonWarning, match=r"LAI-W1203.*120,000 items.*200"):
        picks = recommender.recommend(history=history, k=3)
    assert len(picks) == 3


def test_evaluation_scores_held_out_items_and_draws_a_report(
        recommender: Recommender, tmp_path: Path) -> None:
    from lepton_ai.solutions.recommend import evaluate, read_split
    from lepton_ai.solutions.recommend.evaluation import write_report

    split = tmp_path / "split.csv"
    split.write_text("user,item,history\nu1,p6,\nx,p2,p1\nu2,p5,\nu9,p1,\ny,p404,p1\n",
                     encoding="utf-8")
    rows = read_split(split)
    assert rows[1].history == ["p1"] and rows[0].history is None
    report = evaluate(recommender, rows, k=2)
    assert report.rows == 3
    assert report.skipped == {"item not in the catalogue": 1, "no history": 1}
    assert 0 < report.hit <= 1 and 0 < report.ndcg <= report.hit
    assert report.curve["hit"][0] <= report.curve["hit"][-1] == 1.0
    assert 0 < report.coverage <= 1 and report.popularity_bias is not None
    files = write_report(report, tmp_path / "report", title="tiny")
    assert [f.name for f in files] == ["eval.json", "eval.png"]
    assert json.loads(files[0].read_text())["rows"] == 3 and files[1].stat().st_size > 5000
    (tmp_path / "bad.csv").write_text("who,what\nu1,p1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"LAI-E1209.*no column 'user'.*who, what"):
        read_split(tmp_path / "bad.csv")


def test_served_feedback_and_filters(recommender: Recommender) -> None:
    from fastapi.testclient import TestClient

    from lepton_ai.serve import ServeConfig, build_app

    with TestClient(build_app(ServeConfig(warm=False))) as client:
        client.app.state.lai.recommenders["shop"] = recommender
        recorded = client.post("/v1/recommend/shop/events",
                               json={"user": "u3", "item": "p6", "event": "purchase"})
        assert recorded.status_code == 200, recorded.text
        assert recorded.json()["id"] >= 1
        picks = client.post("/v1/recommend/shop", json={
            "user": "u3", "k": 8, "filters": {"category": "market"}}).json()["data"]
        assert [p["item"] for p in picks] == ["p5"]  # p6 was bought
        bad = client.post("/v1/recommend/shop/events",
                          json={"user": "u3", "item": "p1", "event": "bought"})
        assert bad.status_code == 422 and "LAI-E1207" in bad.text
        unknown = client.post("/v1/recommend/shop/events", json={"user": "u3", "item": "zz"})
        assert unknown.status_code == 404 and "LAI-E1206" in unknown.text


def test_a_large_catalogue_scores_candidates_from_its_graph(
        tmp_path: Path, tiny_encoder_dir: Path, tmp_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lepton_ai.solutions.recommend import candidates, recommender_build

    monkeypatch.setattr(recommender_build, "GRAPH_THRESHOLD", 5)
    items, events = _write(tmp_path)
    with pytest.warns(LeptonWarning, match="LAI-W1202"):
        build_recommender(tmp_path / "rec", items, ["title"], interactions=events,
                          attribute_columns=["category"], model=str(tiny_encoder_dir))
    assert (tmp_path / "rec" / candidates.GRAPH_FILE).is_file()
    graph = Recommender(tmp_path / "rec")
    assert graph.candidates is not None
    monkeypatch.setattr(candidates, "NEAREST", 2)
    monkeypatch.setattr(candidates, "TOGETHER", 1)
    monkeypatch.setattr(candidates, "PER_WORD", 1)
    scores, _ = graph._scores([graph.position["p1"]], None)
    assert 0 < np.isfinite(scores).sum() < len(graph.ids)  # only candidates are scored
    picks = graph.recommend(history=["p1"], k=2)
    assert len(picks) == 2 and all(p.item != "p1" for p in picks)
    # Candidates that leave fewer than k (here: filters) give way to scoring every item.
    market = graph.recommend(history=["p3"], k=2, filters={"category": "market"})
    assert sorted(p.item for p in market) == ["p5", "p6"]
    assert len(graph.recommend(history=["p1"], k=8)) == 7  # every item but p1
