"""The admin journal: numbering, half-written lines, replay of changes that fail here."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from lepton_ai.serve.admin_journal import AdminChanges, FileJournal, MemoryJournal
from lepton_ai.serve.models import ModelTable


def test_a_file_journal_numbers_entries_and_skips_a_line_still_being_written(
        tmp_path: Path) -> None:
    journal = FileJournal(tmp_path / "journal.jsonl")
    with journal.locked():
        journal.append({"op": "rollback", "name": "a"}, 1)
        journal.append({"op": "rollback", "name": "b"}, 2)
    with journal.path.open("a") as handle:
        handle.write('{"op": "rollback", "na')  # another process mid-write
    assert [e["name"] for e in journal.entries_after(0)] == ["a", "b"]
    assert [e["n"] for e in FileJournal(journal.path).entries_after(1)] == [2]


def test_a_change_that_fails_on_replay_is_logged_by_code_and_passed_over(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    journal = MemoryJournal()
    journal.append({"op": "load", "name": "intents", "version": "2",
                    "path": str(tmp_path / "only-on-another-machine"), "make_current": True}, 1)
    changes = AdminChanges(journal, ModelTable())
    with caplog.at_level(logging.WARNING, logger="lepton_ai.serve"):
        assert changes.catch_up() == 1
    assert "LAI-E812" in caplog.text and "only-on-another-machine" not in caplog.text
    assert changes.catch_up() == 0  # not retried on every poll
    assert changes.models.names() == []
