"""The method a run chooses, the time it says before starting, and the fast small update."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from lepton_ai.training import method_choice
from lepton_ai.training.head_fitting import fit_head, weights_of
from lepton_ai.training.pipeline import train
from lepton_ai.training.time_estimate import Pace, estimate_seconds, spoken
from lepton_ai.training.train_config import TrainConfig

from .test_train_tiny import PROBES, write_topics

PACE = Pace(forward=1e-4, train_step=4e-4, tokens_per_text=20.0)


def test_estimates_grow_with_the_work_each_method_does() -> None:
    def seconds(method: str, train_size: int, **options: object) -> float:
        config = TrainConfig.from_options(**options).resolved(method)
        return estimate_seconds(method, config, PACE, train=train_size, valid=100)

    assert seconds("head", 1000) < min(seconds("fewshot", 1000), seconds("full", 1000))
    assert seconds("full", 2000) > seconds("full", 1000)
    assert seconds("full", 1000, epochs=8) > seconds("full", 1000, epochs=4)
    # fewshot's contrastive visits are bounded (MAX_FEWSHOT_VISITS): past them, only the
    # reading of the vectors grows
    assert (seconds("fewshot", 100_000) - seconds("fewshot", 50_000)
            < (seconds("full", 100_000) - seconds("full", 50_000)) / 5)
    # an update also scores its earlier held-out examples, before and after
    config = TrainConfig().resolved("head")
    assert (estimate_seconds("head", config, PACE, train=100, valid=0, old_eval=1000)
            > estimate_seconds("head", config, PACE, train=100, valid=0))


def test_a_head_estimate_counts_the_ngram_fit_the_data_turns_on() -> None:
    from lepton_ai.data.labelled import LabelledSet
    from lepton_ai.models.registry import resolve

    def chooser(per_label: int, **options: object) -> method_choice.MethodChooser:
        labels = [label for label in ("a", "b", "c") for _ in range(per_label)]
        data = LabelledSet.from_lists([f"text {i}" for i in range(len(labels))], labels)
        size = method_choice.RunSize.of(data, valid=30)
        found = method_choice.MethodChooser(TrainConfig.from_options(**options),
                                            resolve("all-MiniLM-L6-v2"), size)
        found._pace = PACE
        return found

    assert method_choice.RunSize.of(LabelledSet.from_lists(["x"] * 60, ["a"] * 60), 0
                                    ).ngrams_by_data
    big = chooser(100)  # ≥ NGRAM_MIN_PER_LABEL per label: `head` fits n-grams too
    assert big.size.ngrams_by_data
    assert big.seconds("head") > chooser(100, ngrams=False).seconds("head")
    assert big.seconds("head") == pytest.approx(chooser(100, ngrams=True).seconds("head"))
    small = chooser(5)
    assert not small.size.ngrams_by_data
    assert small.seconds("head") == pytest.approx(chooser(5, ngrams=False).seconds("head"))


def test_time_is_said_in_words_with_the_quickest_method_when_it_is_long() -> None:
    assert spoken(3) == "about 5 s" and spoken(41) == "about 45 s"
    assert spoken(600) == "about 10 minutes" and spoken(9000) == "about 2.5 hours"
    long = method_choice.MethodChoice("full", "chosen for this data", 600.0, 40.0)
    assert long.time_note() == "about 10 minutes here; --method head: about 40 s"
    assert long.note() == " (chosen for this data)"
    short = method_choice.MethodChoice("full", "", 30.0, 10.0)
    assert short.time_note() == "about 30 s here" and short.note() == ""
    assert method_choice.MethodChoice("head", "", None).time_note() == ""


def test_pace_is_measured_once_per_encoder_and_kept(
    quiet: Path, tiny_encoder_dir: Path
) -> None:
    texts = ["a short one", "and a somewhat longer text than that one"] * 10
    first = Pace.of(tiny_encoder_dir, texts, max_length=16, threads=1, key="tiny")
    assert first.forward > 0 and first.train_step > 0
    assert (quiet / "pace.json").is_file()
    again = Pace.of(tiny_encoder_dir, texts[:2], max_length=16, threads=1, key="tiny")
    assert (again.forward, again.train_step) == (first.forward, first.train_step)
    assert again.tokens_per_text == first.tokens_per_text  # this data's, not the cache's
    other = Pace.of(tiny_encoder_dir, ["x"], max_length=16, threads=1, key="tiny")
    assert other.tokens_per_text < first.tokens_per_text


def test_an_anchored_refit_keeps_the_old_labels_weights(quiet: Path) -> None:
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 16)).astype(np.float32)
    labels = np.repeat(np.arange(4), 200)
    vectors = centres[labels] + rng.normal(scale=1.5, size=(800, 16)).astype(np.float32)
    first = weights_of(fit_head(vectors, labels, 4, multi_label=False, l2=1e-3), False)
    few = rng.choice(800, size=20, replace=False)  # a small rehearsal sample
    anchored = weights_of(fit_head(vectors[few], labels[few], 4, multi_label=False, l2=1e-1,
                                   init=first), False)
    unanchored = weights_of(fit_head(vectors[few], labels[few], 4, multi_label=False, l2=1e-1),
                            False)

    def distance(weights) -> float:  # type: ignore[no-untyped-def]
        return float(np.abs(weights.tensors["out.weight"] - first.tensors["out.weight"]).sum())

    assert distance(anchored) < distance(unanchored) / 2

    def accuracy(weights) -> float:  # type: ignore[no-untyped-def]
        return float((weights.probabilities(vectors).argmax(1) == labels).mean())

    assert accuracy(anchored) >= accuracy(first) - 0.01


def test_a_small_update_of_a_slow_model_refits_the_head_on_its_encoder(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = train(write_topics(tmp_path / "first.csv", per_label=12), base=tiny_encoder_dir,
                  out=tmp_path / "v1", method="full", lr=1e-3, epochs=1)
    more = tmp_path / "more.csv"
    more.write_text("text,label\n" + "".join(f"crypto coin token {i},crypto\n" for i in range(8)),
                    encoding="utf-8")
    # The tiny encoder retrains in seconds: kept, as any update that is quick here.
    quick = train(more, from_model=tmp_path / "v1", out=tmp_path / "quick", lr=1e-3, epochs=1)
    assert quick.manifest.method == "full"
    monkeypatch.setattr(method_choice, "FAST_UPDATE_SECONDS", 0.0)  # as a real encoder is
    updated = train(more, from_model=tmp_path / "v1", out=tmp_path / "v2")
    manifest = updated.manifest
    assert (manifest.method, manifest.encoder, manifest.data["encoder_method"]) == (
        "head", "encoder", "full")
    assert manifest.data["estimated_seconds"] > 0
    assert updated.labels == [*first.labels, "crypto"]
    encoder_files = {p.name: p.read_bytes() for p in (tmp_path / "v1" / "encoder").iterdir()}
    assert {p.name: p.read_bytes() for p in (tmp_path / "v2" / "encoder").iterdir()} == (
        encoder_files)  # the previous encoder, as it was
    assert updated.predict("crypto coin token 3") == "crypto"
    assert updated.metrics["forgetting"]["accuracy_after"] >= (
        updated.metrics["forgetting"]["accuracy_before"] - 0.1)
    # The next update knows the encoder was trained by full (a big update would retrain it).
    again = train(more, from_model=tmp_path / "v2", out=tmp_path / "v3")
    assert (again.manifest.method, again.manifest.data["encoder_method"]) == ("head", "full")
    # Named explicitly, head on a fine-tuned model keeps its encoder too (it used to be lost).
    named = train(more, from_model=tmp_path / "v1", out=tmp_path / "v4", method="head")
    assert named.manifest.encoder == "encoder" and (tmp_path / "v4" / "encoder").is_dir()
    assert named.predict(PROBES) == updated.predict(PROBES)


def test_classifiers_and_taggers_say_their_time_before_they_start(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lepton_ai.training import classifier_training
    from lepton_ai.training.ner import tagger_training

    from .test_ner_tiny import _english

    said: list[str] = []
    monkeypatch.setattr(classifier_training, "say", said.append)
    monkeypatch.setattr(tagger_training, "say", said.append)
    train(write_topics(tmp_path / "t.csv", per_label=12), base=tiny_encoder_dir,
          out=tmp_path / "c", method="full", lr=1e-3, epochs=1)
    assert said[0].startswith("Training [bold]full[/]") and said[0].endswith(" here")
    said.clear()
    tagger_training.train_tagger(_english(tmp_path / "en.conll"), out=tmp_path / "t",
                                 base=tiny_encoder_dir, method="full", epochs=1)
    assert said[0].startswith("Training [bold]full[/] tagger") and said[0].endswith(" here")
