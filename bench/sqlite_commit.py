"""One committed row: SQLite's default rollback journal against the WAL mode solution
stores open with (``lepton_ai.solutions.database.open_engine``).

    .venv/bin/python bench/sqlite_commit.py [--rows 300]

Each row is one transaction, as an assistant turn writes its log row; the table is
created first. Appends a JSON line to bench/results/sqlite_commit.jsonl.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine

from _common import code_version, record
from lepton_ai.solutions.database import open_engine

METADATA = MetaData()
ROWS = Table("rows", METADATA, Column("id", Integer, primary_key=True), Column("text", String))


def ms_per_commit(engine: Engine, rows: int) -> float:
    METADATA.create_all(engine)
    started = time.perf_counter()
    for _ in range(rows):
        with engine.begin() as connection:
            connection.execute(ROWS.insert().values(text="hello " * 20))
    return (time.perf_counter() - started) / rows * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        default = ms_per_commit(create_engine(f"sqlite:///{folder}/default.db"), args.rows)
        wal = ms_per_commit(open_engine(f"sqlite:///{folder}/wal.db"), args.rows)
    record("sqlite_commit", {"rows": args.rows, "rollback_journal_ms": round(default, 3),
                             "wal_normal_ms": round(wal, 3), "code": code_version()})


if __name__ == "__main__":
    main()
