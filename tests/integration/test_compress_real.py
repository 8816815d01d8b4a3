"""``lai compress`` on the real MiniLM: a 3-layer student of a BANKING77 classifier that
keeps its teacher's answers, is measured against it, loads, compares and exports."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import lepton_ai as lai
from lepton_ai.cli.main import app

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "banking77"
LABELS = ("card_arrival", "lost_or_stolen_card", "exchange_rate", "transfer_timing",
          "pin_blocked", "top_up_failed")


def _rows(split: str, per_label: int) -> list[tuple[str, str]]:
    kept: dict[str, list[str]] = {label: [] for label in LABELS}
    with (DATA / f"{split}.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["category"] in kept and len(kept[row["category"]]) < per_label:
                kept[row["category"]].append(row["text"])
    return [(text, label) for label, texts in kept.items() for text in texts]


@pytest.fixture(scope="module")
def teacher(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compress")
    table = folder / "train.csv"
    with table.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows(_rows("train", 40))
    lai.train(table, method="head", ngrams=False, out=folder / "teacher")
    return folder / "teacher"


def test_a_three_layer_student_keeps_the_teachers_answers(teacher: Path,
                                                           tmp_path: Path) -> None:
    out = tmp_path / "student"
    result = lai.compress(teacher, out, distil=True, layers=3, epochs=2, max_drop=5.0)
    teacher_row, student_row = result.rows[0], result.chosen
    assert student_row.parameters < 0.8 * teacher_row.parameters
    assert result.drop <= 5.0
    test = _rows("test", 40)
    texts = [text for text, _ in test]
    student = lai.load(out)
    agree = sum(a == b for a, b in zip(student.predict(texts), lai.load(teacher).predict(texts),
                                       strict=True))
    assert agree >= 0.85 * len(texts)
    accuracy = student.evaluate(lai.LabelledSet.from_lists(texts, [label for _, label in test]))
    assert accuracy["accuracy"] >= 0.8
    report = json.loads((out / "compress-report.json").read_text())
    assert report["method"] == "distil" and report["teacher"] == str(teacher)
    compared = CliRunner().invoke(app, ["compare", str(teacher), str(out)])
    assert compared.exit_code == 0 and "distil" in compared.output
    exported = CliRunner().invoke(app, ["export", str(out), "--out", str(tmp_path / "b"),
                                        "--precision", "int8"])
    assert exported.exit_code == 0, exported.output
    assert sum(p.stat().st_size for p in (tmp_path / "b").iterdir()) < 25e6


def test_quantize_alone_keeps_the_answers_in_a_quarter_of_the_bytes(teacher: Path,
                                                                   tmp_path: Path) -> None:
    from lepton_ai.compression.measurement import size_mb

    out = tmp_path / "int8"
    done = CliRunner().invoke(app, ["compress", str(teacher), "--out", str(out),
                                    "--quantize", "int8"])
    assert done.exit_code == 0, done.output
    assert size_mb(out) < 0.35 * size_mb(teacher)  # MiniLM: 91 MB of weights → 23 MB
    texts = [text for text, _ in _rows("test", 20)]
    assert lai.load(out).predict(texts) == lai.load(teacher, precision="int8").predict(texts)
    assert lai.load(out).manifest.method == "quantize"
