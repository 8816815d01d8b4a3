"""Damaged model folders: every file of every shipped model type, truncated or removed in
turn, gives a coded error naming the file (or loads, for files that carry no weights)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.models.registry import LEPTON_MODEL, SHIPPED

#: One shipped folder per kind of saved model: head, adapter + head, adapter tagger, CRF.
FOLDERS = {spec.name: spec.local_path for spec in SHIPPED
           if spec.kind == LEPTON_MODEL and spec.name in (
               "goemotions-minilm", "semeval-minilm", "en-ner-minilm", "zh-ner-charcrf")}
#: Files a model does not need to predict (its card).
OPTIONAL = {"README.md"}


def cases() -> list[tuple[str, str, str]]:
    found = []
    for name, folder in sorted(FOLDERS.items()):
        assert folder is not None
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            relative = str(file.relative_to(folder))
            found += [(name, relative, "truncated"), (name, relative, "removed")]
    return found


@pytest.mark.parametrize(("name", "relative", "damage"), cases())
def test_a_damaged_file_is_named_with_a_code(name: str, relative: str, damage: str,
                                            tmp_path: Path) -> None:
    source = FOLDERS[name]
    assert source is not None
    folder = tmp_path / name
    shutil.copytree(source, folder)
    target = folder / relative
    if damage == "truncated":
        data = target.read_bytes()
        target.write_bytes(data[: len(data) // 2])
    else:
        target.unlink()
    try:
        lai.load(folder).predict(["招商银行在杭州 Apple fell in Paris."])
    except LeptonError as error:
        assert relative.split("/")[0] in str(error) or name in str(error), str(error)
        return
    assert relative in OPTIONAL, f"{damage} {relative} went unnoticed"
