import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from lepton_ai.data.tables import (
    columns_of,
    count_rows,
    iter_rows,
    read_rows,
    text_column,
    texts_of,
)
from lepton_ai.errors import LeptonError

ROWS = [{"id": "1", "text": "hello, world"}, {"id": "2", "text": "机器学习"}]


@pytest.fixture(params=["csv", "tsv", "jsonl", "json", "parquet"])
def table_file(request, tmp_path):
    path = tmp_path / f"data.{request.param}"
    if request.param in ("csv", "tsv"):
        sep = "," if request.param == "csv" else "\t"
        lines = [f"id{sep}text"] + [f'{r["id"]}{sep}"{r["text"]}"' for r in ROWS]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif request.param == "jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), "utf-8")
    elif request.param == "json":
        path.write_text(json.dumps(ROWS, ensure_ascii=False), encoding="utf-8")
    else:
        pq.write_table(pa.Table.from_pylist(ROWS), path)
    return path


def test_every_format_reads_the_same_rows(table_file):
    assert read_rows(table_file) == ROWS
    assert count_rows(table_file) == 2
    assert text_column(table_file, "text") == "text"


def test_rows_stream_in_batches(tmp_path):
    path = tmp_path / "many.txt"
    path.write_text("".join(f"line {i}\n" for i in range(10)), encoding="utf-8")
    assert [len(b) for b in iter_rows(path, batch_size=4)] == [4, 4, 2]
    assert text_column(path, None) == "text"


def test_missing_column_lists_columns_and_suggests(table_file):
    with pytest.raises(LeptonError, match="LAI-E303") as info:
        text_column(table_file, "txt")
    assert "id, text" in str(info.value) and "Did you mean 'text'" in str(info.value)


def test_several_columns_need_a_choice(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(LeptonError, match="LAI-E304"):
        text_column(path, None)


def test_empty_text_names_the_row():
    with pytest.raises(LeptonError, match=r"LAI-E305.*Row 12 "):
        texts_of([{"text": "ok"}, {"text": "  "}], "text", "f.csv", first_row=10)


@pytest.mark.parametrize(("name", "code"), [("nope.csv", "LAI-E301"), ("data.xlsx", "LAI-E302")])
def test_bad_paths_are_coded(tmp_path, name, code):
    (tmp_path / "data.xlsx").write_text("x")
    with pytest.raises(LeptonError, match=code):
        read_rows(tmp_path / name)


def test_tsv_quote_marks_are_text_not_quoting(tmp_path):
    from lepton_ai.data.tables import read_rows

    path = tmp_path / "reviews.tsv"
    path.write_text('label\ttext\n1\t"Great" hotel, said everyone\n0\tnoisy "room\n'
                    '1\t"pandas ""quoted"" it"\n', encoding="utf-8")
    rows = read_rows(path)
    assert [r["text"] for r in rows] == ['"Great" hotel, said everyone', 'noisy "room',
                                         'pandas "quoted" it']


def test_files_not_in_utf8_name_their_likely_encoding(tmp_path):
    chinese = tmp_path / "excel.csv"
    chinese.write_bytes("text,label\n这个酒店很好,正面\n".encode("gbk"))
    with pytest.raises(LeptonError, match=r"LAI-E307.*GBK/GB18030.*CSV UTF-8.*iconv -f GB18030 .* > .*excel-utf8.csv"):
        read_rows(chinese)
    with pytest.raises(LeptonError, match="LAI-E307"):
        columns_of(chinese)  # the header alone is read as UTF-8 too
    western = tmp_path / "latin.csv"
    western.write_bytes("text\ncafé au lait\n".encode("cp1252"))
    with pytest.raises(LeptonError, match=r"LAI-E307.*byte 0xe9.*iconv -f CP1252"):
        read_rows(western)


def test_a_broken_json_line_is_named(tmp_path):
    path = tmp_path / "rows.jsonl"
    path.write_text('{"text": "a"}\n\n{"text": b}\n', encoding="utf-8")
    with pytest.raises(LeptonError, match=r"LAI-E308.*Line 3 of"):
        read_rows(path)


def test_header_only_and_empty_files(tmp_path):
    header = tmp_path / "header.csv"
    header.write_text("text,label\n", encoding="utf-8")
    assert columns_of(header) == ["text", "label"] and read_rows(header) == []
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(LeptonError, match="LAI-E309"):
        text_column(empty, None)
