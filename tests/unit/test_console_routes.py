"""The web console's files: served without a key, a fixed list, small, no CDN."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from lepton_ai.serve.app import build_app
from lepton_ai.serve.config import ServeConfig
from lepton_ai.serve.console_routes import CONSOLE, FILES


@pytest.fixture
def client() -> Iterator[TestClient]:
    config = ServeConfig(warm=False, api_keys=frozenset({"secret"}))
    with TestClient(build_app(config)) as test_client:
        yield test_client


def test_the_page_and_its_files_need_no_key_but_the_api_does(client: TestClient) -> None:
    page = client.get("/ui")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for name, media in FILES.items():
        answer = client.get(f"/ui/{name}")
        assert answer.status_code == 200 and answer.headers["content-type"] == media
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui"
    refused = client.post("/v1/sentiment", json={"input": "fine"})
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "LAI-E804"


@pytest.mark.parametrize("path", ["/ui/../app.py", "/ui/%2e%2e%2fapp.py", "/ui/secrets.txt",
                                  "/ui/console_routes.py"])
def test_nothing_but_the_listed_files_comes_back(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 404 and "error" in answer.json()


def test_everything_the_page_loads_is_packaged_and_small() -> None:
    html = (CONSOLE / "index.html").read_text(encoding="utf-8")
    script = (CONSOLE / "console.js").read_text(encoding="utf-8")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(url.startswith(("/ui/", "data:", "#")) for url in loaded), loaded
    # No CDN, works offline: the only URL is the SVG namespace name (never fetched).
    urls = set(re.findall(r"https?://[^\s\"'`]+", script))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    assert sum((CONSOLE / name).stat().st_size for name in FILES) < 1_000_000


def test_models_say_what_they_are_for(client: TestClient) -> None:
    models = client.get("/v1/models", headers={"Authorization": "Bearer secret"}).json()["data"]
    kinds = {model["owned_by"] for model in models}
    assert "lepton-ai:embeddings" in kinds and "lepton-ai:chat" in kinds


def test_the_monitors_a_server_runs_are_listed(client: TestClient) -> None:
    answer = client.get("/v1/monitor", headers={"Authorization": "Bearer secret"})
    assert answer.status_code == 200 and answer.json() == {"data": []}
    monitors = client.app.state.lai.monitors
    monitors["news"] = object()  # listed by name only
    try:
        assert client.get("/v1/monitor", headers={"Authorization": "Bearer secret"}).json() == {
            "data": ["news"]}
        assert client.get("/v1/monitor").status_code == 401
    finally:
        del monitors["news"]  # nothing to close at shutdown


def test_the_registry_lists_every_shipped_model_with_its_licence(client: TestClient) -> None:
    from lepton_ai.models.registry import SHIPPED

    rows = client.get("/v1/registry", headers={"Authorization": "Bearer secret"}).json()["data"]
    assert [row["name"] for row in rows] == [spec.name for spec in SHIPPED]
    assert all(row["license"] for row in rows)
    assert client.get("/v1/registry").status_code == 401


def test_the_consoles_training_runs_may_be_loaded_as_versions(tmp_path) -> None:
    config = ServeConfig(warm=False, data_dir=str(tmp_path / "data"),
                         model_roots=(str(tmp_path / "models"),))
    run = tmp_path / "data" / "jobs" / "j-1" / "model"
    assert config.check_model_path(str(run)) == run.resolve()
    with pytest.raises(Exception, match="LAI-E816"):
        config.check_model_path(str(tmp_path / "data" / "uploads"))
