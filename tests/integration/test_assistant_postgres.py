"""The conversation log on a real PostgreSQL server (Debian's package; `make test`
installs it): migrations, masking, and no lost turns while the server is down."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from lepton_ai.errors import LeptonWarning
from lepton_ai.solutions.assistant.conversation_log import VERSION_TABLE, ConversationLog


def _postgres_bin() -> Path:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not versions:
        pytest.fail("PostgreSQL is not installed: make test installs Debian's postgresql")
    return versions[-1].parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PostgresServer:
    """A throw-away cluster in a temporary folder, run as the postgres user when root."""

    def __init__(self, folder: Path) -> None:
        self.bin = _postgres_bin()
        self.data = folder / "data"
        self.port = _free_port()
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            record = pwd.getpwnam("postgres")
            os.chown(folder, record.pw_uid, record.pw_gid)
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", self.user,
                  "--no-sync", "-E", "UTF8")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.data / "log"), "-o",
                  f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -F", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-w", "-m", "fast", "stop")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres"


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    # Not under pytest's tmp_path: its parents are private to root, and the server
    # runs as the postgres user.
    folder = Path(tempfile.mkdtemp(prefix="lai-pg-"))
    try:
        server = PostgresServer(folder)
        server.start()
        yield server
        server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


ROW = {"kb": "bank", "reply": "ok", "action": "answer", "confidence": 0.9, "handoff": False}


def test_migrations_create_the_tables_and_masked_turns_are_stored(
        postgres: PostgresServer) -> None:
    log = ConversationLog(postgres.url)
    log.write_turn({**ROW, "id": "t1", "session": "s1",
                    "message": "我的手机13812345678, mail ann@example.com"})
    names = set(inspect(create_engine(postgres.url)).get_table_names())
    assert {"assistant_turns", "assistant_feedback", VERSION_TABLE} <= names
    assert next(log.turns("bank"))["message"] == "我的手机[PHONE], mail [EMAIL]"
    with create_engine(postgres.url).connect() as connection:
        version = connection.execute(text(f"select version_num from {VERSION_TABLE}")).scalar()
        stored = connection.execute(text("select message from assistant_turns")).scalars().all()
    assert version == "0001" and not any("13812345678" in m for m in stored)
    log.close()


def test_turns_written_while_the_server_is_down_reach_it_when_it_is_back(
        postgres: PostgresServer) -> None:
    log = ConversationLog(postgres.url)
    log.write_turn({**ROW, "id": "before", "session": "s2", "message": "first"})
    postgres.stop()
    try:
        with pytest.warns(LeptonWarning, match="LAI-W1004"):
            log.write_turn({**ROW, "id": "during", "session": "s2", "message": "second"})
        assert log.pending == 1
    finally:
        postgres.start()
    log.write_turn({**ROW, "id": "after", "session": "s2", "message": "third"})
    assert log.pending == 0
    ids = [turn["id"] for turn in log.turns("bank") if turn["session"] == "s2"]
    assert ids == ["before", "during", "after"]
    log.close()
