"""The search index on a tiny random encoder: exact and HNSW, add, save/load."""

import json

import numpy as np
import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.tasks.search import Index, search

DOCS = [
    "the cat sat on the mat", "stocks fell in the market", "the hotel room was clean",
    "a man play guitar", "bank card password reset", "money transfer to bank",
]


@pytest.fixture
def tiny(tiny_encoder_dir, tmp_cache):
    return str(tiny_encoder_dir)


@pytest.mark.parametrize("backend", ["exact", "hnsw"])
def test_each_document_finds_itself_first(tiny, backend):
    index = Index.from_texts(DOCS, model=tiny, backend=backend)
    for i, doc in enumerate(DOCS):
        hit = index.search(doc, k=1)[0]
        assert hit.id == i and hit.text == doc and hit.score == pytest.approx(1.0, abs=1e-4)


def test_hits_are_sorted_and_several_queries_give_several_lists(tiny):
    index = Index.from_texts(DOCS, model=tiny)
    results = index.search(["the cat", "stocks"], k=3)
    assert len(results) == 2 and all(len(r) == 3 for r in results)
    for hits in results:
        scores = [h.score for h in hits]
        assert scores == sorted(scores, reverse=True)


def test_k_larger_than_the_index_returns_everything(tiny):
    assert len(Index.from_texts(DOCS[:2], model=tiny).search("cat", k=10)) == 2


def test_add_extends_the_index(tiny):
    index = Index.from_texts(DOCS[:3], model=tiny, backend="hnsw")
    assert index.add(DOCS[3:]) == [3, 4, 5]
    assert index.search(DOCS[5], k=1)[0].id == 5


def test_rows_come_back_with_hits(tiny):
    rows = [{"id": f"d{i}", "body": text} for i, text in enumerate(DOCS)]
    index = Index(model=tiny, text_column="body")
    index.add(rows)
    hit = index.search(DOCS[2], k=1)[0]
    assert hit.row == {"id": "d2", "body": DOCS[2]}


@pytest.mark.parametrize("backend", ["exact", "hnsw"])
def test_save_and_load_give_the_same_answers(tiny, tmp_path, backend):
    index = Index.from_texts(DOCS, model=tiny, backend=backend)
    index.save(tmp_path / "idx")
    manifest = json.loads((tmp_path / "idx" / "index.json").read_text())
    assert manifest["count"] == 6 and manifest["model"] == tiny
    loaded = Index.load(tmp_path / "idx")
    assert [h.id for h in loaded.search("cat", k=6)] == [h.id for h in index.search("cat", k=6)]
    assert (tmp_path / "idx" / "hnsw.bin").exists() == (backend == "hnsw")
    index.save(tmp_path / "idx")  # an earlier index is replaced
    with pytest.raises(LeptonError, match="LAI-E607"):
        index.save(tmp_path)  # holds the user's other files


def test_hnsw_agrees_with_exact_search(tiny):
    rng = np.random.default_rng(1)
    words = "the a cat dog sat on mat stocks fell rose market bank card hotel room".split()
    docs = [" ".join(rng.choice(words, size=6)) for _ in range(300)]
    index = Index.from_texts(docs, model=tiny, backend="hnsw")
    queries = np.asarray(index.vectors[:50])
    exact_ids, _ = index.search_vectors(queries, 10, exact=True)
    graph_ids, _ = index.search_vectors(queries, 10, exact=False)
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(exact_ids, graph_ids, strict=True)])
    assert recall >= 0.95


def test_errors_are_coded(tiny, tmp_path):
    with pytest.raises(LeptonError, match="LAI-E406"):
        Index(model=tiny).search("x")
    index = Index.from_texts(DOCS, model=tiny)
    with pytest.raises(LeptonError, match="LAI-E404"):
        index.search("x", k=0)
    with pytest.raises(LeptonError, match="LAI-E405"):
        Index(backend="faiss")
    with pytest.raises(LeptonError, match="LAI-E401"):
        Index.load(tmp_path)
    with pytest.raises(LeptonError, match="LAI-E401"):
        search("query", "not a folder")


def test_one_off_search_over_a_list(tiny):
    assert search("stocks fell", DOCS, k=1, model=tiny)[0].id == 1


def test_an_index_from_precomputed_vectors_answers_like_a_built_one(tiny):
    built = Index.from_texts(DOCS, model=tiny)
    reused = Index.from_vectors(np.asarray(built.vectors), DOCS, tiny)
    assert [h.id for h in reused.search("stocks fell", k=3)] == [h.id for h in built.search("stocks fell", k=3)]
    with pytest.raises(LeptonError, match="LAI-E408"):
        Index.from_vectors(np.asarray(built.vectors)[:2], DOCS, tiny)


def test_build_graph_switches_an_exact_index_to_hnsw(tiny):
    from lepton_ai.tasks.search import HnswParams

    index = Index.from_texts(DOCS, model=tiny, backend="exact")
    index.build_graph(HnswParams(m=8, ef_construction=50, ef_search=20))
    assert index.uses_graph and index.search(DOCS[4], k=1)[0].id == 4
