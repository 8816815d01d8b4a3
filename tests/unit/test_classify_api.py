"""lai.classify: zero-shot from label names, and trained model directories (tiny BERT)."""

from __future__ import annotations

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError

from .test_train_tiny import PROBES, write_topics


def test_zero_shot_prefers_the_label_that_reads_like_the_text(quiet, tiny_encoder_dir):
    labels = ["cat sat on the mat", "stocks fell on the market", "bank card password"]
    results = lai.classify(labels, labels=labels, model=tiny_encoder_dir)
    assert [r.label for r in results] == labels  # each text is its own label's twin
    for result in results:
        assert set(result.scores) == set(labels) and result.labels == [result.label]
        assert abs(sum(result.scores.values()) - 1) < 1e-4
        assert result.score == max(result.scores.values())


def test_zero_shot_embeds_descriptions_not_names(quiet, tiny_encoder_dir):
    one = lai.classify("cat sat on the mat", labels={"pets": "cat sat on the mat",
                                                    "money": "stocks fell"},
                       model=tiny_encoder_dir)
    assert one.label == "pets" and one.labels == ["pets"]


def test_trained_directory_gives_the_models_own_probabilities(quiet, tiny_encoder_dir,
                                                               tmp_path):
    out = tmp_path / "topics-model"
    model = lai.train(write_topics(tmp_path / "t.csv"), base=tiny_encoder_dir, out=out,
                      method="head")
    results = lai.classify(PROBES, model=out)
    assert [r.label for r in results] == model.predict(PROBES)
    probabilities = model.predict_proba(PROBES)
    for result, row in zip(results, probabilities, strict=True):
        np.testing.assert_allclose([result.scores[n] for n in model.labels], row, atol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"labels": "sports"}, "LAI-E704"),
        ({"labels": ["only"]}, "LAI-E705"),
        ({"labels": ["a", "b", "a"]}, "LAI-E706"),
        ({"labels": {"a": "x", "b": 3}}, "LAI-E202"),
        ({}, "LAI-E707"),
    ],
)
def test_bad_label_sets_get_coded_errors(kwargs, code, quiet, tiny_encoder_dir):
    with pytest.raises(LeptonError) as caught:
        lai.classify("text", model=tiny_encoder_dir if kwargs else None, **kwargs)
    assert caught.value.code == code


def test_a_folder_without_a_manifest_is_not_a_trained_model(tmp_path):
    with pytest.raises(LeptonError, match=r"LAI-E707.*not a trained model directory"):
        lai.classify("text", model=tmp_path)
