"""The package's shape: module names that say one thing, private names kept private."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import lepton_ai

PACKAGE = Path(lepton_ai.__file__).resolve().parent


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_no_module_name_is_used_twice_with_another_meaning() -> None:
    places: dict[str, list[str]] = defaultdict(list)
    for path in modules():
        # Alembic names each migrations folder's entry point env.py.
        if path.name != "__init__.py" and "migrations" not in path.parts:
            places[path.stem].append(str(path.relative_to(PACKAGE)))
    repeated = {name: where for name, where in places.items() if len(where) > 1}
    assert not repeated, f"module names repeated across packages: {repeated}"


def test_no_private_name_is_imported_from_another_module() -> None:
    found = []
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("lepton_ai"):
                private = [a.name for a in node.names
                           if a.name.startswith("_") and not a.name.startswith("__")]
                if private and node.module != "lepton_ai._version":
                    found.append(f"{path.relative_to(PACKAGE)}: {node.module} {private}")
    assert not found, "private names imported across modules:\n" + "\n".join(found)
