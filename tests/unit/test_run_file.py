"""The task runner over files and stdin: JSONL, CSV and Parquet outputs, row numbers."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.tasks import run_file
from lepton_ai.tasks.run_file import run_over_file


@dataclass(frozen=True)
class Length:
    label: str
    size: int
    words: list[str]


def task(texts: list[str]) -> list[Length]:
    return [Length("long" if len(t) > 5 else "short", len(t), t.split()) for t in texts]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "in.csv"
    path.write_text("id,text\n1,hi there\n2,yo\n", encoding="utf-8")
    return path


def test_jsonl_records_carry_the_row_and_the_whole_result(source, tmp_path):
    out = tmp_path / "out.jsonl"
    assert run_over_file(source, out, task, column="text", show_progress=False)[0] == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {"row": 0, "result": {"label": "long", "size": 8,
                                             "words": ["hi", "there"]}}


def test_csv_and_parquet_flatten_fields_and_keep_lists_as_json(source, tmp_path):
    run_over_file(source, tmp_path / "out.csv", task, column="text", show_progress=False)
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[1] == {"row": "1", "label": "short", "size": "2", "words": '["yo"]'}
    run_over_file(source, tmp_path / "out.parquet", task, column="text", show_progress=False)
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert table[0] == {"row": 0, "label": "long", "size": 8, "words": '["hi", "there"]'}


def test_stdin_takes_json_lines_or_plain_lines_and_numbers_rows_by_line(monkeypatch, tmp_path):
    stream = io.StringIO('{"text": "hi there", "id": 1}\n\nplain words here\n')
    monkeypatch.setattr(run_file.sys, "stdin", stream)
    out = tmp_path / "out.jsonl"
    assert run_over_file("-", out, task, show_progress=False)[0] == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(line["row"], line["result"]["size"]) for line in lines] == [(0, 8), (2, 16)]


def test_stdin_is_decoded_as_utf8_here_with_a_coded_error_for_other_bytes(monkeypatch, tmp_path):
    def stdin(data: bytes) -> io.TextIOWrapper:
        # As Python sets stdin up under a UTF-8 locale: undecodable bytes would
        # become surrogates without an error.
        return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="surrogateescape")

    monkeypatch.setattr(run_file.sys, "stdin", stdin("\ufeffhi there\n".encode()))
    out = tmp_path / "out.jsonl"
    assert run_over_file("-", out, task, show_progress=False)[0] == 1
    assert json.loads(out.read_text(encoding="utf-8"))["result"]["size"] == 8  # BOM dropped
    monkeypatch.setattr(run_file.sys, "stdin", stdin("ok\n酒店很好\n".encode("gb18030")))
    with pytest.raises(LeptonError, match=r"LAI-E310\] Line 2 of stdin .*GBK/GB18030"):
        run_over_file("-", out, task, show_progress=False)


def test_stdin_json_without_the_column_names_the_fields_found(monkeypatch, tmp_path):
    monkeypatch.setattr(run_file.sys, "stdin", io.StringIO('{"body": "x"}\n'))
    with pytest.raises(LeptonError, match=r"LAI-E303.*body"):
        run_over_file("-", tmp_path / "o.jsonl", task, show_progress=False)


def test_dash_out_prints_json_lines_on_stdout_and_leaves_it_open(source, monkeypatch, tmp_path):
    stream = io.StringIO()
    monkeypatch.setattr(run_file.sys, "stdout", stream)
    monkeypatch.chdir(tmp_path)
    assert run_over_file(source, "-", task, column="text", show_progress=False)[0] == 2
    assert not stream.closed and not (tmp_path / "-").exists()
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [(line["row"], line["result"]["label"]) for line in lines] == [(0, "long"),
                                                                          (1, "short")]


def test_unknown_output_type_lists_the_choices(source, tmp_path):
    with pytest.raises(LeptonError, match=r"LAI-E306.*\.csv.*\.parquet.*- \(JSON lines"):
        run_over_file(source, tmp_path / "out.xlsx", task, column="text")
