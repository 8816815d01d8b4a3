"""A served classifier compressed from the console's routes: ``lai compress`` as a job.

The model is a head on the real default encoder (120 rows); the job removes two layers
(`prune-layers`), measures teacher and student and leaves an ordinary model folder with
its report and the before/after table.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from .serve_process import running_server
from .test_train_resume import table


def test_a_served_classifier_is_compressed_as_a_job(tmp_path: Path) -> None:
    import lepton_ai as lai

    (tmp_path / "t.csv").write_bytes(table())
    model = lai.train(tmp_path / "t.csv", method="head", out=tmp_path / "tickets").folder
    with running_server(f"tickets@1={model}", "--data-dir", str(tmp_path / "data")) as base, \
            httpx.Client(base_url=base, timeout=60) as client:
        choices = client.get("/v1/train/compressions").json()
        assert set(choices) == {"prune-layers", "prune-heads", "distil", "static", "quantize"}
        wrong = client.post("/v1/train/compress", json={"model": "tickets", "method": "zip"})
        assert wrong.status_code == 422
        started = client.post("/v1/train/compress", json={"model": "tickets"}).json()
        assert started["settings"]["compress"] == "prune-layers"
        assert started["settings"]["model"] == "tickets@1"
        deadline = time.monotonic() + 600
        job = f"/v1/train/jobs/{started['id']}"
        while (found := client.get(job).json())["status"] == "running":
            assert time.monotonic() < deadline
            time.sleep(1)
        assert found["status"] == "succeeded", found.get("output")
        rows = {row["model"]: row for row in found["compression"]["table"]}
        assert "student" in rows and rows["student"]["parameters"] < rows["teacher"]["parameters"]
        assert found["report"]["accuracy"] >= 0.9
        assert Path(found["model_path"], "compress-report.png").is_file()
