"""Every Python block of the README runs as written, so the docs stay true."""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block_runs(block, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    compiled = compile(block, str(README), "exec")
    # Running our own documentation, never user input.
    exec(compiled, namespace)
    assert capsys.readouterr().out.strip()  # each block prints what it shows


def test_readme_has_python_blocks():
    assert len(BLOCKS) >= 3
