"""Pair training on a tiny random BERT: reads pairs, learns, saves a loadable encoder."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.training.pair_training import read_pairs

pytestmark = pytest.mark.filterwarnings("ignore:.*LAI-W103")

PAIRS = [("reset my password", "I forgot my password", 1),
         ("card fee per year", "annual card fee", 1),
         ("reset my password", "annual card fee", 0),
         ("transfer time", "how long does a transfer take", 1),
         ("transfer time", "I forgot my password", 0),
         ("card fee per year", "how long does a transfer take", 0)] * 6


def write(path: Path, rows: list[tuple], header: tuple = ("text_a", "text_b", "label")) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def test_scores_on_any_scale_become_zero_to_one(tmp_path: Path) -> None:
    pairs = read_pairs(write(tmp_path / "p.csv", [("a", "b", 5), ("c", "d", 0), ("e", "f", 2.5),
                                                  ("g", "h", 1)],
                             ("sentence1", "sentence2", "score")))
    assert pairs.scores == [1.0, 0.0, 0.5, 0.2]


def test_a_pair_file_without_its_columns_names_them(tmp_path: Path) -> None:
    with pytest.raises(LeptonError) as caught:
        read_pairs(write(tmp_path / "p.csv", [("a", "b", 1)] * 4, ("left", "right", "label")))
    assert caught.value.code == "LAI-E1013" and "left, right, label" in str(caught.value)


def test_pair_training_saves_an_encoder_the_library_loads(
        tmp_path: Path, tiny_encoder_dir: Path, quiet: Path) -> None:
    report = lai.train(write(tmp_path / "p.csv", PAIRS), task="pair", base=tiny_encoder_dir,
                       out=tmp_path / "matcher", epochs=3, lr=1e-3, batch_size=8)
    assert report.train_pairs + report.eval_pairs == len(PAIRS)
    assert (tmp_path / "matcher" / "pair_training.json").is_file()
    vectors = lai.embed(["reset my password", "annual card fee"], model=tmp_path / "matcher")
    assert vectors.shape[0] == 2
    with pytest.raises(LeptonError) as caught:
        lai.train(tmp_path / "p.csv", task="pair", label="x", out=tmp_path / "other")
    assert caught.value.code == "LAI-E519"
