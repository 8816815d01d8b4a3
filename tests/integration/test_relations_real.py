"""lai.relations with the shipped SemEval model, taught relations and knowledge."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app


def test_marked_sentence_gives_a_directed_triple():
    (relation,) = lai.relations("The <e1>fire</e1> was caused by <e2>lightning</e2>.")
    assert (relation.head, relation.relation, relation.tail) == ("lightning", "Cause-Effect",
                                                                 "fire")
    assert relation.head_span == (23, 32) and relation.score > 0.9


def test_plain_text_pairs_are_proposed_within_sentences():
    text = "The company fabricates plastic chairs. Smoke filled the valley."
    found = lai.relations(text)
    assert ("chairs", "Product-Producer", "company") in {(r.head, r.relation, r.tail)
                                                         for r in found}
    for relation in found:
        assert text[slice(*relation.head_span)] == relation.head
        assert text[slice(*relation.tail_span)] == relation.tail


def test_chinese_relations_taught_by_example():
    examples = {"创办": ["<e1>马云</e1>创办了<e2>阿里巴巴</e2>。", "<e1>马化腾</e1>创立了<e2>腾讯</e2>。"],
                "出生于": ["<e1>鲁迅</e1>出生于<e2>绍兴</e2>。", "<e1>毛泽东</e1>出生在<e2>韶山</e2>。"]}
    (relation,) = lai.relations("<e1>李彦宏</e1>创办了<e2>百度</e2>。", examples=examples)
    assert (relation.head, relation.relation, relation.tail) == ("李彦宏", "创办", "百度")


def test_cli_with_knowledge_facts(tmp_path):
    terms = tmp_path / "kg.jsonl"
    terms.write_text("\n".join(json.dumps(e) for e in [
        {"name": "Steve Jobs", "label": "PERSON"}, {"name": "Apple", "label": "ORG"},
        {"head": "Steve Jobs", "relation": "founded", "tail": "Apple"}]), encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text("Steve Jobs started Apple in a garage.\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["relations", str(source), "--out", str(out),
                                      "--knowledge", str(terms)])
    assert result.exit_code == 0, result.output
    found = json.loads(out.read_text(encoding="utf-8"))["result"]
    assert {"head": "Steve Jobs", "relation": "founded", "tail": "Apple", "score": 1.0,
            "head_span": [0, 10], "tail_span": [19, 24]} in found


def test_chinese_text_to_the_english_default_is_warned_and_examples_are_the_way():
    import pytest

    from lepton_ai.errors import LeptonWarning

    text = "马云于1999年在杭州创办了阿里巴巴集团。"
    with pytest.warns(LeptonWarning, match="LAI-W701"):
        lai.relations(text)
    taught = lai.relations(text, examples={
        "founded": ["<e1>马化腾</e1>创办了<e2>腾讯</e2>", "<e1>雷军</e1>创立了<e2>小米</e2>"],
        "located": ["<e1>腾讯</e1>位于<e2>深圳</e2>", "<e1>小米</e1>总部在<e2>北京</e2>"]},
        threshold=0.0)
    assert taught, "mentions from the Chinese entity default give pairs to classify"
