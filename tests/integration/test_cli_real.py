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
