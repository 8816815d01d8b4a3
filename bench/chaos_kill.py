"""Chaos: `kill -9` of `lai serve` under load, then a restart (issues 25 and 21).

    .venv/bin/python bench/chaos_kill.py [--rounds 3] [--seed 0]

One server holds what a crash could corrupt: a served model whose versions are
changed through /admin (the admin journal), and a monitor writing to its SQLite
database. Under load — batches of documents to `POST /v1/monitor/NAME/documents`,
predictions, and an admin load + switch of a second model version — the server's
whole process group is killed with SIGKILL at a random moment (seeded; 1-8 s after
its first batch was answered), then started again with the same arguments. Checked
after each restart:

- the database passes `PRAGMA integrity_check`, and every document whose batch was
  answered 200 before the kill is stored (at-least-once); sending those batches
  again stores nothing twice;
- every line of the admin journal parses, and the restarted server serves the
  version the journal says is current;
- the model folders are byte for byte what they were (SHA-256 of every file).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import sqlite3
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from _common import code_version, record
from defaults_memory import free_port, start_server

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "src/lepton_ai/defaults/sentiment"
ADMIN = "chaos-admin-key"
TEXTS = ["$ACME shares fell after the profit warning", "$ACME beats estimates again",
         "Central bank keeps rates unchanged", "$BETA recalls 10,000 cars over brakes"]


def folder_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Load:
    """Documents, predictions and one admin change against a server until it dies."""

    def __init__(self, port: int, round_number: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.round = round_number
        self.acknowledged: list[list[dict]] = []
        self.predictions = 0
        self.admin_done = False
        self.stop = threading.Event()

    def documents(self) -> None:
        batch_number = 0
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                start = datetime(2026, 11, 2, tzinfo=UTC) + timedelta(minutes=batch_number)
                batch = [{"id": f"r{self.round}-b{batch_number}-{i}",
                          "time": (start + timedelta(seconds=i)).isoformat(),
                          "text": f"{TEXTS[i % len(TEXTS)]} ({self.round}.{batch_number}.{i})"}
                         for i in range(20)]
                try:
                    answer = client.post(f"{self.base}/v1/monitor/chaos/documents",
                                         json={"documents": batch})
                except httpx.HTTPError:
                    return
                if answer.status_code == 200:
                    self.acknowledged.append(batch)
                batch_number += 1

    def predict(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stop.is_set():
                try:
                    client.post(f"{self.base}/v1/models/sentiment/predict",
                                json={"input": TEXTS})
                except httpx.HTTPError:
                    return
                self.predictions += 1

    def admin(self) -> None:
        headers = {"Authorization": f"Bearer {ADMIN}"}
        version = f"r{self.round}"
        try:
            loaded = httpx.post(f"{self.base}/admin/models/sentiment/versions", headers=headers,
                                json={"path": str(MODELS / "goemotions-minilm"),
                                      "version": version, "make_current": True}, timeout=60)
            self.admin_done = loaded.status_code == 200
        except httpx.HTTPError:
            pass


def one_round(round_number: int, folder: Path, rng: random.Random) -> dict:
    port = free_port()
    config = folder / "chaos.yaml"
    journal = folder / "admin-journal.jsonl"
    arguments = [f"sentiment@1={MODELS / 'goemotions-fin-minilm'}", "--port", str(port),
                 "--monitor", str(config), "--admin-key", ADMIN, "--admin-journal",
                 str(journal), "--model-root", str(MODELS)]
    server = start_server(arguments, port)
    load = Load(port, round_number)
    threads = [threading.Thread(target=load.documents), threading.Thread(target=load.predict),
               threading.Thread(target=load.admin)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 120  # the monitor's models load on its first batch
    while not load.acknowledged and time.monotonic() < deadline:
        time.sleep(0.1)
    kill_after = rng.uniform(1.0, 8.0)
    time.sleep(kill_after)
    os.killpg(server.pid, signal.SIGKILL)
    server.wait()
    load.stop.set()
    for thread in threads:
        thread.join(30)

    restarted = start_server(arguments, port)
    try:
        with sqlite3.connect(folder / "chaos.db") as database:
            integrity = database.execute("PRAGMA integrity_check").fetchone()[0]
            stored = {row[0] for row in database.execute(
                "select id from monitor_documents where id like ?", (f"r{round_number}-%",))}
        acknowledged = {d["id"] for batch in load.acknowledged for d in batch}
        missing = acknowledged - stored
        before = len(stored)
        for batch in load.acknowledged[-3:]:  # the client retries what it sent last
            httpx.post(f"http://127.0.0.1:{port}/v1/monitor/chaos/documents",
                       json={"documents": batch}, timeout=30)
        with sqlite3.connect(folder / "chaos.db") as database:
            after = database.execute("select count(*) from monitor_documents where id like ?",
                                     (f"r{round_number}-%",)).fetchone()[0]
        lines = journal.read_text(encoding="utf-8").splitlines() if journal.exists() else []
        broken_lines = 0
        for line in lines:
            try:
                json.loads(line)
            except json.JSONDecodeError:
                broken_lines += 1
        models = httpx.get(f"http://127.0.0.1:{port}/admin/models",
                           headers={"Authorization": f"Bearer {ADMIN}"}, timeout=10).json()
        current = next(m["current"] for m in models if m["name"] == "sentiment")
    finally:
        os.killpg(restarted.pid, signal.SIGTERM)
        restarted.wait(30)
    return {"round": round_number, "killed_after_s": round(kill_after, 2),
            "batches_acknowledged": len(load.acknowledged),
            "documents_acknowledged": len(acknowledged), "documents_missing": len(missing),
            "stored_not_acknowledged": len(stored - acknowledged),
            "integrity": integrity, "duplicates_after_resend": after - before,
            "predictions": load.predictions, "admin_change_answered": load.admin_done,
            "journal_lines": len(lines), "journal_broken_lines": broken_lines,
            "current_after_restart": current}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    digests = {p.name: folder_digest(p) for p in MODELS.iterdir() if p.is_dir()}
    rounds = []
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "chaos.yaml").write_text(
            f"name: chaos\ndatabase: sqlite:///{folder / 'chaos.db'}\ncashtags: true\n"
            "analysis: {tasks: [sentiment]}\nchannels: [{kind: log}]\n"
            "rules: [{name: surge}]\n", encoding="utf-8")
        for round_number in range(args.rounds):
            rounds.append(one_round(round_number, folder, rng))
            print(json.dumps(rounds[-1]), flush=True)
    unchanged = all(folder_digest(MODELS / name) == digest for name, digest in digests.items())
    record("chaos_kill", {"code": code_version(), "rounds": rounds,
                          "model_folders_unchanged": unchanged})


if __name__ == "__main__":
    main()
