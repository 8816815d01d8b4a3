"""Generation on a tiny random transformers LM built in the test session: chat,
streaming, cancellation, timeouts, context fitting, the shared lock, templates
with schemas, abstractive summaries and grounded answers."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.models.generator import (
    GenerationConfig,
    TransformersGenerator,
    cut_at_stop,
    load_generator,
    resolve_model,
)


def test_a_hugging_face_folder_runs_on_transformers(tiny_lm_dir: Path, tmp_path: Path) -> None:
    assert resolve_model(tiny_lm_dir) == ("transformers", tiny_lm_dir)
    assert isinstance(load_generator(str(tiny_lm_dir)), TransformersGenerator)
    with pytest.raises(LeptonError, match="LAI-E902"):
        resolve_model(tmp_path)


def test_chat_is_deterministic_and_streaming_gives_the_same_text(tiny_lm_dir: Path) -> None:
    first = lai.chat("the cat sat on the mat", model=tiny_lm_dir, max_tokens=12)
    again = lai.chat("the cat sat on the mat", model=tiny_lm_dir, max_tokens=12)
    pieces = list(lai.chat("the cat sat on the mat", model=tiny_lm_dir, max_tokens=12,
                           stream=True))
    assert isinstance(first, str) and first and first == again
    assert len(pieces) > 1 and "".join(pieces).strip() == first


def test_the_model_template_is_used(tiny_lm_dir: Path) -> None:
    generator = load_generator(str(tiny_lm_dir))
    prompt = generator.chat_prompt([{"role": "user", "content": "hi"}])
    assert prompt == "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n"


def test_cancel_stops_a_stream_from_another_thread(tiny_lm_dir: Path) -> None:
    cancel = threading.Event()
    pieces = []
    for piece in lai.chat("bank card", model=tiny_lm_dir, max_tokens=400, stream=True,
                          cancel=cancel):
        pieces.append(piece)
        if len(pieces) == 3:
            threading.Thread(target=cancel.set).start()
            time.sleep(0.05)
    assert 3 <= len(pieces) <= 6  # the tiny model never ends by itself: only cancel stops it


def test_timeout_bounds_generation(tiny_lm_dir: Path) -> None:
    generator = load_generator(str(tiny_lm_dir))
    prompt = generator.chat_prompt([{"role": "user", "content": "money"}])
    started = time.monotonic()
    text = generator.complete(prompt, GenerationConfig(max_tokens=5000, timeout_s=0.3))
    assert time.monotonic() - started < 5
    assert 0 < len(text.split()) < 1000


def test_an_overlong_conversation_is_fitted_not_crashed(tiny_lm_dir: Path) -> None:
    generator = load_generator(str(tiny_lm_dir))
    messages = [{"role": "system", "content": "good"}] + [
        {"role": "user" if i % 2 == 0 else "assistant", "content": "the cat sat " * 8}
        for i in range(12)
    ]
    fitted = generator.fit_prompt(messages, max_tokens=16)
    assert fitted[0] == messages[0] and fitted[-1] == messages[-1] and len(fitted) < 13
    assert generator.count_tokens(generator.chat_prompt(fitted)) <= generator.n_ctx - 16
    alone = generator.fit_prompt([{"role": "user", "content": "money " * 500}], max_tokens=16)
    assert generator.count_tokens(generator.chat_prompt(alone)) <= generator.n_ctx - 16
    reply = lai.chat("money " * 500, model=tiny_lm_dir, max_tokens=16)
    assert reply


def test_concurrent_callers_share_one_model_safely(tiny_lm_dir: Path) -> None:
    expected = lai.chat("hotel room", model=tiny_lm_dir, max_tokens=10)
    results: list[str] = []

    def call() -> None:
        results.append(lai.chat("hotel room", model=tiny_lm_dir, max_tokens=10))  # type: ignore[arg-type]

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4


def test_stop_strings_end_the_text_even_across_pieces() -> None:
    assert "".join(cut_at_stop(iter(["Hello wor", "ld. EN", "D more"]), ["END"])) == (
        "Hello world. ")
    assert "".join(cut_at_stop(iter(["a", "b"]), ["zz"])) == "ab"
    assert list(cut_at_stop(iter(["x", "y"]), [])) == ["x", "y"]


def test_stop_strings_apply_to_transformers_models(tiny_lm_dir: Path) -> None:
    full = lai.chat("the cat sat on the mat", model=tiny_lm_dir, max_tokens=12)
    word = full.split()[3]
    cut = lai.chat("the cat sat on the mat", model=tiny_lm_dir, max_tokens=12, stop=[word])
    assert word not in cut and full.startswith(cut.strip())


def test_sampled_generations_differ_by_seed(tiny_lm_dir: Path) -> None:
    texts = lai.generate("Write to {name}.", {"name": "the bank"}, n=3, model=tiny_lm_dir,
                         max_tokens=8, temperature=1.0)
    assert isinstance(texts, list) and len(texts) == 3 and len(set(texts)) > 1


def test_json_that_never_matches_the_schema_is_retried_then_reported(
        tiny_lm_dir: Path) -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}},
              "required": ["city"]}
    with pytest.raises(LeptonError, match=r"LAI-E905.*3 attempts"):
        lai.generate("Where is {x}?", {"x": "the bank"}, schema=schema, model=tiny_lm_dir,
                     max_tokens=8, retries=2)


def test_abstractive_summary_of_a_text_longer_than_the_context(
        tiny_lm_dir: Path, tmp_cache: Path) -> None:
    text = " ".join(f"The bank card {i} was good." for i in range(60))
    generator = load_generator(str(tiny_lm_dir))
    assert generator.count_tokens(text) > generator.n_ctx  # forces map-reduce
    summary = lai.summarize(text, method="abstractive", model=tiny_lm_dir)
    assert summary.method == "abstractive" and summary.model == tiny_lm_dir.name
    assert summary.text and summary.spans == []
    assert lai.summarize(text[:150], model=tiny_lm_dir).method == "abstractive"  # fits
    assert lai.summarize(text, model=tiny_lm_dir, encoder=None).method == "extractive"
    assert lai.summarize(text[:150]).method == "extractive"  # no model named


def test_a_long_dialogue_is_retold_chunk_by_chunk_then_summarized_as_prose(
        tiny_lm_dir: Path, tmp_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import lepton_ai.tasks.summarize as summarize_module

    asked: list[bool] = []
    real_prompt = summarize_module._prompt

    def recording_prompt(text, max_sentences, max_words, dialogue=False):
        asked.append(dialogue)
        return real_prompt(text, max_sentences, max_words, dialogue)

    monkeypatch.setattr(summarize_module, "_prompt", recording_prompt)
    text = "\n".join(f"#Person{1 + i % 2}#: The bank card {i} was good." for i in range(60))
    summary = lai.summarize(text, method="abstractive", model=tiny_lm_dir)
    assert summary.method == "abstractive" and summary.text
    assert asked[0] is True  # the chunks are retold as a conversation ...
    assert asked[-1] is False  # ... and the partial summaries summarized as prose


def test_answer_cites_a_real_span_or_says_it_does_not_know(
        tiny_lm_dir: Path, tmp_cache: Path) -> None:
    documents = ["Reset your card password in the app under Security. It takes a minute.",
                 "The hotel room was clean and the music was good."]
    unknown = lai.answer("What is the boiling point of mercury?", documents=documents,
                         min_score=0.9, model=tiny_lm_dir)
    assert not unknown.known and unknown.text == "I don't know." and unknown.citations == []
    answered = lai.answer("How do I reset my card password?", documents=documents,
                          ids=["faq-1", "review-7"], min_score=-1.0, model=tiny_lm_dir)
    assert answered.known  # the tiny model's vocabulary cannot spell "I don't know"
    cited = answered.citations[0]
    source = documents[["faq-1", "review-7"].index(cited.document)]
    assert source[cited.start:cited.end].strip() == cited.text
    with pytest.raises(LeptonError, match="LAI-E908"):
        lai.answer("x", documents="not a list", model=tiny_lm_dir)
