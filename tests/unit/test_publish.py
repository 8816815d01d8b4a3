"""Model directories are written beside their place and put there only when finished."""

from __future__ import annotations

from pathlib import Path

import pytest

from lepton_ai.artifacts import staging as publish
from lepton_ai.artifacts.staging import staged, staging_folder


def _contents(folder: Path) -> dict[str, str]:
    return {str(f.relative_to(folder)): f.read_text() for f in folder.rglob("*") if f.is_file()}


@pytest.fixture(params=["exchange", "two renames"])
def swap(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "two renames":  # systems without renameat2 (macOS, musl)
        monkeypatch.setattr(publish, "_exchange", lambda first, second: False)
    return str(request.param)


def test_a_finished_folder_replaces_the_old_one_whole(tmp_path: Path, swap: str) -> None:
    out = tmp_path / "models" / "intents"
    (out / "encoder").mkdir(parents=True)
    (out / "encoder" / "weights").write_text("old encoder")
    (out / "lepton.json").write_text("old")
    with staged(out) as staging:
        assert staging == tmp_path / "models" / ".intents.partial"
        assert _contents(out) == {"encoder/weights": "old encoder", "lepton.json": "old"}
        (staging / "lepton.json").write_text("new")
    assert _contents(out) == {"lepton.json": "new"}  # nothing of the old model lingers
    assert sorted(p.name for p in out.parent.iterdir()) == ["intents"]


def test_a_block_that_fails_changes_nothing_and_keeps_its_work_for_resume(
        tmp_path: Path, swap: str) -> None:
    out = tmp_path / "intents"
    out.mkdir()
    (out / "lepton.json").write_text("old")
    with pytest.raises(RuntimeError), staged(out) as staging:
        (staging / "checkpoints").mkdir()
        (staging / "checkpoints" / "last.json").write_text("step 40")
        raise RuntimeError("killed")
    assert _contents(out) == {"lepton.json": "old"}
    with staged(out, resume=True) as staging:  # --resume finds the checkpoint
        assert (staging / "checkpoints" / "last.json").read_text() == "step 40"
        (staging / "checkpoints" / "last.json").unlink()  # as a finished run does
        (staging / "checkpoints").rmdir()
        (staging / "lepton.json").write_text("new")
    assert _contents(out) == {"lepton.json": "new"}
    (staging_folder(out) / "stale").mkdir(parents=True)
    with staged(out) as staging:  # without --resume a new run starts clean
        assert not any(staging.iterdir())
        (staging / "lepton.json").write_text("newer")
    assert _contents(out) == {"lepton.json": "newer"}


def test_an_error_before_any_checkpoint_leaves_no_trace(tmp_path: Path, swap: str) -> None:
    out = tmp_path / "intents"
    with pytest.raises(ValueError), staged(out) as staging:
        (staging / "lepton.json").write_text("half")
        raise ValueError("LAI-E505 one label")  # a data check, before training
    assert list(tmp_path.iterdir()) == []


def test_new_and_empty_destinations(tmp_path: Path, swap: str) -> None:
    for out in (tmp_path / "new" / "m", tmp_path / "empty"):
        if out.name == "empty":
            out.mkdir()
        with staged(out) as staging:
            (staging / "lepton.json").write_text(out.name)
        assert _contents(out) == {"lepton.json": out.name}
