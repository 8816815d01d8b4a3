"""The console's training routes without training: uploads, checks, refusals."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lepton_ai.serve.app import build_app
from lepton_ai.serve.config import ServeConfig

TABLE = "text,label\nmy card was charged twice,billing\nI lost my card,card\nfee again,billing\n"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    config = ServeConfig(warm=False, data_dir=str(tmp_path / "data"), max_body_bytes=4000,
                         max_upload_bytes=20_000)
    with TestClient(build_app(config)) as test_client:
        yield test_client


def upload(client: TestClient, name: str, data: bytes) -> object:
    return client.put("/v1/train/uploads", params={"name": name}, content=data)


def test_an_upload_is_stored_under_a_server_name_with_a_preview(client: TestClient,
                                                                tmp_path: Path) -> None:
    answer = upload(client, "../../outside/intents.csv", TABLE.encode())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["name"] == "intents.csv" and body["rows"] == 3
    assert body["columns"] == ["text", "label"] and body["preview"][1]["label"] == "card"
    stored = list((tmp_path / "data" / "uploads").iterdir())
    assert [p.name for p in stored] == [f"{body['id']}.csv"]  # inside the data folder only
    assert not (tmp_path / "outside").exists()


def test_checks_give_label_counts_and_warnings_or_the_coded_error(client: TestClient) -> None:
    upload_id = upload(client, "t.csv", TABLE.encode()).json()["id"]
    checked = client.post(f"/v1/train/uploads/{upload_id}/check", json={}).json()
    assert checked["labels"] == {"billing": 2, "card": 1}
    assert any("LAI-W201" in w for w in checked["warnings"])  # 'card' has one example
    wrong = client.post(f"/v1/train/uploads/{upload_id}/check", json={"text": "txt"})
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "LAI-E502"
    assert "Did you mean 'text'" in wrong.json()["error"]["message"]


@pytest.mark.parametrize(("name", "data", "status", "code"), [
    ("sheet.xlsx", b"PK", 422, "LAI-E818"),
    ("notes", b"text\nhello\n", 422, "LAI-E818"),
    ("latin.csv", "text,label\ncafé,x\n".encode("latin-1"), 400, "LAI-E307"),
])
def test_bad_uploads_are_refused_and_nothing_is_kept(client: TestClient, tmp_path: Path,
                                                     name: str, data: bytes, status: int,
                                                     code: str) -> None:
    answer = upload(client, name, data)
    assert answer.status_code == status and answer.json()["error"]["code"] == code
    assert str(tmp_path) not in answer.json()["error"]["message"]  # no server path
    folder = tmp_path / "data" / "uploads"
    assert not folder.exists() or not any(folder.iterdir())


def test_uploads_have_their_own_larger_limit_named_in_the_refusal(client: TestClient) -> None:
    table = b"text,label\n" + b"x,y\n" * 2000  # 8 kB: over the 4 kB body limit
    assert upload(client, "big.csv", table).status_code == 200
    assert client.post("/v1/sentiment", json={"input": "x" * 5000}).status_code == 413
    answer = upload(client, "bigger.csv", b"text,label\n" + b"x,y\n" * 6000)
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "LAI-E822"
    assert "--max-upload-bytes" in answer.json()["error"]["message"]
    chunked = client.put("/v1/train/uploads", params={"name": "c.csv"},
                         content=iter([b"text,label\n", b"x,y\n" * 6000]))
    assert chunked.status_code == 413 and chunked.json()["error"]["code"] == "LAI-E822"


def test_unknown_uploads_and_jobs_name_what_is_known(client: TestClient) -> None:
    missing = client.post("/v1/train/jobs", json={"upload": "u-nope"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "LAI-E819"
    assert client.get("/v1/train/jobs/j-nope").json()["error"]["code"] == "LAI-E819"
    assert client.get("/v1/train/jobs").json() == {"data": []}
    methods = client.get("/v1/train/methods").json()
    assert set(methods) == {"auto", "head", "fewshot", "lora", "full"}


def test_the_queue_puts_the_closest_calls_first() -> None:
    from lepton_ai.serve.training_jobs import least_sure
    from lepton_ai.tasks.classify import Classification

    results = [Classification("a", 0.9, ["a"], {"a": 0.9, "b": 0.1}),
               Classification("b", 0.52, ["b"], {"a": 0.48, "b": 0.52}),
               Classification("a", 0.6, ["a"], {"a": 0.6, "b": 0.4})]
    queue = least_sure(["sure", "torn", "unsure"], results, 2)
    assert [item["text"] for item in queue] == ["torn", "unsure"]
    assert queue[0]["margin"] == pytest.approx(0.04) and queue[0]["row"] == 1


def test_annotating_needs_a_served_model_and_a_known_upload(client: TestClient) -> None:
    upload_id = upload(client, "t.csv", TABLE.encode()).json()["id"]
    missing = client.post("/v1/train/annotate", json={"model": "nope", "upload": upload_id})
    assert missing.status_code == 404
    assert client.post("/v1/train/jobs", json={"upload": upload_id, "from_model": "nope"}
                       ).status_code == 404


def test_a_watcher_reads_each_event_once_and_never_half_a_line(tmp_path: Path) -> None:
    from lepton_ai.serve.training_jobs import Job

    job = Job("j-1", "u-1", {}, tmp_path, process=None)  # type: ignore[arg-type]
    events = tmp_path / "events.jsonl"
    events.write_text('{"kind": "note", "n": 1}\n{"kind": "no', encoding="utf-8")
    first, offset = job.events()
    assert [e["n"] for e in first] == [1]
    with events.open("a", encoding="utf-8") as handle:
        handle.write('te", "n": 2}\n')
    second, _ = job.events(offset)
    assert [e["n"] for e in second] == [2]


def test_tables_in_the_servers_training_folder_are_listed_and_taken(client: TestClient,
                                                                    tmp_path: Path) -> None:
    assert client.get("/v1/train/files").json() == {"data": []}
    files = tmp_path / "data" / "files"
    (files / "sub").mkdir(parents=True)
    (files / "intents.csv").write_text(TABLE, encoding="utf-8")
    (files / ".hidden.csv").write_text(TABLE, encoding="utf-8")
    (files / "sheet.xlsx").write_bytes(b"PK")
    (files / "sub" / "nested.csv").write_text(TABLE, encoding="utf-8")
    (files / "big.csv").write_text(TABLE * 300, encoding="utf-8")
    secret = tmp_path / "secret.csv"
    secret.write_text("text,label\nthe password is hunter2,x\n", encoding="utf-8")
    (files / "link.csv").symlink_to(secret)
    listed = [entry["name"] for entry in client.get("/v1/train/files").json()["data"]]
    assert listed == ["big.csv", "intents.csv"]
    taken = client.post("/v1/train/files/intents.csv")
    assert taken.status_code == 200, taken.text
    assert taken.json()["rows"] == 3 and taken.json()["name"] == "intents.csv"
    checked = client.post(f"/v1/train/uploads/{taken.json()['id']}/check", json={}).json()
    assert checked["labels"] == {"billing": 2, "card": 1}
    for name in ("link.csv", ".hidden.csv", "sub%2Fnested.csv", "..%2Fsecret.csv", "nope.csv"):
        refused = client.post(f"/v1/train/files/{name}")
        assert refused.status_code == 404, (name, refused.text)
        if refused.json()["error"]["code"] != "HTTP-404":  # no route matched: a slash
            assert refused.json()["error"]["code"] == "LAI-E824"
            assert "big.csv, intents.csv" in refused.json()["error"]["message"]
    too_big = client.post("/v1/train/files/big.csv")
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "LAI-E822"
