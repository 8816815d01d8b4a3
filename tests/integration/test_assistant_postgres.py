"""The conversation log on a real PostgreSQL server (Debian's package; `make test`
installs it): migrations, masking, and no lost turns while the server is down."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, text

from lepton_ai.errors import LeptonWarning
from lepton_ai.solutions.assistant.conversation_log import VERSION_TABLE, ConversationLog

from .postgres import PostgresServer

ROW = {"kb": "bank", "reply": "ok", "action": "answer", "confidence": 0.9, "handoff": False}


def test_migrations_create_the_tables_and_masked_turns_are_stored(
        postgres: PostgresServer) -> None:
    log = ConversationLog(postgres.url)
    log.write_turn({**ROW, "id": "t1", "session": "s1",
                    "message": "我的手机13812345678, mail ann@example.com"})
    names = set(inspect(create_engine(postgres.url)).get_table_names())
    assert {"assistant_turns", "assistant_feedback", VERSION_TABLE} <= names
    assert next(log.turns("bank"))["message"] == "我的手机[PHONE_NUMBER], mail [EMAIL_ADDRESS]"
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
