"""lai.relations: marking, label directions, pairs, taught relation types (tiny models)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.settings import settings
from lepton_ai.tasks.relations import mark, read_label, unmark


def test_mark_and_unmark_round_trip_in_either_order():
    text = "The fire was caused by lightning."
    marked = mark(text, (23, 32), (4, 8))  # e1 after e2 in the text
    assert marked == "The <e2>fire</e2> was caused by <e1>lightning</e1>."
    assert unmark(marked) == (text, (23, 32), (4, 8))
    assert unmark("no markers here") is None


@pytest.mark.parametrize("spans", [((0, 3), (2, 5)), ((0, 0), (4, 5)), ((0, 3), (4, 99))])
def test_bad_spans_get_a_coded_error(spans):
    with pytest.raises(LeptonError, match="LAI-E719"):
        mark("some text here", *spans)


def test_labels_give_the_relation_and_its_direction():
    assert read_label("Cause-Effect(e2,e1)") == ("Cause-Effect", False)
    assert read_label("Cause-Effect(e1,e2)") == ("Cause-Effect", True)
    assert read_label("founded") == ("founded", True)
    assert read_label("Other") is None


def write_marked(path: Path) -> Path:
    rows = []
    for a, b in [("cat", "mat"), ("dog", "mat"), ("man", "room")]:
        rows.append((f"the <e1>{a}</e1> sat on the <e2>{b}</e2>", "on(e1,e2)"))
        rows.append((f"the <e1>{b}</e1> is under the <e2>{a}</e2>", "on(e2,e1)"))
        rows.append((f"the <e1>{a}</e1> and the <e2>{b}</e2>", "Other"))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(rows * 4)
    return path


def test_trained_directory_turns_labels_into_directed_triples(
    tmp_cache, tiny_encoder_dir, tmp_path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "show_progress", False)
    out = tmp_path / "rel"
    model = lai.train(write_marked(tmp_path / "r.csv"), base=tiny_encoder_dir, out=out,
                      method="head")
    marked = "the <e1>mat</e1> is under the <e2>cat</e2>"
    found = lai.relations(marked, model=out, threshold=0.0)
    label = model.predict(marked)
    if label == "Other":
        assert found == []
    else:
        (relation,) = found
        assert relation.relation == "on"
        assert (relation.head, relation.tail) == (("mat", "cat") if label == "on(e1,e2)"
                                                  else ("cat", "mat"))
        text = unmark(marked)[0]
        assert text[slice(*relation.head_span)] == relation.head
    spans = lai.relations(["the mat is under the cat"], model=out, threshold=0.0,
                          pairs=[[((4, 7), (21, 24))]])
    assert [(r.head, r.tail) for r in spans[0]] == [(r.head, r.tail) for r in found]


def test_taught_relation_types_by_example(tmp_cache, tiny_encoder_dir):
    examples = {"on": ["the <e1>cat</e1> sat on the <e2>mat</e2>"],
                "and": ["the <e1>dog</e1> and the <e2>man</e2>"]}
    (relation,) = lai.relations("the <e1>cat</e1> sat on the <e2>mat</e2>", examples=examples,
                                model=str(tiny_encoder_dir))
    assert (relation.head, relation.relation, relation.tail) == ("cat", "on", "mat")
    assert relation.score > 0.5


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [({"examples": {"only": ["<e1>a</e1> <e2>b</e2>"]}}, "LAI-E721"),
     ({"examples": {"a": ["plain"], "b": ["<e1>a</e1> <e2>b</e2>"]}}, "LAI-E722"),
     ({"model": "no/such/model"}, "LAI-E720"),
     ({"pairs": [[], []]}, "LAI-E723")],
)
def test_bad_arguments_get_coded_errors(kwargs, code):
    with pytest.raises(LeptonError, match=code):
        lai.relations("<e1>a</e1> and <e2>b</e2>", **kwargs)
