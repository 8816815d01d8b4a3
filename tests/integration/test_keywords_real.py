"""lai.keywords with the packaged models: spaCy's English tagger, MiniLM, jieba."""

from __future__ import annotations

import json

from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.text.phrases import english_candidates

ABSTRACT = (
    "Compatibility of systems of linear constraints over the set of natural numbers. "
    "Criteria of compatibility of a system of linear Diophantine equations, strict "
    "inequations, and nonstrict inequations are considered. Upper bounds for components "
    "of a minimal set of solutions and algorithms of construction of minimal generating "
    "sets of solutions for all types of systems are given."
)
REVIEW = "这家酒店的服务态度非常好，房间干净整洁，早餐种类丰富。酒店位置交通方便，服务态度一流。"


def test_english_key_phrases_come_with_offsets_into_the_text():
    found = lai.keywords(ABSTRACT, k=5)
    phrases = [k.phrase for k in found]
    assert "linear constraints" in phrases[:3]
    assert "linear Diophantine equations" in phrases
    for keyword in found:
        assert ABSTRACT[keyword.start : keyword.end] == keyword.phrase


def test_statistical_method_uses_the_whole_batch_for_document_frequencies():
    texts = [ABSTRACT, "Minimal sets of solutions for systems of equations are given."]
    first, second = lai.keywords(texts, k=3, method="statistical")
    assert first[0].phrase == "linear Diophantine equations"
    assert second and all(k.score > 0 for k in second)


def test_candidates_keep_hyphenated_compounds_and_participles_whole():
    text = "Cone-beam projection data for single-slice helical computed tomography."
    keys = {c.key for c in english_candidates([text])[0]}
    assert keys == {"cone-beam projection data", "single-slice helical computed tomography"}


def test_chinese_goes_through_the_statistical_scorer_by_default():
    found = lai.keywords(REVIEW, k=5)
    assert found[0].phrase in {"酒店", "服务态度"}
    assert "服务态度" in [k.phrase for k in found]
    for keyword in found:
        assert REVIEW[keyword.start : keyword.end] == keyword.phrase


def test_cli_writes_json_lines(tmp_path):
    source = tmp_path / "docs.jsonl"
    source.write_text(
        "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in (ABSTRACT, REVIEW)),
        encoding="utf-8",
    )
    out = tmp_path / "kw.jsonl"
    result = CliRunner().invoke(app, ["keywords", str(source), "--out", str(out), "-k", "3"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row"] for r in rows] == [0, 1]
    assert rows[0]["result"][0]["phrase"] in {"linear constraints", "linear Diophantine equations"}


def test_chinese_embedding_method_reranks_the_statistical_shortlist():
    text = ("基于改进YOLOv5的交通标志检测方法。针对交通标志目标小的问题，在主干网络中引入注意力机制，"
            "并使用特征金字塔融合多尺度特征，交通标志检测的平均精度提高。")
    statistical = [k.phrase for k in lai.keywords(text, k=20, method="statistical")]
    embedded = [k.phrase for k in lai.keywords(text, k=5, method="embedding")]
    assert len(embedded) == 5 and set(embedded) <= set(statistical)
    assert "交通标志" in embedded and "注意力机制" in statistical
    assert not any(p.startswith("引入") or p.endswith("提高") for p in statistical)


def test_the_english_pipeline_loads_neither_torch_nor_other_spacy_plugins(heavy_imports):
    """thinc would import torch, and presidio's spaCy plugin transformers and torch:
    ~330 MB of a server's memory for nothing its pipeline uses."""
    script = ("import lepton_ai as lai\n"
              "text = 'Apple was founded by Steve Jobs in California.'\n"
              "assert lai.keywords(text, k=3) and lai.ner(text, model='spacy')\n")
    assert heavy_imports(script) == set()
