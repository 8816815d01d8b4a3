"""``lai serve --ray`` as a real process on a small local Ray: the same app, answers and
errors as the plain server, and no Ray processes left after it stops."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.serve.ray_serve import RayServeOptions

from .serve_process import answered_on_scrape, running_server

pytest.importorskip("ray.serve")

KEY = "test-key-for-ray"


def ray_processes() -> int:
    found = subprocess.run(["pgrep", "-f", "raylet|gcs_server"], capture_output=True,
                           text=True, check=False)
    return len(found.stdout.split())


def test_replicas_answer_like_the_plain_server_and_stop_cleanly() -> None:
    texts = ["The bank approved my loan quickly.", "The hotel room was dirty and loud."]
    before = ray_processes()
    with running_server("--ray", "--max-replicas", "1", "--api-key", KEY,
                        ready_timeout=300) as base:
        from openai import OpenAI

        client = OpenAI(base_url=f"{base}/v1", api_key=KEY)
        answer = client.embeddings.create(model="all-MiniLM-L6-v2", input=texts)
        served = np.asarray([item.embedding for item in answer.data], dtype=np.float32)
        np.testing.assert_allclose(served, lai.embed(texts, model="all-MiniLM-L6-v2"),
                                   atol=1e-4)
        headers = {"Authorization": f"Bearer {KEY}"}
        sentiment = httpx.post(f"{base}/v1/sentiment", headers=headers, timeout=60,
                               json={"input": "I hate this, it broke on day one."})
        assert sentiment.json()["data"]["label"] == "negative"
        assert httpx.post(f"{base}/v1/sentiment", json={"input": "x"}).status_code == 401
        bad = httpx.post(f"{base}/v1/embeddings", headers=headers, json={"input": []})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "LAI-E810"
    assert ray_processes() <= before


def test_admin_changes_and_metrics_reach_every_replica() -> None:
    trained = Path(lai.__file__).parent / "defaults" / "sentiment" / "goemotions-minilm"
    with running_server("--ray", "--min-replicas", "2", "--max-replicas", "2",
                        "--admin-key", "a", f"sst@1={trained}", ready_timeout=300) as base:
        admin = {"Authorization": "Bearer a"}
        loaded = httpx.post(f"{base}/admin/models/sst/versions", timeout=60, headers=admin,
                            json={"path": str(trained), "version": "2"})
        assert loaded.status_code == 200
        time.sleep(2.5)  # the other replica replays the journal within a second
        currents = {httpx.get(f"{base}/admin/models", timeout=30,
                              headers=admin).json()[0]["current"] for _ in range(16)}
        assert currents == {"2"}
        # Each scrape, whichever replica answers it, counts the requests of both.
        assert [answered_on_scrape(base, "/admin/models", admin)
                for _ in range(8)] == [16] * 8


def test_replica_bounds_are_checked_before_ray_starts() -> None:
    with pytest.raises(LeptonError, match="LAI-E813"):
        RayServeOptions(min_replicas=3, max_replicas=2)
    with pytest.raises(LeptonError, match="LAI-E813"):
        RayServeOptions(cpus_per_replica=0)
    from typer.testing import CliRunner

    from lepton_ai.cli.main import app

    result = CliRunner().invoke(app, ["serve", "--ray", "--workers", "2"])
    assert result.exit_code != 0 and "LAI-E813" in result.output
