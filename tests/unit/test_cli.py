"""The `lai` command through typer's runner, on the tiny encoder."""

import json

import numpy as np
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from lepton_ai.cli.main import app

runner = CliRunner()


@pytest.fixture
def corpus(tmp_path):
    path = tmp_path / "corpus.csv"
    rows = ["id,text", "1,the cat sat on the mat", "2,stocks fell in the market", "3,the hotel room"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def tiny(tiny_encoder_dir, tmp_cache):
    return str(tiny_encoder_dir)


@pytest.mark.parametrize("suffix", [".npy", ".parquet"])
def test_embed_a_file(tiny, corpus, tmp_path, suffix):
    out = tmp_path / f"vectors{suffix}"
    result = runner.invoke(app, ["embed", str(corpus), "--column", "text", "--out", str(out), "-m", tiny])
    assert result.exit_code == 0, result.output
    if suffix == ".npy":
        vectors = np.load(out, allow_pickle=False)
    else:
        table = pq.read_table(out)
        assert table.column("row").to_pylist() == [0, 1, 2]
        vectors = np.array(table.column("vector").to_pylist())
    assert vectors.shape == (3, 32)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)


def test_index_build_then_search(tiny, corpus, tmp_path):
    out = tmp_path / "idx"
    built = runner.invoke(app, ["index", "build", str(corpus), "-c", "text", "--out", str(out), "-m", tiny])
    assert built.exit_code == 0, built.output
    found = runner.invoke(app, ["search", str(out), "stocks fell in the market", "-k", "2", "--json"])
    assert found.exit_code == 0, found.output
    hits = [json.loads(line) for line in found.stdout.splitlines()]
    assert len(hits) == 2 and hits[0]["row"] == {"id": "2", "text": "stocks fell in the market"}


def test_similarity_prints_a_number(tiny):
    result = runner.invoke(app, ["similarity", "the cat", "the cat", "-m", tiny])
    assert result.exit_code == 0 and float(result.stdout) == pytest.approx(1.0, abs=1e-3)


def test_models_lists_the_packaged_defaults():
    result = runner.invoke(app, ["models"], env={"COLUMNS": "250"})
    assert result.exit_code == 0
    for name in ("all-MiniLM-L6-v2", "use-multilingual-v3", "multilingual-e5-small-q4"):
        assert name in result.stdout


def test_errors_exit_2_with_the_code(corpus, tmp_path):
    result = runner.invoke(app, ["embed", str(corpus), "--column", "txt", "--out", str(tmp_path / "v.npy")])
    assert result.exit_code == 2
    assert "LAI-E303" in result.output and "Did you mean 'text'" in result.output
    bad_out = runner.invoke(app, ["embed", str(corpus), "-c", "text", "--out", str(tmp_path / "v.csv")])
    assert bad_out.exit_code == 2 and "LAI-E306" in bad_out.output


def test_coded_warnings_print_one_line_without_our_source_location():
    import typer

    from lepton_ai.cli.common import coded_errors
    from lepton_ai.errors import W, warn

    tool = typer.Typer()

    @tool.command()
    @coded_errors
    def check() -> None:
        warn(W.W201, labels="'refund'")
        print("trained")

    result = runner.invoke(tool, [], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "warning: [LAI-W201] Label(s) with a single training example: 'refund'" in result.output
    assert ".py:" not in result.output and "LeptonWarning" not in result.output
    assert "trained" in result.stdout


def test_train_takes_any_option_with_set(tiny, tmp_path):
    data = tmp_path / "topics.csv"
    rows = [f"{w} {w} card,bank" for w in ("money", "card", "pin")] * 4
    rows += [f"{w} {w} mat,pets" for w in ("cat", "dog", "sat")] * 4
    data.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "m"
    env = {"LEPTON_PROGRESS": "0", "COLUMNS": "200"}
    result = runner.invoke(app, ["train", str(data), "--base", tiny, "--method", "head",
                                 "--set", "l2=0.01", "--set", "head=mlp", "--out", str(out)],
                           env=env)
    assert result.exit_code == 0, result.output
    config = json.loads((out / "lepton.json").read_text())["config"]
    assert config["l2"] == 0.01 and config["head"] == "mlp"
    bad = runner.invoke(app, ["train", str(data), "--base", tiny, "--set", "patiense=3",
                              "--out", str(tmp_path / "x")], env=env)
    assert bad.exit_code == 2 and "did you mean 'patience'" in bad.output


def test_predict_reads_stdin_on_dash_and_refuses_to_predict_nothing(tiny, tmp_path):
    data = tmp_path / "topics.csv"
    rows = [f"{w} {w} card,bank" for w in ("money", "card", "pin")] * 4
    rows += [f"{w} {w} mat,pets" for w in ("cat", "dog", "sat")] * 4
    data.write_text("text,label\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = str(tmp_path / "m")
    env = {"LEPTON_PROGRESS": "0", "COLUMNS": "200"}
    trained = runner.invoke(app, ["train", str(data), "--base", tiny, "--method", "head",
                                  "--out", out], env=env)
    assert trained.exit_code == 0, trained.output
    piped = runner.invoke(app, ["predict", out, "-", "pin card"], env=env,
                          input='money card\n{"text": "cat mat"}\n')
    assert piped.exit_code == 0, piped.output
    texts = [json.loads(line)["text"] for line in piped.stdout.splitlines()]
    assert texts == ["pin card", "money card", "cat mat"]
    nothing = runner.invoke(app, ["predict", out], env=env)
    assert nothing.exit_code == 2 and "LAI-E311" in nothing.output
    gbk = runner.invoke(app, ["predict", out, "-f", "-"], env=env,
                        input="银行卡丢了\n".encode("gb18030"))
    assert gbk.exit_code == 2 and "LAI-E310" in gbk.output and "iconv -f GB18030" in gbk.output


def test_task_catalog_snapshot():
    from lepton_ai.tasks.catalog import declared_tasks

    snapshot = {t.versioned_name: dict(t.defaults) for t in declared_tasks()}
    assert snapshot == {
        "analyze.v1": {"en": "the tasks' defaults, one shared encoder pass",
                       "zh": "the tasks' Chinese defaults"},
        "explain.v1": {"en": "occlusion over the explained task's model",
                       "zh": "occlusion over the explained task's model"},
        "answer.v1": {"en": "smollm2-135m-instruct over retrieved passages",
                      "zh": "a GGUF model you bring, over retrieved passages"},
        "classify.v1": {"en": "zero-shot on all-MiniLM-L6-v2",
                        "zh": "zero-shot on use-multilingual-v3"},
        "embed.v1": {"en": "all-MiniLM-L6-v2", "zh": "use-multilingual-v3"},
        "keywords.v1": {"en": "spaCy candidates ranked by all-MiniLM-L6-v2 + MMR",
                        "zh": "jieba compounds ranked by TF-IDF (shipped table) + position"},
        "language.v1": {"en": "py3langid (97 languages)", "zh": "py3langid (97 languages)"},
        "ner.v1": {"en": "en-ner-minilm", "zh": "zh-ner-charcrf"},
        "redact.v1": {"en": "patterns + Presidio + en-ner-minilm",
                      "zh": "patterns + zh-ner-charcrf + jieba names"},
        "relations.v1": {"en": "semeval-minilm", "zh": "relation types taught by example"},
        "sentiment.v1": {"en": "goemotions-fin-minilm", "zh": "zh-fusion"},
        "summarize.v1": {"en": "abstractive smollm2-135m-instruct or extractive on "
                         "all-MiniLM-L6-v2", "zh": "extractive on use-multilingual-v3"},
    }
    result = runner.invoke(app, ["tasks"])
    assert result.exit_code == 0 and "sentiment.v1" in result.output
    assert "answer.v1" in result.output and "POST /v1/T" in result.output


def test_compare_keeps_model_names_whole_at_80_columns():
    from rich.console import Console

    from lepton_ai.cli.training import comparison_table

    rows = [{"model": name, "task": "classify", "method": "head", "base": "all-MiniLM-L6-v2",
             "accuracy": 0.9, "macro_f1": 0.88, "f1": None, "evaluated_on": "given",
             "train_seconds": 12.5, "trainable_parameters": 1155, "size_mb": 0.1}
            for name in ("intents-head-v2", "intents-lora-v3")]
    for width in (80, 200):
        console = Console(width=width, record=True)
        console.print(comparison_table(rows, width))
        shown = console.export_text()
        assert "intents-head-v2" in shown and "intents-lora-v3" in shown, shown
        assert max(len(line) for line in shown.splitlines()) <= width


def test_chat_says_it_is_loading_the_model_before_the_first_prompt(monkeypatch):
    from rich.console import Console

    from lepton_ai.cli import generation
    from lepton_ai.models import generator
    from lepton_ai.tasks import chat

    screen = Console(force_terminal=True, record=True, width=100)
    seen = []

    def slow_load(model=None):
        seen.append(screen.export_text(clear=False))
        return object()

    monkeypatch.setattr(generation, "console", screen)
    monkeypatch.setattr(generation, "errors", screen)
    monkeypatch.setattr(generator, "load_generator", slow_load)
    monkeypatch.setattr(chat, "chat", lambda *a, **k: iter(["Hello", "!"]))
    result = CliRunner().invoke(app, ["chat", "--prompt", "hi"])
    assert result.exit_code == 0, result.output
    assert seen and "Loading the packaged chat model" in seen[0], seen
    assert "Hello!" in screen.export_text()
