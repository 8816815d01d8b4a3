"""A console training run cancelled after its first epoch resumes from its checkpoint.

Real ``lai train`` processes (LoRA on the default encoder) under a real ``lai serve``:
cancel interrupts the run as Ctrl-C does, so it saves a checkpoint; resume continues it
in the same folder with ``--resume`` and the run ends with its report.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from .serve_process import running_server

SUBJECTS = {"billing": ["my bill", "the invoice", "a charge", "the fee", "my statement"],
            "card": ["my card", "the PIN", "the card reader", "my debit card", "the chip"],
            "travel": ["my flight", "the hotel", "the train", "my booking", "the trip"]}
VERBS = ["is wrong", "does not work", "was cancelled", "needs help", "changed", "is late",
         "looks odd", "failed today"]


def table() -> bytes:
    rows = [f"{subject} {verb},{label}" for label, subjects in SUBJECTS.items()
            for subject in subjects for verb in VERBS]
    return ("text,label\n" + "\n".join(rows) + "\n").encode()


def wait_for(client: httpx.Client, job: str, done: object, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = client.get(f"/v1/train/jobs/{job}").json()
        if done(found):
            return found
        time.sleep(0.5)
    raise AssertionError(f"job {job} never got there: {found['status']}")


def test_a_cancelled_run_resumes_from_its_checkpoint(tmp_path: Path) -> None:
    with running_server("--data-dir", str(tmp_path / "data")) as base, \
            httpx.Client(base_url=base, timeout=60) as client:
        upload = client.put("/v1/train/uploads", params={"name": "t.csv"}, content=table())
        started = client.post("/v1/train/jobs", json={"upload": upload.json()["id"],
                                                      "method": "lora"}).json()
        job = started["id"]
        wait_for(client, job, lambda j: any(e["kind"] == "epoch" for e in j["events"]))
        cancelled = client.post(f"/v1/train/jobs/{job}/cancel").json()
        assert cancelled["status"] == "cancelled" and cancelled["resumable"] is True
        epochs_before = [e for e in client.get(f"/v1/train/jobs/{job}").json()["events"]
                         if e["kind"] == "epoch"]

        resumed = client.post(f"/v1/train/jobs/{job}/resume")
        assert resumed.status_code == 200, resumed.text
        assert resumed.json()["status"] == "running"
        again = client.post(f"/v1/train/jobs/{job}/resume")
        assert again.status_code == 409 and again.json()["error"]["code"] == "LAI-E820"
        finished = wait_for(client, job, lambda j: j["status"] != "running")
        assert finished["status"] == "succeeded", finished.get("output")
        assert finished["report"]["accuracy"] > 0.5 and finished["resumable"] is False
        epochs = [e["epoch"] for e in finished["events"] if e["kind"] == "epoch"]
        # The resumed run went on from the checkpoint: no epoch was trained twice.
        assert len(epochs) == len(set(epochs)) and len(epochs) > len(epochs_before)
        output = (tmp_path / "data" / "jobs" / job / "output.txt").read_text()
        assert "--resume" in output or "checkpoint" in output
        done = client.post(f"/v1/train/jobs/{job}/resume")
        assert done.status_code == 409 and done.json()["error"]["code"] == "LAI-E823"
