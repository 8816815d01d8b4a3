"""Knowledge: dictionary terms with aliases and ids, regex rules, merging with a model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.tasks.knowledge import Knowledge
from lepton_ai.tasks.ner import Entity

ENTRIES = [
    {"name": "China Merchants Bank", "label": "ORG", "id": "cmb", "aliases": ["CMB", "招商银行"]},
    {"name": "Bank of China", "label": "ORG", "id": "boc"},
    {"name": "Bank of China Hong Kong", "label": "ORG", "id": "bochk"},
    {"pattern": r"\d{4}-\d{4}", "label": "CODE"},
]


def test_aliases_link_to_one_id_and_latin_names_respect_word_boundaries():
    kb = Knowledge(ENTRIES)
    text = "cmb and CMBX differ; 我在招商银行开户"
    found = kb.find(text)
    assert [(e.text, e.id) for e in found] == [("cmb", "cmb"), ("招商银行", "cmb")]
    for entity in found:
        assert text[entity.start : entity.end] == entity.text


def test_longest_term_wins_and_patterns_add_types():
    found = Knowledge(ENTRIES).find("Bank of China Hong Kong code 1234-5678")
    assert [(e.text, e.label, e.id) for e in found] == [
        ("Bank of China Hong Kong", "ORG", "bochk"), ("1234-5678", "CODE", None)]


def test_knowledge_overrides_overlapping_model_entities_and_links_the_rest():
    text = "Bank of China Hong Kong hired CMB staff."
    model = [Entity("Bank of China", "GPE", 0, 13), Entity("Hong Kong", "GPE", 14, 23),
             Entity("staff", "PERSON", 34, 39)]
    merged = Knowledge(ENTRIES).apply(text, model)
    assert [(e.text, e.label, e.id) for e in merged] == [
        ("Bank of China Hong Kong", "ORG", "bochk"), ("CMB", "ORG", "cmb"),
        ("staff", "PERSON", None)]
    linked = Knowledge(ENTRIES).apply("CMB", [Entity("CMB", "ORG", 0, 3)])
    assert linked == [Entity("CMB", "ORG", 0, 3, id="cmb")]


def test_case_sensitive_option():
    assert Knowledge(ENTRIES, case_sensitive=True).find("cmb") == []


def test_from_file_jsonl_and_csv(tmp_path: Path):
    jsonl = tmp_path / "kb.jsonl"
    jsonl.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in ENTRIES),
                     encoding="utf-8")
    assert len(Knowledge.from_file(jsonl)) == len(Knowledge(ENTRIES))
    table = tmp_path / "kb.csv"
    table.write_text("name,label,id,aliases\nChina Merchants Bank,ORG,cmb,CMB|招商银行\n",
                     encoding="utf-8")
    assert [e.id for e in Knowledge.from_file(table).find("招商银行 CMB")] == ["cmb", "cmb"]


@pytest.mark.parametrize(
    ("entry", "why"),
    [({"name": "X"}, "no 'label'"), ({"label": "ORG"}, "neither 'name' nor 'pattern'"),
     ({"pattern": "(", "label": "X"}, "does not compile")],
)
def test_bad_entries_name_the_entry_and_the_problem(entry, why):
    with pytest.raises(LeptonError, match=rf"LAI-E718.*entry 2.*{why}"):
        Knowledge([ENTRIES[0], entry])


GRAPH = [
    {"name": "Steve Jobs", "label": "PERSON", "id": "jobs"},
    {"name": "Apple", "label": "ORG", "id": "apple", "aliases": ["Apple Inc."]},
    {"head": "Steve Jobs", "relation": "founded", "tail": "apple"},  # name, then id
    {"relation": "founded", "head_label": "PERSON", "tail_label": "ORG"},
]


def test_facts_fire_when_both_entities_are_in_the_text_by_name_alias_or_id():
    kb = Knowledge(GRAPH)
    ((head, relation, tail),) = kb.facts_in("Apple Inc. was started by Steve Jobs.")
    assert (head.text, relation, tail.text) == ("Steve Jobs", "founded", "Apple Inc.")
    assert kb.facts_in("Steve Jobs liked music.") == []


def test_type_rules_restrict_relations_with_rules_only():
    kb = Knowledge(GRAPH)
    assert kb.allows("founded", "PERSON", "ORG")
    assert not kb.allows("founded", "ORG", "PERSON") and not kb.allows("founded", None, "ORG")
    assert kb.allows("located_in", None, None)  # no rule: anything goes


def test_relations_add_facts_and_drop_what_the_rules_forbid():
    from lepton_ai.tasks.relations import Relation, apply_knowledge

    text = "Apple was founded by Steve Jobs."
    wrong = Relation("Apple", "founded", "Steve Jobs", 0.9, (0, 5), (21, 31))  # ORG -> PERSON
    kept = Relation("Apple", "mentions", "Steve Jobs", 0.8, (0, 5), (21, 31))
    result = apply_knowledge(text, [wrong, kept], Knowledge(GRAPH))
    assert kept in result and wrong not in result
    assert Relation("Steve Jobs", "founded", "Apple", 1.0, (21, 31), (0, 5)) in result


def test_relation_entries_need_both_ends():
    with pytest.raises(LeptonError, match=r"LAI-E718.*entry 1.*head and tail"):
        Knowledge([{"relation": "founded", "head": "X"}])
