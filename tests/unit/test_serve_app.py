"""Routes through FastAPI's test client: auth, limits, errors, versions, metrics.

Trained models here are tiny (a random BERT + a head); the real packaged models
are served in tests/integration/test_serve_real.py.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lepton_ai.serve import ModelSource, ServeConfig, build_app
from lepton_ai.settings import settings
from lepton_ai.training.pipeline import train

from .test_train_tiny import write_topics

KEY = "test-key-123"
ADMIN = "admin-key-456"


@pytest.fixture
def two_versions(tmp_path: Path, tiny_encoder_dir: Path, tmp_cache: Path,
                 monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.setattr(settings, "show_progress", False)
    first = train(write_topics(tmp_path / "a.csv"), base=tiny_encoder_dir,
                  out=tmp_path / "v1", method="head")
    second = train(write_topics(tmp_path / "b.csv", seed=1), base=tiny_encoder_dir,
                   out=tmp_path / "v2", method="head", l2=10.0)
    return first.folder, second.folder


@pytest.fixture
def client(two_versions: tuple[Path, Path]) -> Iterator[TestClient]:
    config = ServeConfig(api_keys=frozenset({KEY}), admin_keys=frozenset({ADMIN}),
                         models=(ModelSource("topics", "1", two_versions[0]),),
                         warm=False, max_texts=4, max_chars=50, max_body_bytes=2000)
    with TestClient(build_app(config)) as test_client:
        yield test_client


def auth(key: str = KEY) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_health_is_open_and_everything_else_needs_a_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready"}
    for method, path in (("get", "/v1/models"), ("get", "/metrics"),
                         ("post", "/v1/models/topics/predict"), ("get", "/admin/models")):
        answer = client.request(method, path, json={"input": "cat"})
        assert answer.status_code == 401, path
        error = answer.json()["error"]
        assert (error["code"], error["type"]) == ("LAI-E804", "authentication_error")
        assert error["message"].startswith("[LAI-E804] Missing or invalid API key.")
    assert client.get("/v1/models", headers=auth("wrong")).status_code == 401
    assert client.get("/v1/models", headers={"X-API-Key": KEY}).status_code == 200
    assert client.get("/admin/models", headers=auth(KEY)).status_code == 401
    assert client.get("/admin/models", headers=auth(ADMIN)).status_code == 200


def test_predict_matches_the_python_api(client: TestClient,
                                        two_versions: tuple[Path, Path]) -> None:
    import lepton_ai as lai

    texts = ["cat on the mat", "bank card password", "stocks fell"]
    answer = client.post("/v1/models/topics/predict", json={"input": texts}, headers=auth())
    assert answer.status_code == 200
    body = answer.json()
    assert (body["model"], body["version"]) == ("topics", "1")
    expected = lai.load(two_versions[0]).predict_proba(texts)
    for result, row in zip(body["data"], expected, strict=True):
        assert list(result["scores"].values()) == pytest.approx(row.tolist(), abs=1e-5)
    single = client.post("/v1/models/topics/predict", json={"input": texts[0]}, headers=auth())
    alone, batched = single.json()["data"], body["data"][0]
    assert (alone["label"], alone["labels"]) == (batched["label"], batched["labels"])
    # a lone text runs on the multi-threaded session: sums may differ in the last bit
    assert alone["scores"] == pytest.approx(batched["scores"], abs=2e-6)


def test_limits_answer_413_with_the_flag_that_raises_them(client: TestClient) -> None:
    many = client.post("/v1/models/topics/predict", json={"input": ["a"] * 5}, headers=auth())
    assert many.status_code == 413 and many.json()["error"]["code"] == "LAI-E806"
    assert "--max-texts" in many.json()["error"]["message"]
    long = client.post("/v1/models/topics/predict", json={"input": "x" * 51}, headers=auth())
    assert long.status_code == 413 and long.json()["error"]["code"] == "LAI-E807"
    body = client.post("/v1/models/topics/predict", content=b"{" + b" " * 3000 + b"}",
                       headers={**auth(), "content-type": "application/json"})
    assert body.status_code == 413 and body.json()["error"]["code"] == "LAI-E803"
    # Refused before routing, it is still counted on its route, not as "unmatched".
    metrics = client.get("/metrics", headers=auth()).text
    assert any(line.startswith("lai_errors_total{") and "LAI-E803" in line
               and 'route="/v1/models/{name}/predict"' in line for line in metrics.splitlines())


def test_bad_requests_get_422_naming_the_field_and_unknown_names_404(
        client: TestClient) -> None:
    wrong = client.post("/v1/models/topics/predict", json={"inputs": ["a"]}, headers=auth())
    assert wrong.status_code == 422
    error = wrong.json()["error"]
    assert error["code"] == "LAI-E810" and "body.input" in error["message"]
    missing = client.post("/v1/models/nope/predict", json={"input": "a"}, headers=auth())
    assert missing.status_code == 404 and "topics" in missing.json()["error"]["message"]
    embed = client.post("/v1/embeddings", json={"input": "a", "model": "gpt-4"}, headers=auth())
    assert embed.status_code == 404 and embed.json()["error"]["code"] == "LAI-E805"
    path = client.post("/v1/embed", json={"input": "a", "options": {"model": "/etc"}},
                       headers=auth())
    assert path.status_code == 422 and path.json()["error"]["code"] == "LAI-E810"
    assert client.get("/nowhere").status_code == 404


def test_embeddings_validation_errors_name_the_body_field(client: TestClient) -> None:
    for body, field in (({"model": "all-MiniLM-L6-v2"}, "body.input"),
                        ({"input": [1, 2], "model": "all-MiniLM-L6-v2"}, "body.input"),
                        ({"input": "a", "model": "m", "encoding_format": "hex"},
                         "body.encoding_format")):
        answer = client.post("/v1/embeddings", json=body, headers=auth())
        assert answer.status_code == 422, body
        error = answer.json()["error"]
        assert error["code"] == "LAI-E810" and field in error["message"], error
    broken = client.post("/v1/embeddings", content=b"{not json",
                         headers={**auth(), "content-type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "LAI-E810"


def test_openapi_documents_the_key_headers_and_the_embeddings_body(
        client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert set(spec["components"]["securitySchemes"]) == {"bearer", "apiKey"}
    either = [{"bearer": []}, {"apiKey": []}]
    assert spec["paths"]["/v1/embeddings"]["post"]["security"] == either
    assert spec["paths"]["/admin/models"]["get"]["security"] == either
    assert spec["paths"]["/metrics"]["get"]["security"] == either
    assert "security" not in spec["paths"]["/healthz"]["get"]
    body = spec["paths"]["/v1/embeddings"]["post"]["requestBody"]["content"]
    assert body["application/json"]["schema"]["required"] == ["input", "model"]


def test_versions_load_switch_and_roll_back_without_restart(
        client: TestClient, two_versions: tuple[Path, Path]) -> None:
    def current() -> str:
        answer = client.post("/v1/models/topics/predict", json={"input": "cat"}, headers=auth())
        return answer.json()["version"]

    loaded = client.post("/admin/models/topics/versions",
                         json={"path": str(two_versions[1]), "version": "2"}, headers=auth(ADMIN))
    assert loaded.status_code == 200 and loaded.json()["current"] == "2"
    assert current() == "2"
    pinned = client.post("/v1/models/topics/predict", json={"input": "cat", "version": "1"},
                         headers=auth())
    assert pinned.json()["version"] == "1"
    assert client.post("/admin/models/topics/rollback", headers=auth(ADMIN)).json()[
        "current"] == "1"
    assert current() == "1"
    assert client.put("/admin/models/topics/current", json={"version": "2"},
                      headers=auth(ADMIN)).json()["current"] == "2"
    again = client.post("/admin/models/topics/versions",
                        json={"path": str(two_versions[1]), "version": "2"}, headers=auth(ADMIN))
    assert again.status_code == 422
    unknown = client.put("/admin/models/topics/current", json={"version": "9"},
                         headers=auth(ADMIN))
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "LAI-E808"
    listing = client.get("/admin/models", headers=auth(ADMIN)).json()
    assert listing[0]["current"] == "2" and len(listing[0]["versions"]) == 2


def test_admin_changes_reach_every_process_sharing_the_journal_and_replay_on_restart(
        two_versions: tuple[Path, Path], tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    config = ServeConfig(admin_keys=frozenset({ADMIN}), warm=False, admin_journal=str(journal),
                         models=(ModelSource("topics", "1", two_versions[0]),))

    def versions(client: TestClient) -> tuple[str, list[str]]:
        listing = client.get("/admin/models", headers=auth(ADMIN)).json()[0]
        return listing["current"], listing["history"]

    # Two apps on one journal stand for two worker processes (or Ray replicas).
    with TestClient(build_app(config)) as first, TestClient(build_app(config)) as second:
        loaded = first.post("/admin/models/topics/versions", headers=auth(ADMIN),
                            json={"path": str(two_versions[1]), "version": "2"})
        assert loaded.status_code == 200
        assert first.post("/admin/models/topics/rollback", headers=auth(ADMIN)).json()[
            "current"] == "1"
        # The second process made no change itself: it replays the journal. Its own
        # change first catches up, so a switch to version 2 (loaded elsewhere) works.
        switched = second.put("/admin/models/topics/current", json={"version": "2"},
                              headers=auth(ADMIN))
        assert switched.status_code == 200 and switched.json()["current"] == "2"
        refused = second.put("/admin/models/topics/current", json={"version": "9"},
                             headers=auth(ADMIN))
        assert refused.json()["error"]["code"] == "LAI-E808"
        deadline = time.monotonic() + 10
        while versions(first) != versions(second) and time.monotonic() < deadline:
            time.sleep(0.1)  # the first process polls the journal every second
        assert versions(first) == versions(second) == ("2", ["1"])
    assert [line["op"] for line in map(json.loads, journal.read_text().splitlines())] == [
        "load", "rollback", "switch"]  # the refused change was not recorded
    with TestClient(build_app(config)) as restarted:
        assert versions(restarted) == ("2", ["1"])


def test_metrics_count_requests_batches_and_errors(client: TestClient) -> None:
    client.post("/v1/models/topics/predict", json={"input": ["cat", "dog"]}, headers=auth())
    client.post("/v1/models/nope/predict", json={"input": "a"}, headers=auth())
    text = client.get("/metrics", headers=auth()).text
    assert ('lai_requests_total{model="topics@1",route="/v1/models/{name}/predict",'
            'status="200"} 1.0') in text
    assert 'lai_errors_total{code="LAI-E805",route="/v1/models/{name}/predict"} 1.0' in text
    assert 'lai_batch_items_sum{batcher="model:topics@1"} 2.0' in text
    assert 'lai_model_load_seconds{model="topics",version="1"}' in text


def test_metrics_report_drift_of_a_served_models_predictions(
        two_versions: tuple[Path, Path]) -> None:
    config = ServeConfig(api_keys=frozenset({KEY}), warm=False, max_texts=64,
                         models=(ModelSource("topics", "1", two_versions[0]),))
    with TestClient(build_app(config)) as client:
        for _ in range(4):  # 256 texts, all about one topic
            client.post("/v1/models/topics/predict", headers=auth(),
                        json={"input": ["the bank card password reset"] * 64})
        text = client.get("/metrics", headers=auth()).text
    drift = [line for line in text.splitlines() if line.startswith("lai_drift_psi{")]
    prediction = next(float(line.split()[-1]) for line in drift if "prediction" in line)
    assert prediction > 0.25  # one predicted label where training had several
    assert 'lai_drift_observed_texts{model="topics",version="1"} 256.0' in text
    assert "input_length" in "".join(drift)  # the manifest has the training lengths


def test_a_drifting_model_is_announced_to_the_drift_webhook(
        two_versions: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import hmac
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[tuple[bytes, str]] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((body, self.headers.get("X-Lepton-Signature", "")))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("DRIFT_SECRET", "k")
    config = ServeConfig(api_keys=frozenset({KEY}), warm=False, max_texts=64,
                         models=(ModelSource("topics", "1", two_versions[0]),),
                         drift_webhook=f"http://127.0.0.1:{server.server_address[1]}/",
                         drift_secret_env="DRIFT_SECRET", drift_check_s=0.05, drift_hold_s=0)
    with TestClient(build_app(config)) as client:
        for _ in range(4):
            client.post("/v1/models/topics/predict", headers=auth(),
                        json={"input": ["the bank card password reset"] * 64})
        deadline = time.monotonic() + 10
        while not received and time.monotonic() < deadline:
            time.sleep(0.05)
    server.shutdown()
    body, signature = received[0]
    notice = json.loads(body)
    assert (notice["model"], notice["signal"]) == ("topics", "prediction")
    assert notice["psi"] > 0.25
    assert signature == "sha256=" + hmac.new(b"k", body, hashlib.sha256).hexdigest()


def test_request_ids_are_echoed_and_bodies_are_never_logged(
        client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    secret = "my secret text"
    with caplog.at_level(logging.INFO, logger="lepton_ai.serve.access"):
        answer = client.post("/v1/models/topics/predict", json={"input": secret},
                             headers={**auth(), "X-Request-ID": "abc-123"})
    assert answer.headers["x-request-id"] == "abc-123"
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert '"request_id":"abc-123"' in logged and '"status":200' in logged
    assert secret not in logged and KEY not in logged
    fresh = {client.get("/healthz", headers={"X-Request-ID": bad}).headers["x-request-id"]
             for bad in ("", "x" * 65, "a b", "<script>")}
    assert len(fresh) == 4 and all(len(rid) == 32 and int(rid, 16) >= 0 for rid in fresh)


def test_model_source_parsing(two_versions: tuple[Path, Path], tmp_path: Path) -> None:
    folder = two_versions[0]
    assert ModelSource.parse(str(folder)) == ModelSource(folder.resolve().name, "1", folder)
    assert ModelSource.parse(f"intents@7={folder}") == ModelSource("intents", "7", folder)
    from lepton_ai.errors import LeptonError

    with pytest.raises(LeptonError, match="LAI-E812"):
        ModelSource.parse(str(tmp_path))


def test_client_classifies_with_a_served_model_named_as_lai_serve_names_its_folder(
        two_versions: tuple[Path, Path]) -> None:
    import lepton_ai as lai
    from lepton_ai.client import RemoteError
    from lepton_ai.errors import LeptonError

    folder = two_versions[0]
    config = ServeConfig(models=(ModelSource.parse(str(folder)),), warm=False)
    texts = ["cat on the mat", "bank card password"]
    with TestClient(build_app(config)) as test_client:
        remote = lai.Client("http://testserver")
        remote._http = test_client  # the app in-process instead of a socket
        # The one-line move: lai.classify(..., model=DIR) → remote.classify(..., model=DIR).
        got = remote.classify(texts, model=str(folder))
        expected = lai.classify(texts, model=folder)
        assert [g.label for g in got] == [e.label for e in expected]
        assert [g.score for g in got] == pytest.approx([e.score for e in expected], abs=1e-5)
        assert remote.classify(texts[0], model=folder.name).label == expected[0].label
        with pytest.raises(LeptonError, match="LAI-E707"):
            remote.classify(texts)
        # With labels, model= is the encoder to compare with, as locally: only
        # registered names reach the server, never paths.
        with pytest.raises(RemoteError, match="LAI-E810"):
            remote.classify(texts, labels=["a", "b"], model=str(folder))


def test_admin_is_off_without_its_own_key(two_versions: tuple[Path, Path]) -> None:
    from lepton_ai.errors import LeptonError

    config = ServeConfig(api_keys=frozenset({KEY}), warm=False,
                         models=(ModelSource("topics", "1", two_versions[0]),))
    with TestClient(build_app(config)) as client:
        answer = client.get("/admin/models", headers=auth(KEY))
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "LAI-E814"
        assert client.post("/v1/models/topics/predict", json={"input": "cat"},
                           headers=auth(KEY)).status_code == 200
    with pytest.raises(LeptonError, match="LAI-E815"):
        ServeConfig(api_keys=frozenset({KEY, "other"}), admin_keys=frozenset({KEY}))


def test_admin_loads_only_from_the_model_roots(client: TestClient, tmp_path: Path,
                                               two_versions: tuple[Path, Path]) -> None:
    import shutil

    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere"
    shutil.copytree(two_versions[1], outside / "model")
    link = tmp_path / "link-to-elsewhere"
    link.symlink_to(outside / "model")
    for path in (outside / "model", link, tmp_path / ".." / outside.name / "model", "/etc"):
        answer = client.post("/admin/models/topics/versions", headers=auth(ADMIN),
                             json={"path": str(path), "version": "x"})
        assert answer.status_code == 403, (path, answer.text)
        assert answer.json()["error"]["code"] == "LAI-E816"
    inside = client.post("/admin/models/topics/versions", headers=auth(ADMIN),
                         json={"path": str(two_versions[1]), "version": "3"})
    assert inside.status_code == 200, inside.text


def test_warming_prepares_the_shipped_task_models(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A first request to English sentiment, entities or relations must not wait for a
    merge and an export (it passed the 10 s deadline on a fresh machine)."""
    from lepton_ai.serve.state import ServerState
    from lepton_ai.tasks import embed, trained

    prepared: list[str] = []
    monkeypatch.setattr(embed, "embed", lambda *args, **kwargs: None)
    monkeypatch.setattr(trained, "prepare_encoder", lambda folder: prepared.append(folder.name))
    ServerState(ServeConfig()).warm_defaults()
    assert {"goemotions-fin-minilm", "en-ner-minilm", "semeval-minilm"} <= set(prepared)
