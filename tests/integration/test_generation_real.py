"""The packaged SmolLM2-135M through llama.cpp: chat, streaming, cancellation,
templates with JSON schemas, abstractive summaries (temperature 0: deterministic)."""

from __future__ import annotations

import threading

import pytest

import lepton_ai as lai
from lepton_ai.models.generator import load_generator


def test_chat_is_deterministic_at_temperature_zero_and_streams_the_same_text() -> None:
    question = "What is the capital of France? Answer in one word."
    first = lai.chat(question, max_tokens=16)
    assert isinstance(first, str) and first
    assert lai.chat(question, max_tokens=16) == first
    pieces = list(lai.chat(question, max_tokens=16, stream=True))
    assert len(pieces) > 1 and "".join(pieces).strip() == first
    assert "paris" in first.lower()


def test_cancel_stops_a_stream() -> None:
    cancel = threading.Event()
    pieces = []
    for piece in lai.chat("Count from 1 to 200, separated by commas.", max_tokens=300,
                          stream=True, cancel=cancel):
        pieces.append(piece)
        if len(pieces) == 5:
            cancel.set()
    assert len(pieces) <= 6


def test_a_conversation_longer_than_the_context_is_cut_not_crashed() -> None:
    generator = load_generator()
    long_turn = "The bank statement lists many transactions. " * 400
    messages = [{"role": "system", "content": "Be brief."}]
    messages += [{"role": "user", "content": long_turn}, {"role": "assistant", "content": "OK."}]
    messages += [{"role": "user", "content": "Say hello."}]
    fitted = generator.fit_prompt(messages, 32)
    assert fitted[0]["role"] == "system" and fitted[-1]["content"] == "Say hello."
    assert generator.count_tokens(generator.chat_prompt(fitted)) <= generator.n_ctx - 32
    assert isinstance(lai.chat(messages, max_tokens=32), str)


def test_concurrent_callers_share_one_model_safely() -> None:
    results: list[str] = []

    def ask() -> None:
        results.append(lai.chat("Say yes.", max_tokens=4))  # type: ignore[arg-type]

    threads = [threading.Thread(target=ask) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 3 and len(set(results)) == 1


def test_json_schema_output_is_parsed_and_valid() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"},
                                               "nights": {"type": "integer"}},
              "required": ["city", "nights"], "additionalProperties": False}
    value = lai.generate("Extract the city and the number of nights as JSON: {text}",
                         {"text": "I booked 3 nights in Lisbon."}, schema=schema,
                         temperature=0.0, max_tokens=60)
    assert set(value) == {"city", "nights"} and isinstance(value["nights"], int)


def test_templates_give_n_different_samples() -> None:
    texts = lai.generate("Write a one-sentence thank-you note to {name}.", {"name": "Ana"},
                         n=2, max_tokens=40)
    assert len(texts) == 2 and all(isinstance(t, str) and t for t in texts)


def test_abstractive_summary_says_how_it_was_made() -> None:
    text = ("The city council met on Tuesday. It approved a new bus line to the airport. "
            "The line starts in March and costs two euros per ride. Critics said the fare is "
            "too high for students.")
    summary = lai.summarize(text, method="abstractive", max_sentences=1)
    assert summary.method == "abstractive" and summary.text
    assert summary.model.startswith("SmolLM2")
    assert lai.summarize(text).method == "extractive"  # auto: the packaged LM only by name
    chosen = lai.summarize(text, model="smollm2-135m-instruct")  # named: fits, English
    assert chosen.method == "abstractive"


@pytest.mark.parametrize("method", ["extractive", "auto"])
def test_chinese_auto_and_extractive_stay_extractive(method: str) -> None:
    text = "今天天气很好。我们去公园散步了很久。公园里有很多人在跑步和打球。晚上我们吃了火锅。"
    assert lai.summarize(text, method=method).method == "extractive"  # type: ignore[arg-type]


def test_grounded_answer_cites_the_passage_it_comes_from() -> None:
    documents = ["Our branch in Porto opens at 9:00 and closes at 17:00 on weekdays.",
                 "Card replacement costs 5 euros and takes three working days.",
                 "Savings accounts pay 2% interest per year."]
    result = lai.answer("How much does a replacement card cost?", documents=documents,
                        ids=["hours", "cards", "savings"])
    assert result.known and result.citations[0].document == "cards"
    cited = result.citations[0]
    assert documents[1][cited.start:cited.end].strip() == cited.text
    assert "5" in result.text
