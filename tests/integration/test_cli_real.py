"""The `lai` command on the packaged models."""

from typer.testing import CliRunner

from lepton_ai.cli.main import app

runner = CliRunner()


def test_demo_answers_bilingual_queries():
    result = runner.invoke(app, ["demo"], env={"COLUMNS": "200", "LEPTON_PROGRESS": "0"})
    assert result.exit_code == 0, result.output
    assert "indexed 24 documents" in result.output
    assert "use-multilingual-v3" in result.output
    # the stolen-card FAQ answers the English query, in either language
    stolen = result.output.split("query: my card was stolen")[1].split("query:")[0]
    assert "faq-en-3" in stolen and "faq-zh-2" in stolen


def test_similarity_of_paraphrases_beats_unrelated_text():
    close = runner.invoke(app, ["similarity", "A man is playing a guitar.", "Someone plays an instrument."])
    far = runner.invoke(app, ["similarity", "A man is playing a guitar.", "Stocks fell sharply."])
    assert close.exit_code == far.exit_code == 0
    assert float(close.stdout) > float(far.stdout) + 0.3


def test_analyze_on_ray_gives_the_in_process_results(tmp_path):
    import json

    import pyarrow.parquet as pq
    import ray

    import lepton_ai as lai
    from lepton_ai.tasks.run_file import plain

    texts = ["Great phone, the battery lasts for days.", "Apple opened a store in Paris.",
             "Terrible service at the airport.", "李明在北京大学工作。"] * 5
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps({"n": i, "text": t}) + "\n"
                              for i, t in enumerate(texts)), encoding="utf-8")
    try:
        result = runner.invoke(app, ["analyze", str(source), "--out", str(tmp_path / "out.parquet"),
                                     "--tasks", "sentiment,ner", "--ray", "--actors", "1"],
                               env={"LEPTON_PROGRESS": "0"})
    finally:
        ray.shutdown()
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("n").to_pylist() == list(range(len(texts)))
    got = [json.loads(value) for value in table.column("analysis").to_pylist()]
    expected = json.loads(json.dumps(plain(lai.analyze(texts, ["sentiment", "ner"]))))
    assert got == expected
