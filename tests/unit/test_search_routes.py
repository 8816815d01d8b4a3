"""Search over served index folders: ``lai serve --index NAME=DIR`` on a tiny encoder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lepton_ai.client import Client, RemoteError
from lepton_ai.serve import ServeConfig, build_app
from lepton_ai.tasks.search import Index

DOCS = ["the cat sat on the mat", "stocks fell in the market", "bank card password reset"]


@pytest.fixture
def server(tiny_encoder_dir: Path, tmp_cache: Path, tmp_path: Path) -> Iterator[TestClient]:
    folder = Index.from_texts(DOCS, model=str(tiny_encoder_dir)).save(tmp_path / "docs")
    config = ServeConfig(warm=False, indexes=(("docs", str(folder)),))
    with TestClient(build_app(config)) as client:
        yield client


def test_the_served_index_is_listed_and_finds_each_document(server: TestClient) -> None:
    listed = server.get("/v1/indexes").json()["data"]
    assert [(i["name"], i["documents"], i["backend"]) for i in listed] == [("docs", 3, "auto")]
    one = server.post("/v1/indexes/docs/search", json={"query": DOCS[1], "k": 1}).json()
    assert one["index"] == "docs" and one["model"] == listed[0]["model"]
    assert [(hit["id"], hit["text"]) for hit in one["data"]] == [(1, DOCS[1])]
    several = server.post("/v1/indexes/docs/search", json={"query": DOCS, "k": 2}).json()
    assert [hits[0]["id"] for hits in several["data"]] == [0, 1, 2]
    assert all(len(hits) == 2 for hits in several["data"])


def test_the_client_gets_the_hits_of_the_local_index(server: TestClient,
                                                     tiny_encoder_dir: Path) -> None:
    client = Client("http://testserver")
    client._http = server  # the TestClient is an httpx.Client on the app
    local = Index.from_texts(DOCS, model=str(tiny_encoder_dir))
    remote = client.search("docs", "password of my card", k=3)
    assert [hit.id for hit in remote] == [hit.id for hit in local.search(
        "password of my card", k=3)]
    assert client.indexes()[0]["name"] == "docs"
    with pytest.raises(RemoteError, match="LAI-E409") as caught:
        client.search("nope", "cat")
    assert caught.value.remote_status == 404 and "--index NAME=INDEX_DIR" in str(caught.value)


@pytest.mark.parametrize(("body", "code"), [
    ({"query": "  "}, "LAI-E209"), ({"query": "cat", "k": 0}, None),
    ({"query": "cat", "where": "x"}, None), ({"query": ["cat"] * 257}, "LAI-E806")])
def test_bad_searches_get_coded_errors(server: TestClient, body: dict, code: str | None) -> None:
    answer = server.post("/v1/indexes/docs/search", json=body)
    assert answer.status_code in (413, 422), answer.text
    if code is not None:
        assert answer.json()["error"]["code"] == code
