"""``lai.train(task=...)``: one pipeline for classifiers and taggers, methods declared once."""

from __future__ import annotations

from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.tasks.trained import TrainedModel
from lepton_ai.training.method_catalog import METHODS, method_help, method_names
from lepton_ai.training.methods import METHOD_FUNCTIONS
from lepton_ai.training.train_config import TrainConfig

from .test_ner_tiny import _chinese
from .test_train_tiny import write_topics


def test_classifiers_and_taggers_come_back_as_one_type(
        quiet: Path, tmp_path: Path, tiny_encoder_dir: Path) -> None:
    tagger = lai.train(_chinese(tmp_path / "zh.bmes"), task="ner", out=tmp_path / "ner",
                       epochs=8)
    classifier = lai.train(write_topics(tmp_path / "topics.csv"), base=tiny_encoder_dir,
                           out=tmp_path / "topics", method="head")
    for model, task, metric in ((tagger, "ner", "f1"), (classifier, "classify", "accuracy")):
        assert isinstance(model, TrainedModel) and model.task == task
        assert 0.0 <= model.metrics[metric] <= 1.0 and model.labels
        copy = model.save(tmp_path / f"copy-{task}")
        assert isinstance(lai.load(copy), TrainedModel)
    assert tagger.evaluate(tmp_path / "zh.bmes")["f1"] >= 0.9
    assert tagger.manifest.method == "charcrf"
    # the declared defaults of charcrf for taggers, not the classifier's
    assert tagger.manifest.config["lr"] == 2e-3


def test_every_declared_method_is_implemented_for_its_tasks() -> None:
    assert set(METHOD_FUNCTIONS) == set(method_names("classify")[1:])
    assert set(method_names("ner")[1:]) == {"full", "lora", "charcrf"}
    for method in METHODS:
        for task, defaults in method.defaults.items():
            resolved = TrainConfig().resolved(method.name, task)
            assert (resolved.epochs, resolved.lr) == (defaults.epochs, defaults.lr)
    assert "ner: auto | full | lora | charcrf" in method_help()


def test_a_method_or_option_that_does_not_fit_the_task_is_named(
        quiet: Path, tmp_path: Path) -> None:
    data = _chinese(tmp_path / "zh.bmes", n=10)
    with pytest.raises(LeptonError, match=r"LAI-E518.*'pos'"):
        lai.train(data, task="pos", out=tmp_path / "a")
    with pytest.raises(ValueError, match=r"LAI-E519.*label_descriptions, search"):
        lai.train(data, task="ner", out=tmp_path / "b", search={"lr": [1e-3]},
                  label_descriptions={"x": "y"})
    with pytest.raises(LeptonError, match=r"LAI-E508.*'fewshot' for task 'ner'.*charcrf"):
        lai.train(data, task="ner", out=tmp_path / "c", method="fewshot")
    with pytest.raises(LeptonError, match=r"LAI-E508.*'charcrf' for task 'classify'"):
        TrainConfig().resolved("charcrf")
