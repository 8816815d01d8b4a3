"""Training on a tiny random BERT: every method learns, saves and reloads identically."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.data.labelled import LabelledSet, read_labelled, stratified_split
from lepton_ai.errors import LeptonError, LeptonWarning
from lepton_ai.settings import settings
from lepton_ai.training.option_parsing import parse_search
from lepton_ai.training.pipeline import train

TOPICS = {
    "bank": "bank card password reset money transfer".split(),
    "pets": "cat dog sat on mat man woman".split(),
    "market": "stocks fell rose market money".split(),
}
PROBES = ["cat on the mat", "bank card password", "stocks fell"]


def write_topics(path: Path, per_label: int = 30, seed: int = 0) -> Path:
    rng = random.Random(seed)
    rows = [
        {"text": " ".join(rng.choice(words) for _ in range(6)), "label": label}
        for label, words in TOPICS.items()
        for _ in range(per_label)
    ]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["text", "label"])
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def topics_csv(tmp_path: Path) -> Path:
    return write_topics(tmp_path / "topics.csv")


OPTIONS = {
    "head": {},
    "fewshot": {"lr": 1e-3, "fewshot_visits": 320, "epochs": 2},
    "full": {"lr": 1e-3, "epochs": 4},
    "lora": {"lr": 1e-3, "epochs": 4},
    "adalora": {"lr": 1e-3, "epochs": 4},
}


@pytest.mark.parametrize("method", list(OPTIONS))
def test_every_method_learns_saves_and_reloads(
    method: str, quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / f"model-{method}"
    model = train(topics_csv, base=tiny_encoder_dir, out=out, method=method, **OPTIONS[method])
    assert model.manifest.method == method
    assert model.metrics["accuracy"] >= 0.9
    history = [h["loss"] for h in model.manifest.history if "loss" in h]
    if len(history) >= 2:  # the fine-tuning methods: loss falls over the epochs
        assert history[-1] < history[0]
    for name in ("lepton.json", "head.safetensors", "report.json", "report.md", "README.md",
                 "confusion_matrix.png"):
        assert (out / name).is_file(), name
    assert not (out / "checkpoints").exists()
    assert not list(out.rglob("*.bin")) and not list(out.rglob("*.pt"))  # no pickles
    again = lai.load(out)
    np.testing.assert_allclose(again.predict_proba(PROBES), model.predict_proba(PROBES),
                               atol=1e-5)
    assert again.predict(PROBES) == model.predict(PROBES)
    assert isinstance(again.predict("cat"), str)


def test_training_again_into_the_same_folder_uses_the_new_encoder(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    from lepton_ai.models.loader import clear_cache

    out = tmp_path / "again"
    first = train(topics_csv, base=tiny_encoder_dir, out=out, method="full", lr=1e-3, epochs=1)
    before = first.predict_proba(PROBES)
    second = train(topics_csv, base=tiny_encoder_dir, out=out, method="full", lr=5e-3,
                   epochs=3, seed=7)
    assert not np.allclose(second.predict_proba(PROBES), before, atol=1e-3)
    clear_cache()  # what a new process would load
    np.testing.assert_allclose(lai.load(out).predict_proba(PROBES),
                               second.predict_proba(PROBES), atol=1e-5)


def test_training_never_writes_over_a_folder_of_the_users_files(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "project"
    notes.mkdir()
    (notes / "README.md").write_text("my notes", encoding="utf-8")
    with pytest.raises(LeptonError, match=r"LAI-E607.*did not write \(README.md\)"):
        train(topics_csv, base=tiny_encoder_dir, out=notes, method="head")
    assert (notes / "README.md").read_text(encoding="utf-8") == "my notes"
    with pytest.raises(LeptonError, match=r"LAI-E607.*is a file"):
        train(topics_csv, base=tiny_encoder_dir, out=topics_csv, method="head")


def test_adapter_and_head_are_saved_together(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lora"
    train(topics_csv, base=tiny_encoder_dir, out=out, method="lora", epochs=1)
    manifest = json.loads((out / "lepton.json").read_text())
    assert manifest["encoder"] == "adapter"
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    assert (out / "head.safetensors").is_file()


def test_a_server_merges_and_exports_an_adapter_in_a_child(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """lai serve's warm-up: merged and exported without torch weights in its memory."""
    from lepton_ai.model_memory import LOADED
    from lepton_ai.models import adapters, onnx_cache
    from lepton_ai.tasks.trained import prepare_encoder

    out = tmp_path / "lora"
    trained = train(topics_csv, base=tiny_encoder_dir, out=out, method="lora", epochs=1)
    expected = trained.predict_proba(PROBES)

    def not_here(*args: object, **kwargs: object) -> None:
        raise AssertionError("merged or exported in the serving process")

    monkeypatch.setattr(settings, "cache_dir", tmp_path / "fresh-cache")
    LOADED.forget()
    monkeypatch.setattr(settings, "export_in_child", True)
    monkeypatch.setattr(adapters, "merge_adapter", not_here)
    monkeypatch.setattr(onnx_cache, "build", not_here)
    prepare_encoder(out)
    assert list(settings.cache_dir.glob("merged/*/model.safetensors"))
    assert len(list(settings.cache_dir.glob("onnx/*/check.json"))) == 1
    np.testing.assert_allclose(lai.load(out).predict_proba(PROBES), expected, atol=1e-4)


def test_multi_label_with_a_separator(quiet: Path, tiny_encoder_dir: Path, tmp_path: Path) -> None:
    rng = random.Random(1)
    rows = []
    for _ in range(40):
        chosen = rng.sample(list(TOPICS), rng.choice([1, 2]))
        words = [w for label in chosen for w in TOPICS[label]]
        rows.append({"text": " ".join(rng.choice(words) for _ in range(8)),
                     "tags": "|".join(chosen)})
    file = tmp_path / "multi.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in rows))
    model = train(file, label="tags", label_sep="|", base=tiny_encoder_dir,
                  out=tmp_path / "m", method="head")
    assert model.multi_label
    prediction = model.predict("bank card cat dog")
    assert isinstance(prediction, list)
    assert set(prediction) <= set(TOPICS)


def test_continual_learning_adds_a_label_and_reports_forgetting(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first.csv"
    with first.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        rng = random.Random(0)
        for label in ("bank", "pets"):
            for _ in range(25):
                writer.writerow([" ".join(rng.choice(TOPICS[label]) for _ in range(6)), label])
    old = train(first, base=tiny_encoder_dir, out=tmp_path / "v1", method="full", lr=1e-3,
                epochs=2)
    assert old.labels == ["bank", "pets"]
    new = write_topics(tmp_path / "new.csv", per_label=15, seed=5)
    updated = train(new, from_model=tmp_path / "v1", out=tmp_path / "v2", lr=1e-3, epochs=2)
    assert updated.labels[:2] == ["bank", "pets"] and "market" in updated.labels
    assert updated.manifest.method == "full"
    forgetting = updated.metrics["forgetting"]
    assert forgetting["accuracy_before"] == old.metrics["accuracy"]
    assert 0.0 <= forgetting["accuracy_after"] <= 1.0
    # "market" is new: the first model cannot be scored on this update's held-out data.
    assert "before_after" not in updated.metrics
    report = json.loads((tmp_path / "v2" / "report.json").read_text(encoding="utf-8"))
    assert report["forgetting"] == forgetting
    # A second update measures forgetting on both earlier held-out sets, not the last one.
    kept = read_labelled(tmp_path / "v2" / "eval.jsonl", "text", "label")
    assert len(kept) == old.manifest.data["eval_examples"] + updated.manifest.data["eval_examples"]
    again = train(write_topics(tmp_path / "more.csv", per_label=12, seed=6),
                  from_model=tmp_path / "v2", out=tmp_path / "v3", lr=1e-3, epochs=1)
    forgetting = again.metrics["forgetting"]
    assert forgetting["old_eval_examples"] == len(kept)
    assert forgetting["accuracy_before"] == updated.evaluate(kept)["accuracy"]
    # Known labels only: both models on the same held-out data of this update.
    compared = again.metrics["before_after"]
    held = again.manifest.data["eval_examples"]
    assert compared["examples"] == held > 0
    assert compared["after"]["accuracy"] == again.metrics["accuracy"]
    assert 0.0 <= compared["before"]["macro_f1"] <= 1.0


def _files(folder: Path) -> dict[str, bytes]:
    return {str(f.relative_to(folder)): f.read_bytes() for f in folder.rglob("*") if f.is_file()}


def test_a_run_that_dies_leaves_the_previous_model_whole_and_an_update_may_go_in_place(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lepton_ai.artifacts.head_weights import HeadWeights

    model = tmp_path / "m"
    first = train(write_topics(tmp_path / "first.csv", per_label=12), base=tiny_encoder_dir,
                  out=model, method="full", epochs=1)
    written = _files(model)
    more = tmp_path / "more.csv"
    more.write_text("text,label\n" + "".join(f"crypto coin token {i},crypto\n" for i in range(12)),
                    encoding="utf-8")

    def dies(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    # Dies after the new encoder is written, before its head: the model stays as it was
    # (it used to hold the new encoder beside the old head), and nothing new is mixed in.
    with monkeypatch.context() as patch:
        patch.setattr(HeadWeights, "save", dies)
        with pytest.raises(OSError, match="disk full"):
            train(more, from_model=model, out=model, epochs=1)
    assert _files(model) == written
    assert (tmp_path / ".m.partial" / "encoder").is_dir()  # where --resume would look
    # Updating a model in place (it was refused, LAI-E514: the run crashed half-way).
    updated = train(more, from_model=model, out=model, epochs=1)
    assert updated.labels == [*first.labels, "crypto"] and "forgetting" in updated.metrics
    assert updated.folder == model and not (tmp_path / ".m.partial").exists()
    assert lai.load(model).predict("crypto coin token 3") == updated.predict("crypto coin token 3")
    copy = tmp_path / "copy"
    updated.save(copy)
    assert (copy / "encoder").is_dir()
    # A different method replaces the folder: no encoder left from the full model.
    head = train(tmp_path / "first.csv", base=tiny_encoder_dir, out=model, method="head")
    # model.save over an earlier copy replaces it whole too.
    head.save(copy)
    assert not (copy / "encoder").exists() and lai.load(copy).predict(PROBES) == head.predict(PROBES)
    card = (model / "README.md").read_text(encoding="utf-8")
    assert not (model / "encoder").exists() and ".partial" not in card and f"{model}" in card


def test_an_update_may_search(quiet: Path, tiny_encoder_dir: Path, tmp_path: Path) -> None:
    first = train(write_topics(tmp_path / "first.csv", per_label=12), base=tiny_encoder_dir,
                  out=tmp_path / "v1", method="head")
    more = tmp_path / "more.csv"
    more.write_text("text,label\n" + "".join(f"crypto coin token {i},crypto\n" for i in range(12)),
                    encoding="utf-8")
    searched = train(more, from_model=tmp_path / "v1", out=tmp_path / "v2",
                     search=parse_search("l2=0.001,0.1"))
    assert searched.labels == [*first.labels, "crypto"]  # an update, not a fresh model
    assert "forgetting" in searched.metrics
    # A model trained on too little to hold anything out can be updated too.
    small = train(write_topics(tmp_path / "small.csv", per_label=5), base=tiny_encoder_dir,
                  out=tmp_path / "s1", method="head")
    assert small.metrics["evaluated_on"] == "training data"
    updated = train(more, from_model=tmp_path / "s1", out=tmp_path / "s2")
    assert updated.labels == [*small.labels, "crypto"] and "forgetting" not in updated.metrics


def test_hyper_parameter_search_records_every_trial(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    grid = parse_search("l2=0.001,0.1")
    model = train(topics_csv, base=tiny_encoder_dir, out=tmp_path / "s", method="head",
                  search=grid)
    trials = json.loads((tmp_path / "s" / "trials.json").read_text())
    assert [t["l2"] for t in trials] == [0.001, 0.1]
    best = max(t["validation_accuracy"] for t in trials)
    assert model.metrics["accuracy"] == best
    assert model.metrics["evaluated_on"] == "held-out split"  # the search split it off
    assert parse_search("ngrams=true,false lr=1e-5") == {"ngrams": [True, False], "lr": [1e-5]}
    with pytest.raises(LeptonError, match="LAI-E510"):
        parse_search("learning_rate=1")


def test_evaluation_report_has_every_part(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    model = train(topics_csv, base=tiny_encoder_dir, out=tmp_path / "m", method="head")
    assert model.metrics["evaluated_on"] == "held-out split"
    given = write_topics(tmp_path / "given.csv", per_label=5, seed=1)
    on_file = train(topics_csv, eval_data=given, base=tiny_encoder_dir, out=tmp_path / "g",
                    method="head")
    assert on_file.metrics["evaluated_on"] == "given evaluation data"
    report = model.evaluate(topics_csv, out=tmp_path / "report")
    assert 0 <= report["ece"] <= 1
    assert {"macro", "micro", "weighted", "per_label", "confusion_matrix"} <= report.keys()
    assert len(report["per_label"]) == 3
    assert sum(map(sum, report["confusion_matrix"])) == 90
    assert (tmp_path / "report" / "confusion_matrix.png").stat().st_size > 1000
    assert (tmp_path / "report" / "calibration.png").stat().st_size > 1000
    bins = report["calibration"]
    assert sum(b["count"] for b in bins) == 90
    assert all(b["low"] <= b["confidence"] <= b["high"] for b in bins)
    assert report["ece"] == pytest.approx(
        sum(b["count"] * abs(b["accuracy"] - b["confidence"]) for b in bins) / 90)
    assert "Most confident errors" in (tmp_path / "report" / "report.md").read_text() or (
        report["accuracy"] == 1.0
    )


def test_averages_leave_out_labels_absent_from_data_and_predictions() -> None:
    from lepton_ai.metrics import multi_label_metrics, single_label_metrics

    labels = ["old_a", "old_b", "old_c", "new"]
    # An update's held-out examples: all of the new label, one predicted wrongly as old_a.
    data = LabelledSet.from_lists(["w", "x", "y", "z"], ["new", "new", "new", "new"])
    probabilities = np.array([[0, 0, 0, 1], [0, 0, 0, 1], [0, 0, 0, 1], [1, 0, 0, 0]], float)
    report = single_label_metrics(labels, data, probabilities)
    assert report["averaged_labels"] == 2  # "new" (truth) and "old_a" (a prediction)
    assert report["macro"]["f1"] == pytest.approx((0 + 2 * 0.75 / 1.75) / 2)
    assert report["macro"]["recall"] == pytest.approx(0.75 / 2)
    assert len(report["per_label"]) == 4  # the table still lists every label

    tagged = LabelledSet.from_lists(["w", "x"], [["new"], ["new", "old_b"]])
    report = multi_label_metrics(labels, tagged, np.array([[0, 0, 0, 0.9], [0, 0.8, 0, 0.7]]))
    assert report["averaged_labels"] == 2 and report["macro"]["f1"] == 1.0


def test_a_report_keeps_every_error_most_confident_first_and_shows_ten() -> None:
    from lepton_ai.metrics import SHOWN_ERRORS, single_label_metrics

    texts = [f"t{i}" for i in range(30)]
    data = LabelledSet.from_lists(texts, ["a"] * 30)
    # Every example predicted "b", with confidence rising along the rows.
    confidence = np.linspace(0.55, 0.95, 30)
    probabilities = np.stack([1 - confidence, confidence], axis=1)
    report = single_label_metrics(["a", "b"], data, probabilities)
    assert len(report["errors"]) == 30
    assert [e["text"] for e in report["errors"][:2]] == ["t29", "t28"]
    assert report["confident_errors"] == report["errors"][:SHOWN_ERRORS]
    assert {(e["label"], e["predicted"]) for e in report["errors"]} == {("a", "b")}


def test_chinese_label_names_are_drawn_with_a_cjk_font(tmp_path: Path) -> None:
    import warnings

    from lepton_ai.evaluation.fonts import font_family_for
    from lepton_ai.evaluation.reports import plot_confusion_matrix

    assert font_family_for(["refund", "card"]) is None  # Latin labels keep the default
    family = font_family_for(["正面", "负面"])
    assert family is not None and family[0] == "DejaVu Sans" and "CJK" in family[1]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns per glyph it cannot draw
        plot_confusion_matrix(np.array([[3, 1], [0, 4]]), ["正面", "负面"], tmp_path / "zh.png")
    assert (tmp_path / "zh.png").stat().st_size > 1000


def test_confusion_matrix_with_many_labels_is_drawn(tmp_path: Path) -> None:
    from lepton_ai.evaluation.reports import plot_confusion_matrix

    labels = [f"intent_number_{i}_with_a_long_name" for i in range(80)]
    matrix = np.eye(80, dtype=int) * 5
    plot_confusion_matrix(matrix, labels, tmp_path / "cm.png")
    from PIL import Image

    width, height = Image.open(tmp_path / "cm.png").size
    assert width >= 1500 and height >= 1500  # grows with the label count


# --- data checks ------------------------------------------------------------------------
def _csv(path: Path, rows: list[dict[str, str]], header: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_missing_column_lists_columns_and_closest(tmp_path: Path) -> None:
    file = _csv(tmp_path / "d.csv", [{"text": "a", "labels": "x"}], ["text", "labels"])
    with pytest.raises(LeptonError, match=r"LAI-E502.*Columns found: text, labels.*'labels'"):
        read_labelled(file, label="label")


def test_empty_text_and_missing_labels_name_rows(tmp_path: Path) -> None:
    rows = [{"text": "ok", "label": "a"}, {"text": " ", "label": "a"}, {"text": "x", "label": ""}]
    file = _csv(tmp_path / "d.csv", rows, ["text", "label"])
    with pytest.raises(LeptonError, match=r"LAI-E503.*rows 2"):
        read_labelled(file)
    file = _csv(tmp_path / "e.csv", [rows[0], rows[2]], ["text", "label"])
    with pytest.raises(LeptonError, match=r"LAI-E504.*rows 2"):
        read_labelled(file)
    with pytest.raises(LeptonError, match="LAI-E515"):
        read_labelled(_csv(tmp_path / "header-only.csv", [], ["text", "label"]))


def _check(train_set: LabelledSet, evaluation: LabelledSet | None, languages: str = "en") -> None:
    from lepton_ai.training.checks import check_training_data

    check_training_data(train_set, evaluation, base_languages=languages, base_name="minilm",
                        multilingual_alternative="use")


def test_checks_on_labels() -> None:
    with pytest.raises(LeptonError, match="LAI-E505"):
        _check(LabelledSet.from_lists(["a", "b"], ["x", "x"]), None)
    with pytest.warns(LeptonWarning, match=r"LAI-W201.*'lonely'"):
        _check(LabelledSet.from_lists(["a", "b", "c"], ["x", "x", "lonely"]), None)
    with pytest.warns(LeptonWarning, match=r"LAI-W203.*'big' has 20.*'small' only 1"):
        _check(LabelledSet.from_lists([f"t{i}" for i in range(21)], ["big"] * 20 + ["small"]),
               None)
    train_set = LabelledSet.from_lists(["a", "b", "c", "d"], ["x", "x", "y", "y"])
    with pytest.raises(LeptonError, match=r"LAI-E506.*'z'"):
        _check(train_set, LabelledSet.from_lists(["e"], ["z"]))
    with pytest.warns(LeptonWarning, match=r"LAI-W202.*1 text"):
        _check(train_set, LabelledSet.from_lists(["a"], ["x"]))


def test_chinese_text_on_english_base_names_the_alternative() -> None:
    texts = ["这个产品很好", "质量太差了", "服务不错", "不推荐"]
    with pytest.raises(LeptonError, match=r"LAI-E507.*--base use"):
        _check(LabelledSet.from_lists(texts, ["pos", "neg", "pos", "neg"]), None)
    _check(LabelledSet.from_lists(texts, ["pos", "neg", "pos", "neg"]), None, languages="zh, en")


def test_bad_options_are_coded(quiet: Path, topics_csv: Path, tmp_path: Path) -> None:
    with pytest.raises(LeptonError, match="LAI-E508"):
        train(topics_csv, method="magic", out=tmp_path / "x")
    with pytest.raises(LeptonError, match=r"LAI-E511.*learning_rate"):
        train(topics_csv, learning_rate=1, out=tmp_path / "x")
    with pytest.raises(LeptonError, match=r"LAI-E511.*did you mean 'patience'"):
        train(topics_csv, patiense=3, out=tmp_path / "x")


def test_stratified_split_keeps_every_label() -> None:
    data = LabelledSet.from_lists([f"t{i}" for i in range(40)], ["a"] * 30 + ["b"] * 10)
    train_set, evaluation = stratified_split(data, 0.2, seed=0)
    assert len(train_set) + len(evaluation) == 40
    assert evaluation.label_counts() == {"a": 6, "b": 2}


def test_loading_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(LeptonError, match="LAI-E601"):
        lai.load(tmp_path)


# --- checkpoints and resume -------------------------------------------------------------
def _loop_run(tmp_path: Path, interrupt_at: int | None, resume: bool = False):  # type: ignore[no-untyped-def]
    import torch

    from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed

    set_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Dropout(0.2),
                                torch.nn.Linear(16, 3))
    x = torch.randn(64, 8, generator=torch.Generator().manual_seed(1))
    y = x[:, :3].argmax(1)
    loop = TrainingLoop(model, adamw([(list(model.named_parameters()), 1e-2)], 0.01), 5 * 8,
                        tmp_path / "ck", checkpoint_every=3)
    calls = {"n": 0}

    def step_loss(batch: list[int]) -> torch.Tensor:
        calls["n"] += 1
        if interrupt_at is not None and calls["n"] == interrupt_at:
            raise KeyboardInterrupt
        return torch.nn.functional.cross_entropy(model(x[batch]), y[batch])

    loop.run(5, lambda e: length_batches([1] * 64, 8, e), step_loss, resume=resume)
    return model


def test_resume_after_interrupt_gives_identical_weights(
    quiet: Path, tmp_path: Path
) -> None:
    import torch

    straight = _loop_run(tmp_path / "a", None)
    with pytest.raises(KeyboardInterrupt), pytest.warns(LeptonWarning, match="LAI-W204"):
        _loop_run(tmp_path / "b", interrupt_at=19)
    resumed = _loop_run(tmp_path / "b", None, resume=True)
    for p, q in zip(straight.parameters(), resumed.parameters(), strict=True):
        torch.testing.assert_close(p, q)
    with pytest.raises(LeptonError, match="LAI-E513"):
        _loop_run(tmp_path / "empty", None, resume=True)


def test_resume_note_never_names_an_epoch_past_the_last() -> None:
    from lepton_ai.training.loop import LoopState, resume_note

    assert resume_note("t", LoopState(epoch=1, global_step=40), 3, 90).endswith(
        "at step 40 of 90, in epoch 2 of 3")
    done = resume_note("t", LoopState(epoch=3, global_step=90), 3, 90)
    assert "epoch 4" not in done and "after its last epoch (3 of 3)" in done


def test_adapt_continues_masked_lm_training(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus.txt"
    rng = random.Random(0)
    corpus.write_text("\n".join(
        " ".join(rng.choice(TOPICS["bank"]) for _ in range(8)) for _ in range(300)))
    result = lai.adapt(corpus, tmp_path / "adapted", base=tiny_encoder_dir, epochs=3, lr=3e-3)
    assert result["loss_after"] < result["loss_before"]
    vectors = lai.embed(["bank card"], model=tmp_path / "adapted")
    assert vectors.shape == (1, 32)


def test_bert_compat_names_unknown_models() -> None:
    with pytest.raises(LeptonError, match="LAI-E101"):
        lai.BertForSequenceClassification.from_pretrained("bert-base-chinese", num_labels=2)


def test_bert_compat_loads_local_folders(tiny_encoder_dir: Path) -> None:
    model = lai.BertForSequenceClassification.from_pretrained(tiny_encoder_dir, num_labels=2)
    assert model.config.num_labels == 2


def test_ngram_tfidf_matches_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from lepton_ai.text.ngrams import NgramVocabulary, ngrams_of

    texts = ["退款什么时候到账？", "The card was declined twice", "卡被拒了 twice", "退款 到账了"]
    vocabulary = NgramVocabulary.fit(texts, min_count=1)
    assert "退 款" in vocabulary.terms and "card was" in vocabulary.terms
    reference = TfidfVectorizer(analyzer=ngrams_of, sublinear_tf=True,
                                vocabulary=vocabulary.terms).fit(texts)
    np.testing.assert_allclose(vocabulary.idf, reference.idf_, rtol=1e-6)
    rows, cols, values = vocabulary.sparse_rows(texts)
    ours = np.zeros((len(texts), len(vocabulary)), np.float32)
    ours[rows, cols] = values
    np.testing.assert_allclose(ours, reference.transform(texts).toarray(), atol=1e-6)


def test_head_weighs_ngrams_with_enough_examples_and_reloads_them(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    model = train(topics_csv, base=tiny_encoder_dir, out=tmp_path / "lexical", method="head")
    assert model.manifest.data["chosen"]["ngrams"] > 0
    assert (tmp_path / "lexical" / "ngrams.json").is_file()
    plain = train(topics_csv, base=tiny_encoder_dir, out=tmp_path / "plain", method="head",
                  ngrams=False)
    assert not (tmp_path / "plain" / "ngrams.json").exists()
    assert not np.allclose(plain.predict_proba(PROBES), model.predict_proba(PROBES))
    (tmp_path / "lexical" / "ngrams.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LeptonError, match="LAI-E606"):
        lai.load(tmp_path / "lexical")


def test_ngrams_only_go_with_a_linear_head(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path
) -> None:
    with pytest.raises(LeptonError, match=r"LAI-E511.*ngrams"):
        train(topics_csv, base=tiny_encoder_dir, out=tmp_path / "m", method="fewshot",
              ngrams=True)


def test_ngrams_must_be_a_boolean() -> None:
    from lepton_ai.training.train_config import TrainConfig

    with pytest.raises(LeptonError, match=r"LAI-E511.*ngrams"):
        TrainConfig.from_options(ngrams="False")  # a string would read as "on"


def test_class_weights_are_inverse_frequency_and_capped():
    import numpy as np

    from lepton_ai.training.methods import MAX_CLASS_WEIGHT, inverse_frequency_weights

    assert inverse_frequency_weights(np.array([50, 60, 70])) is None  # balanced enough
    weights = inverse_frequency_weights(np.array([1000, 100, 1, 0]))
    assert weights is not None
    assert weights[0] < weights[1] < weights[2] == MAX_CLASS_WEIGHT and weights[3] == 0.0
    assert weights[1] == pytest.approx(1101 / 100 / 3)


def test_length_grouped_vectors_equal_one_padded_batch(tiny_encoder_dir: Path) -> None:
    import torch

    from lepton_ai.training.backbone import SentenceBackbone

    backbone = SentenceBackbone(tiny_encoder_dir).eval()
    texts = ["cat", "bank card password reset money", "stocks", "the cat sat on the mat man",
             "market fell", "dog", "money transfer", "cat dog sat", "rose"]
    ids = backbone.token_ids(texts)
    target = torch.randn(len(texts), backbone.dim, generator=torch.Generator().manual_seed(0))
    results = []
    for vectors_of in (lambda: backbone(*backbone.pad(ids)),
                       lambda: backbone.vectors_by_length(ids, group=2)):
        backbone.zero_grad()
        vectors = vectors_of()
        (vectors * target).sum().backward()
        results.append((vectors.detach(), backbone.model.embeddings.word_embeddings.weight.grad))
    (whole, whole_grad), (grouped, grouped_grad) = results
    torch.testing.assert_close(grouped, whole, atol=1e-5, rtol=1e-4)  # same rows, same order
    torch.testing.assert_close(grouped_grad, whole_grad, atol=1e-5, rtol=1e-3)  # same gradient


def test_pair_batches_sample_as_setfit_does():
    from collections import Counter

    from lepton_ai.training.methods import pair_batches

    labels = [0] * 8 + [1] * 8 + [2] * 8 + [3] * 8 + [4]  # label 4 has one example
    batches = pair_batches(labels, pairs_per_batch=8, n_batches=400, seed=0)
    assert len(batches) == 400 and all(len(batch) == 16 for batch in batches)
    pairs = [(b[i], b[i + 1]) for b in batches for i in range(0, len(b), 2)]
    same = [labels[a] == labels[b] for a, b in pairs]
    assert sum(same) == len(pairs) // 2  # every other pair is positive
    # Positives are drawn from the whole label, the anchor included (SetFit's sampling);
    # a label with one example gets positive pairs (with itself), not only negatives.
    self_pairs = sum(a == b for a, b in pairs)
    assert 0.08 < self_pairs / (len(pairs) / 2) < 0.2  # ~1/8 with eight per label
    assert any(a == b == 32 for a, b in pairs)
    anchors = Counter(a for a, _ in pairs)
    assert max(anchors.values()) - min(anchors.values()) <= 1  # each example in turn
    assert pair_batches(labels, 8, 400, seed=0) == batches  # reproducible


def test_label_descriptions_are_one_more_training_example_each(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lepton_ai.training import methods

    seen: list[list[str]] = []
    head = methods.METHOD_FUNCTIONS["head"]

    def recording(job: methods.Job) -> methods.Result:
        seen.append(list(job.train.texts))
        assert not set(job.valid.texts) & set(described.values())  # never evaluated on
        return head(job)

    monkeypatch.setitem(methods.METHOD_FUNCTIONS, "head", recording)
    data = write_topics(tmp_path / "topics.csv", per_label=12)
    described = {"bank": "money, cards and accounts", "pets": "cats, dogs and other pets"}
    model = train(data, base=tiny_encoder_dir, out=tmp_path / "m", method="head",
                  label_descriptions=described)
    assert set(described.values()) <= set(seen[-1])
    assert model.manifest.data["label_descriptions"] == described
    assert model.manifest.data["train_examples"] == len(seen[-1]) - 2  # the user's own
    assert "label descriptions | 2" in (tmp_path / "m" / "README.md").read_text()
    # An update keeps them; a file gives them (JSON object, or label/description columns).
    more = tmp_path / "more.csv"
    more.write_text("text,label\n" + "".join(f"coin token {i},crypto\n" for i in range(12)),
                    encoding="utf-8")
    train(more, from_model=tmp_path / "m", out=tmp_path / "m2")
    assert set(described.values()) <= set(seen[-1])
    table = tmp_path / "labels.csv"
    table.write_text("label,description\ncrypto,coins and tokens\n", encoding="utf-8")
    train(more, from_model=tmp_path / "m", out=tmp_path / "m3", label_descriptions=table)
    assert "coins and tokens" in seen[-1] and described["bank"] not in seen[-1]
    as_json = tmp_path / "labels.json"
    as_json.write_text(json.dumps({"pets": "animals at home"}), encoding="utf-8")
    result = runner_train(data, tiny_encoder_dir, tmp_path / "m4", "--label-descriptions",
                          str(as_json))
    assert result.exit_code == 0, result.output
    assert "animals at home" in seen[-1]
    # Coded errors: a label without examples (with the likely one), an empty description.
    with pytest.raises(LeptonError, match=r"LAI-E516.*'pet'.*Did you mean 'pets'"):
        train(data, base=tiny_encoder_dir, out=tmp_path / "x", method="head",
              label_descriptions={"pet": "cats"})
    with pytest.raises(LeptonError, match=r"LAI-E517.*'pets' has ''"):
        train(data, base=tiny_encoder_dir, out=tmp_path / "x", method="head",
              label_descriptions={"pets": ""})


def runner_train(data: Path, base: Path, out: Path, *extra: str):  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from lepton_ai.cli.main import app

    return CliRunner().invoke(app, ["train", str(data), "--base", str(base), "--method", "head",
                                    "--out", str(out), *extra], env={"LEPTON_PROGRESS": "0"})


def test_training_threads_leave_cores_that_other_processes_hold(monkeypatch) -> None:
    from lepton_ai.training import threads

    monkeypatch.setattr(settings, "threads", 2)
    for busy, expected in ((0.0, 2), (0.3, 2), (0.8, 1), (1.9, 1)):
        assert threads.threads_for(busy) == expected, busy
    monkeypatch.setattr(settings, "threads", 1)  # LEPTON_THREADS=1 is a ceiling
    assert threads.threads_for(0.0) == 1
    assert 0.0 <= threads.OtherLoad().cores() < 64  # the real reading works here


def test_a_manifest_that_lies_about_shapes_is_named_before_the_encoder_loads(
    quiet: Path, tiny_encoder_dir: Path, topics_csv: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from safetensors.numpy import load_file, save_file

    import lepton_ai.tasks.classify as classify_module

    out = tmp_path / "model"
    train(topics_csv, base=tiny_encoder_dir, out=out, method="head", ngrams=False)
    manifest_file, head_file = out / "lepton.json", out / "head.safetensors"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    tensors = load_file(str(head_file))

    def loaded_encoder(*args: object) -> None:
        raise AssertionError("the encoder was loaded before the head was checked")

    # A fourth label in the manifest that the head never learned.
    lying = {**manifest, "labels": [*manifest["labels"], "extra"]}
    manifest_file.write_text(json.dumps(lying), encoding="utf-8")
    with monkeypatch.context() as patch:
        patch.setattr(classify_module, "load_encoder", loaded_encoder)
        with pytest.raises(LeptonError,
                           match=r"LAI-E606.*scores 3 labels but the manifest lists 4"):
            lai.load(out)
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    # A bias that does not fit its weight.
    save_file({**tensors, "out.bias": tensors["out.bias"][:2].copy()}, str(head_file))
    with pytest.raises(LeptonError, match=r"LAI-E606.*head\.safetensors.*do not fit"):
        lai.load(out)
    # A head for vectors of another length than the encoder's.
    wide = np.zeros((3, tensors["out.weight"].shape[1] + 8), dtype=np.float32)
    save_file({**tensors, "out.weight": wide}, str(head_file))
    with pytest.raises(LeptonError, match=r"LAI-E606.*reads .*-dimensional vectors"):
        lai.load(out)
