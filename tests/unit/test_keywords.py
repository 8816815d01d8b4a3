"""Key-phrase scoring, selection and input checks (no models needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.tasks.keywords import (
    ChineseTfIdf,
    TfIdfScorer,
    keywords,
    maximal_marginal_relevance,
    position_weight,
)
from lepton_ai.tasks.run_file import run_over_file
from lepton_ai.text.phrases import Candidate
from lepton_ai.text.zh_phrases import chinese_candidates


def candidate(key: str, count: int = 1, position: int = 0) -> Candidate:
    return Candidate(key, key, 0, len(key), position, count, len(key.split()))


def test_mmr_without_diversity_ranks_by_relevance():
    vectors = np.eye(4, dtype=np.float32)
    relevance = np.array([0.2, 0.9, 0.5, 0.7], dtype=np.float32)
    assert maximal_marginal_relevance(relevance, vectors, 3, 0.0) == [1, 3, 2]


def test_mmr_with_diversity_skips_a_near_duplicate():
    vectors = np.array([[1, 0], [1, 0], [0, 1]], dtype=np.float32)
    relevance = np.array([0.9, 0.85, 0.6], dtype=np.float32)
    assert maximal_marginal_relevance(relevance, vectors, 2, 0.0) == [0, 1]
    assert maximal_marginal_relevance(relevance, vectors, 2, 0.5) == [0, 2]


def test_mmr_returns_at_most_the_candidates_there_are():
    vectors = np.eye(2, dtype=np.float32)
    assert sorted(maximal_marginal_relevance(np.ones(2, np.float32), vectors, 10, 0.3)) == [0, 1]


def test_tfidf_prefers_phrases_rare_in_the_collection():
    docs = [[candidate("system"), candidate("neural network")], [candidate("system")],
            [candidate("system")]]
    scorer = TfIdfScorer(docs, background=None)
    assert scorer.idf("neural network") > scorer.idf("system")
    top = scorer.top(docs, 1)
    assert [k.phrase for k in top[0]] == ["neural network"]
    assert [len(row) for row in scorer.top(docs, 5)] == [2, 1, 1]


def test_earlier_and_repeated_phrases_score_higher():
    scorer = TfIdfScorer([[candidate("a b")]], background=None)
    assert position_weight(candidate("x", position=0)) > position_weight(candidate("x", position=50))
    assert scorer.score(candidate("a b", count=3)) > scorer.score(candidate("a b", count=1))


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: keywords("text", k=0), "LAI-E701"),
        (lambda: keywords("text", k=True), "LAI-E701"),
        (lambda: keywords("text", method="rake"), "LAI-E702"),
        (lambda: keywords("text", diversity=1.5), "LAI-E703"),
        (lambda: keywords(["ok", 3]), "LAI-E202"),
        (lambda: keywords(42), "LAI-E201"),
    ],
)
def test_bad_arguments_get_coded_errors(call, code):
    with pytest.raises(LeptonError) as caught:
        call()
    assert caught.value.code == code


def test_chinese_candidates_point_back_into_the_text():
    text = "这家酒店的服务态度非常好，房间干净整洁。酒店交通方便，服务态度也好。"
    found = {c.key: c for c in chinese_candidates([text])[0]}
    assert "服务态度" in found and found["服务态度"].count == 2
    for c in found.values():
        assert all(text[start:end].lower() == c.key for start, end in c.offsets)


def test_run_over_file_writes_one_line_per_row_with_its_number(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,text\n1,alpha\n2,beta gamma\n", encoding="utf-8")
    out = tmp_path / "sub" / "out.jsonl"
    rows, _ = run_over_file(source, out, lambda texts: [len(t) for t in texts], column="text",
                            show_progress=False)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows == 2 and lines == [{"row": 0, "result": 5}, {"row": 1, "result": 10}]
    with pytest.raises(LeptonError, match="LAI-E306"):
        run_over_file(source, tmp_path / "out.xlsx", len, column="text")


def test_chinese_keywords_never_return_pieces_of_latin_words():
    found = [k.phrase for k in keywords("我爱 Python but café naïve", 5)]
    assert found == ["Python"]  # not 'caf', 'na', 've', nor the stop word 'but'


def test_chinese_compounds_are_candidates_whole_and_nested_mentions_are_not_counted_twice():
    text = "抗高血压药的依从性。老年患者服用抗高血压药，血糖波动较大；血糖波动与认知有关。"
    found = {c.key: c for c in chinese_candidates([text])[0]}
    assert found["抗高血压药"].count == 2 and found["抗高血压药"].parts == ("抗", "高血压", "药")
    assert found["抗高血压药"].in_lead and not found["血糖波动"].in_lead
    assert found["血糖波动"].count == 2
    assert found["血糖"].nested == 2.0  # both mentions of 血糖 sit inside 血糖波动
    assert "的依从性" not in found and "依从性的" not in found  # particles break runs
    assert "患者" not in found  # a generic word of reports is never a phrase alone
    assert not any(key.endswith("抗") for key in found)  # affixes lead, never end


def test_chinese_scorer_prefers_rare_words_the_first_sentence_and_two_word_terms():
    scorer = ChineseTfIdf({"常见": 900, "罕见": 1}, documents=1000)
    assert scorer.idf("罕见") > scorer.idf("常见") and scorer.idf("未知") > scorer.idf("罕见")
    common = Candidate("常见", "常见", 50, 52, 10, parts=("常见",))
    rare = Candidate("罕见", "罕见", 50, 52, 10, parts=("罕见",))
    assert scorer.score(rare) > scorer.score(common)
    in_lead = Candidate("罕见", "罕见", 0, 2, 0, parts=("罕见",), in_lead=True)
    assert scorer.score(in_lead) > 2 * scorer.score(rare)
    two_words = Candidate("罕见罕见", "罕见罕见", 50, 54, 10, words=2, parts=("罕见", "罕见"))
    assert scorer.score(two_words) == pytest.approx(1.3 * scorer.score(rare))


def test_chinese_picks_never_nest_in_each_other():
    scorer = ChineseTfIdf({}, documents=10)
    found = [Candidate(key, key, 0, len(key), 0, parts=(key,)) for key in
             ("血糖波动", "血糖", "波动幅度", "认知功能")]
    keys = [c.key for c in scorer.shortlist(found, 4)]
    assert len(keys) == len(set(keys))
    assert not any(a != b and a in b for a in keys for b in keys)


def test_chinese_text_without_any_term_gives_no_key_phrases():
    assert keywords("。，！？", 5) == []
    assert keywords("一" * 5000, 5) == []  # one 5,000-character line, no word of two characters
