"""Redaction with the shipped taggers, and privacy mode: no planted ID, phone or card
number (nor name) reaches any file the server writes, nor its log."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import lepton_ai as lai
from lepton_ai.serve.app import build_app
from lepton_ai.serve.config import ServeConfig
from lepton_ai.settings import settings
from lepton_ai.solutions.assistant.conversation_log import ConversationLog

PLANTED = ("11010519491231002X", "13812345678", "6222021234567890128", "4111111111111111",
           "ann.lee@example.com", "王小明", "Ann Lee")
TABLE = ("text,label\n"
         "我是王小明，身份证11010519491231002X，卡号6222021234567890128,complaint\n"
         "Ann Lee here: card 4111111111111111 was charged twice,billing\n"
         "call me on 13812345678 or ann.lee@example.com,callback\n")


def test_names_numbers_and_addresses_in_both_languages() -> None:
    english, chinese = lai.redact([
        "Hi, I am John Smith, call +1-984-182-0190; SSN 494-33-0748.",
        "我叫王小明，手机13812345678，住在北京市朝阳区建国路88号。"])
    assert english.text == "Hi, I am [PERSON], call [PHONE_NUMBER]; SSN [US_SSN]."
    assert chinese.text == "我叫[PERSON]，手机[PHONE_NUMBER]，住在[STREET_ADDRESS]。"
    assert {e.source for e in english.entities} >= {"ner", "phone", "ssn"}
    # the taggers call 银行卡 ("bank card") a name; a name must start with a surname
    assert lai.redact("客户王小明的银行卡被重复扣费。").text == "客户[PERSON]的银行卡被重复扣费。"
    # English names inside Chinese text go to the English tagger; product names stay
    assert lai.redact("客户Ann Lee来电，用的是Microsoft Office。").text == \
        "客户[PERSON]来电，用的是Microsoft Office。"


def test_presidio_recognizers_add_other_national_identifiers() -> None:
    result = lai.redact("Her NHS number is 401 023 2137.", types=["UK_NHS"])
    assert result.text == "Her NHS number is [UK_NHS]."
    assert result.entities[0].source == "presidio"


@pytest.fixture
def privacy_mode() -> Iterator[None]:
    before = settings.privacy_mode
    settings.privacy_mode = True
    yield
    settings.privacy_mode = before


def test_privacy_mode_keeps_planted_data_out_of_every_file(
        tmp_path: Path, privacy_mode: None, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    config = ServeConfig(warm=False, data_dir=str(tmp_path / "data"))
    with TestClient(build_app(config)) as client:
        stored = client.put("/v1/train/uploads", params={"name": "tickets.csv"},
                            content=TABLE.encode())
        assert stored.status_code == 200, stored.text
        assert stored.json()["rows"] == 3
        checked = client.post(f"/v1/train/uploads/{stored.json()['id']}/check", json={})
        assert checked.json()["labels"] == {"billing": 1, "callback": 1, "complaint": 1}
        answered = client.post("/v1/redact", json={"input": [TABLE]})
        assert answered.status_code == 200
    log = ConversationLog(f"sqlite:///{tmp_path / 'data' / 'log.db'}")
    log.write_turn({"id": "t1", "kb": "kb", "session": "s", "message": TABLE.splitlines()[1],
                    "reply": "好的，王小明", "action": "answer", "confidence": 0.9,
                    "handoff": False})
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert len(written) >= 2
    for path in written:
        content = path.read_bytes()
        for value in PLANTED:
            assert value.encode() not in content, f"{value} reached {path.name}"
    for value in PLANTED:
        assert value not in caplog.text
