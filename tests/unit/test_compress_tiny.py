"""lai compress on a tiny random BERT: distil, prune, static, quantize, the gate, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.artifacts.staging import staging_folder
from lepton_ai.compression import compressor
from lepton_ai.compression.compressor import compress
from lepton_ai.compression.importance import heads_to_keep
from lepton_ai.compression.students import spread_layers
from lepton_ai.errors import LeptonError
from lepton_ai.models.pruned_heads import KEPT_HEADS
from lepton_ai.training.pipeline import train

from .test_train_tiny import TOPICS, write_topics

FAST = {"epochs": 2, "lr": 1e-3, "quantize": "fp32"}


@pytest.fixture
def teacher(quiet: Path, tiny_encoder_dir: Path, tmp_path: Path) -> Path:
    data = write_topics(tmp_path / "topics.csv", per_label=40)
    out = tmp_path / "teacher"
    train(data, base=str(tiny_encoder_dir), out=out, method="full", lr=1e-3, epochs=4)
    return out


def test_a_distilled_student_with_pruned_heads_is_an_ordinary_smaller_model(
    teacher: Path, tmp_path: Path
) -> None:
    out = tmp_path / "student"
    result = compress(teacher, out, distil=True, layers=1, prune_heads=0.5, **FAST)
    config = json.loads((out / "encoder" / "config.json").read_text())
    assert config["num_hidden_layers"] == 1
    assert config[KEPT_HEADS] == [sorted(config[KEPT_HEADS][0])]
    assert len(config[KEPT_HEADS][0]) == 2  # half of 4 heads
    teacher_row, student_row = result.rows
    assert student_row.parameters < teacher_row.parameters
    assert result.chosen is student_row and result.drop <= 1.0
    model = lai.load(out)
    assert model.manifest.method == "distil"
    assert model.encoder.backend == "onnx-fp32"  # the pruned encoder runs on ONNX Runtime
    assert model.predict(["cat on the mat", "bank card password"]) == ["pets", "bank"]
    report = json.loads((out / "compress-report.json").read_text())
    assert report["teacher"] == str(teacher) and len(report["table"]) == 2
    assert (out / "compress-report.png").stat().st_size > 1000
    card = (out / "README.md").read_text()
    assert "## Compression" in card and "--distil --layers 1 --prune-heads 0.5" in card
    assert not staging_folder(out).exists()


def test_pruned_heads_give_the_same_vectors_in_torch_and_onnx(
    teacher: Path, tmp_path: Path
) -> None:
    from lepton_ai.training.backbone import SentenceBackbone

    out = tmp_path / "pruned"
    compress(teacher, out, prune_heads=0.5, **FAST)
    texts = ["cat on the mat", "stocks fell and rose", "reset my bank card password"]
    torch_vectors = SentenceBackbone(out / "encoder").encode(texts)
    onnx_vectors = lai.load(out).encoder.encode(texts)
    assert np.allclose(torch_vectors, onnx_vectors, atol=1e-4)


def test_layers_are_pruned_by_measured_importance(teacher: Path, tmp_path: Path) -> None:
    out = tmp_path / "fewer-layers"
    compress(teacher, out, prune_layers=1, **FAST)
    chosen = lai.load(out).manifest.data["chosen"]
    assert len(chosen["layer_importance"]) == 2
    dropped = int(np.argmin(chosen["layer_importance"]))
    assert chosen["layers"] == [layer for layer in (0, 1) if layer != dropped]


def test_the_static_tier_is_a_model2vec_student_distilled_from_the_teacher(
    teacher: Path, tmp_path: Path
) -> None:
    from lepton_ai.compression.static_backbone import StaticBackbone

    out = tmp_path / "static"
    result = compress(teacher, out, static=True, epochs=3, max_drop=100)
    model = lai.load(out)
    assert model.encoder.backend == "static" and model.manifest.encoder == "static"
    assert result.rows[-1].precision == "static"
    assert model.head.ngrams is None  # no n-grams at inference: the tier is for speed
    history = model.manifest.history
    assert len(history) == 3 and all("validation" in epoch for epoch in history)
    assert model.manifest.config["compress"]["settings"]["lr"] == 6e-3  # the static default
    texts = ["cat on the mat", "reset my bank card password", "", "stocks fell sharply"]
    # what was trained in torch is what model2vec runs
    assert np.allclose(StaticBackbone(out / "static").encode(texts),
                       model.encoder.encode(texts), atol=1e-5)
    assert model.predict(["cat on the mat", "bank card password"]) == ["pets", "bank"]


def test_int8_is_recorded_and_used_when_the_model_is_loaded(
    teacher: Path, tmp_path: Path
) -> None:
    out = tmp_path / "int8"
    result = compress(teacher, out, distil=True, layers=1, epochs=1, lr=1e-3,
                      quantize="int8")
    assert result.chosen.precision == "int8"
    assert lai.load(out).encoder.backend == "onnx-int8"


def test_quantize_alone_writes_the_teacher_at_int8_as_onnx_only(
    teacher: Path, tmp_path: Path
) -> None:
    from lepton_ai.compression.measurement import size_mb
    from lepton_ai.training.export import export

    out = tmp_path / "int8-only"
    result = compress(teacher, out, quantize="int8", max_drop=100)
    assert result.chosen.precision == "int8" and result.chosen.model == "student"
    # the same weights, less the pooler that sentence vectors never use
    assert 0.9 < result.chosen.parameters / result.teacher_row.parameters <= 1
    assert not list((out / "encoder").glob("*.safetensors"))
    assert (out / "encoder" / "model.onnx").is_file()
    assert size_mb(out) < size_mb(teacher)  # (a quarter for MiniLM: docs/benchmarks.md)
    model = lai.load(out)
    assert model.manifest.method == "quantize" and model.encoder.backend == "onnx-int8"
    texts = ["cat on the mat", "bank card password", "stocks fell"]
    assert model.predict(texts) == lai.load(teacher, precision="int8").predict(texts)
    assert "--quantize int8" in (out / "README.md").read_text()
    bundle = export(out, tmp_path / "bundle")  # the ONNX bundle takes it; HF cannot
    assert (bundle / "model.onnx").is_file()
    with pytest.raises(LeptonError) as hf:
        export(out, tmp_path / "hf", format="hf")
    assert hf.value.code == "LAI-E1601" and "ONNX only" in str(hf.value)


def test_the_gate_refuses_a_large_drop_and_force_resume_writes_it(
    teacher: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ruined"
    ruin = {**FAST, "epochs": 1, "head_lr": 50.0, "alpha": 0.0, "cosine_weight": 0.0}
    with pytest.raises(LeptonError) as refused:
        compress(teacher, out, distil=True, layers=1, max_drop=0.5, **ruin)
    assert refused.value.code == "LAI-E1707" and "--force" in str(refused.value)
    assert not out.exists()
    assert (staging_folder(out) / "checkpoints").is_dir()  # the training is kept
    result = compress(teacher, out, distil=True, layers=1, max_drop=0.5, force=True,
                      resume=True, **ruin)
    assert result.drop > 0.5
    assert "Written with --force" in (out / "README.md").read_text()


def test_bad_input_is_coded(teacher: Path, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    def code(**options: object) -> str:
        target = options.pop("model", teacher)
        with pytest.raises(LeptonError) as error:
            compress(target, tmp_path / "out", **options)  # type: ignore[arg-type]
        return error.value.code

    assert code(model=tmp_path, layers=1) == "LAI-E1701"  # not a model folder
    assert code(distil=True) == "LAI-E1702"  # no --layers
    assert code(layers=2) == "LAI-E1702"  # not fewer than the teacher's 2
    assert code(prune_heads=1.5) == "LAI-E1702"
    assert code(prune_heads=0.5, static=True) == "LAI-E1702"
    assert code() == "LAI-E1709"  # no method
    assert code(quantize="fp32") == "LAI-E1709"  # fp32 alone changes nothing
    assert code(layers=1, quantize="int4") == "LAI-E1702"
    assert code(layers=1, temperature_x=2) == "LAI-E1702"  # unknown setting
    assert code(layers=1, unlabelled=["银行卡密码怎么重置", "股票下跌了很多"] * 10) == "LAI-E1705"
    (teacher / "eval.jsonl").unlink()
    assert code(layers=1) == "LAI-E1703"
    assert code(layers=1, eval_data=write_topics(tmp_path / "e.csv", 5, seed=3),
                data=tmp_path / "missing.csv") == "LAI-E301"
    monkeypatch.setattr(compressor, "_available_gb", lambda: 0.5)
    assert code(layers=1, eval_data=write_topics(tmp_path / "e.csv", 5, seed=3)) == "LAI-E1706"


def test_missing_training_data_names_the_option(teacher: Path, tmp_path: Path) -> None:
    manifest = json.loads((teacher / "lepton.json").read_text())
    manifest["data"]["source"] = str(tmp_path / "moved-away.csv")
    (teacher / "lepton.json").write_text(json.dumps(manifest))
    with pytest.raises(LeptonError) as error:
        compress(teacher, tmp_path / "out", layers=1)
    assert error.value.code == "LAI-E1704" and "--data FILE" in str(error.value)


def test_the_teachers_columns_are_read_without_being_named_again(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    lines = write_topics(tmp_path / "topics.csv", per_label=20).read_text().splitlines()
    assert lines[0] == "text,label"
    renamed = tmp_path / "renamed.csv"
    renamed.write_text("\n".join(["sentence,topic", *lines[1:]]) + "\n")
    teacher_dir = tmp_path / "renamed-teacher"
    train(renamed, text="sentence", label="topic", base=str(tiny_encoder_dir),
          out=teacher_dir, method="head")
    recorded = lai.load(teacher_dir).manifest.data["columns"]
    assert recorded == {"text": "sentence", "label": "topic", "label_sep": None}
    assert "--text sentence --label topic" in (teacher_dir / "README.md").read_text()
    result = compress(teacher_dir, tmp_path / "renamed-int8", quantize="int8", max_drop=100)
    assert result.chosen.precision == "int8"
    compress(teacher_dir, tmp_path / "renamed-static", static=True, epochs=1, max_drop=100)


def test_student_layers_are_spread_and_every_layer_keeps_a_head() -> None:
    assert spread_layers(6, 3) == [1, 3, 5]
    assert spread_layers(12, 4) == [2, 5, 8, 11]
    assert spread_layers(6, 1) == [5]
    scores = np.array([[0.1, 0.2, 0.9], [0.05, 0.01, 0.02]])
    assert heads_to_keep(scores, 0.5) == [[1, 2], [0]]  # layer 1 keeps its best head
    kept = heads_to_keep(scores, 0.99)
    assert all(len(layer) == 1 for layer in kept)


def test_lai_compress_prints_the_table(teacher: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from lepton_ai.cli.main import app

    out = tmp_path / "cli-student"
    done = CliRunner().invoke(app, ["compress", str(teacher), "--out", str(out), "--distil",
                                    "--layers", "1", "--epochs", "1", "--lr", "0.001",
                                    "--quantize", "fp32", "--max-drop", "100"])
    assert done.exit_code == 0, done.output
    assert "student" in done.output and "saved" in done.output
    assert lai.load(out).manifest.method == "distil"


def _scored_pairs(file: Path, texts: list[str]) -> Path:
    rows = [{"sentence1": texts[i], "sentence2": texts[i] if i % 2 else texts[i + 1],
             "score": 5.0 if i % 2 else float(i % 5)} for i in range(40)]
    file.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return file


def test_an_encoder_compresses_into_a_smaller_encoder(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    import random

    words = [word for topic in TOPICS.values() for word in topic]
    rng = random.Random(0)
    texts = [" ".join(rng.choice(words) for _ in range(6)) for _ in range(200)]
    pairs = _scored_pairs(tmp_path / "pairs.jsonl", texts)
    out = tmp_path / "small-encoder"
    result = compress(tiny_encoder_dir, out, distil=True, layers=1, unlabelled=texts,
                      eval_data=pairs, max_drop=100, **FAST)
    assert [row.spearman is not None for row in result.rows] == [True, True]
    assert result.rows[1].parameters < result.rows[0].parameters
    assert json.loads((out / "config.json").read_text())["num_hidden_layers"] == 1
    assert lai.embed(["cat sat on the mat"], model=str(out)).shape == (1, 32)
    assert "compressed by lepton-ai" in (out / "README.md").read_text()
    with pytest.raises(LeptonError) as no_pairs:
        compress(tiny_encoder_dir, tmp_path / "x", layers=1, unlabelled=texts)
    assert no_pairs.value.code == "LAI-E1702" and "--eval" in str(no_pairs.value)
    with pytest.raises(LeptonError) as too_few:
        compress(tiny_encoder_dir, tmp_path / "x", layers=1, unlabelled=texts[:5],
                 eval_data=pairs)
    assert too_few.value.code == "LAI-E1702"
    int8 = compress(tiny_encoder_dir, tmp_path / "int8-encoder", quantize="int8",
                    eval_data=pairs, max_drop=100)
    assert 0.9 < int8.chosen.parameters / int8.rows[0].parameters <= 1
    assert int8.chosen.size_mb < int8.rows[0].size_mb
    assert np.allclose(lai.embed(["cat sat on the mat"], model=str(tmp_path / "int8-encoder")),
                       lai.embed(["cat sat on the mat"], model=str(tiny_encoder_dir),
                                 precision="int8"), atol=1e-5)


def test_a_tagger_compresses_into_a_smaller_tagger(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    from lepton_ai.training.ner.tagger_training import train_tagger

    from .test_ner_tiny import _english

    data = _english(tmp_path / "en.conll", n=80)
    teacher_dir = tmp_path / "tagger"
    train_tagger(data, out=teacher_dir, base=tiny_encoder_dir, method="full", epochs=4,
                 lr=2e-3)
    out = tmp_path / "small-tagger"
    result = compress(teacher_dir, out, distil=True, layers=1, epochs=2, lr=2e-3,
                      quantize="fp32", max_drop=100)
    teacher_row, student_row = result.rows
    assert student_row.entity_f1 is not None and student_row.parameters < teacher_row.parameters
    student = lai.load(out)
    assert student.manifest.task == "ner" and student.manifest.method == "distil"
    assert json.loads((out / "encoder" / "config.json").read_text())["num_hidden_layers"] == 1
    assert isinstance(student.predict("mary sat on the bank"), list)
    assert 0.0 <= student.metrics["f1"] <= 1.0
    assert "## Compression" in (out / "README.md").read_text()
    with pytest.raises(LeptonError) as static:
        compress(teacher_dir, tmp_path / "x", static=True)
    assert static.value.code == "LAI-E1702"
    quantized = compress(teacher_dir, tmp_path / "int8-tagger", quantize="int8", max_drop=100)
    assert quantized.chosen.precision == "int8"
    assert (tmp_path / "int8-tagger" / "encoder" / "model.onnx").is_file()
    int8_tagger = lai.load(tmp_path / "int8-tagger")
    assert int8_tagger.manifest.method == "quantize"
    assert int8_tagger.predict("mary sat on the bank") == lai.load(
        teacher_dir, precision="int8").predict("mary sat on the bank")


def test_a_static_model_looks_its_words_up_and_gives_model2vecs_vectors(
    teacher: Path, tmp_path: Path
) -> None:
    from lepton_ai.models.chunk_token_ids import ChunkTokenIds
    from lepton_ai.models.encoders import l2_normalize

    out = tmp_path / "static-lookup"
    compress(teacher, out, static=True, epochs=1, max_drop=100)
    encoder = lai.load(out).encoder
    assert encoder._token_ids is not None  # the tiny BERT tokenizer takes the lookup
    texts = ["cat on the mat", "Reset   my BANK card\tpassword!", "", "   ", "café déjà vu",
             "stocks\x0bfell", "bank\u00a0card\u3000mat", "银行 card", "cat" * 40,
             " ".join(["stocks fell"] * 400)]  # past model2vec's truncation
    expected = l2_normalize(np.asarray(encoder._model.encode(
        texts, show_progress_bar=False, use_multiprocessing=False), dtype=np.float32))
    for _ in range(2):  # the cache empty, then full
        np.testing.assert_allclose(encoder.encode(texts), expected, atol=1e-6)
    ChunkTokenIds.MAX_CHUNKS, kept = 3, ChunkTokenIds.MAX_CHUNKS
    more = [*texts, "new words here"]
    expected = l2_normalize(np.asarray(encoder._model.encode(
        more, show_progress_bar=False, use_multiprocessing=False), dtype=np.float32))
    try:  # a full cache starts again, with this call's chunks
        np.testing.assert_allclose(encoder.encode(more), expected, atol=1e-6)
        assert "new" in encoder._token_ids._ids and len(encoder._token_ids._ids) < 40
    finally:
        ChunkTokenIds.MAX_CHUNKS = kept
