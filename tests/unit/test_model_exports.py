"""Served versions exported as zipped bundles through /admin (``lai export`` in a child)."""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from lepton_ai.serve import ModelSource, ServeConfig, build_app
from lepton_ai.settings import settings
from lepton_ai.training.pipeline import train

from .test_train_tiny import write_topics

ADMIN = {"Authorization": "Bearer admin-key"}


@pytest.fixture
def client(tmp_path: Path, tiny_encoder_dir: Path, tmp_cache: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setattr(settings, "show_progress", False)
    model = train(write_topics(tmp_path / "a.csv"), base=tiny_encoder_dir,
                  out=tmp_path / "v1", method="head").folder
    config = ServeConfig(warm=False, admin_keys=frozenset({"admin-key"}),
                         data_dir=str(tmp_path / "data"),
                         models=(ModelSource("topics", "1", model),))
    with TestClient(build_app(config)) as test_client:
        yield test_client


def test_a_version_is_exported_once_and_downloaded(client: TestClient, tmp_path: Path) -> None:
    route = "/admin/models/topics/versions/1/export"
    assert client.post(route, json={}).status_code == 401  # the admin key
    made = client.post(route, json={"format": "onnx"}, headers=ADMIN)
    assert made.status_code == 200, made.text
    assert made.json()["file"] == "topics-1-onnx-fp32.zip"
    again = client.post(route, json={"format": "onnx"}, headers=ADMIN).json()
    assert again == made.json()  # made once, reused
    got = client.get(made.json()["download"], headers=ADMIN)
    assert got.status_code == 200 and got.headers["content-type"] == "application/zip"
    names = set(zipfile.ZipFile(io.BytesIO(got.content)).namelist())
    assert {"model.onnx", "tokenizer.json", "bundle.json", "predict.py", "README.md"} <= names
    assert not list((tmp_path / "data" / "exports").glob("*.partial*"))
    for file in ("nope.zip", "..%2F..%2Fv1%2Flepton.json"):
        missing = client.get(f"/admin/exports/{file}", headers=ADMIN)
        assert missing.status_code == 404


def test_a_failed_export_says_why(client: TestClient, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "v1")  # the loaded version's folder is gone from the disk
    failed = client.post("/admin/models/topics/versions/1/export", json={}, headers=ADMIN)
    assert failed.status_code == 422 and failed.json()["error"]["code"] == "LAI-E826"
    assert "LAI-E" in failed.json()["error"]["message"].split("failed:", 1)[1]
    unknown = client.post("/admin/models/topics/versions/9/export", json={}, headers=ADMIN)
    assert unknown.status_code == 404
