"""``lai.chat``: a conversation turn with the local language model, whole or streamed.

    lai.chat("What is a savings account?")                  # -> str
    for piece in lai.chat(messages, stream=True): print(piece, end="")

The prompt is built with the model's own chat template (ChatML when the file has
none); a conversation longer than the context loses its oldest turns first.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.models.generator import GenerationConfig, Generator, Message, load_generator

ROLES = ("system", "user", "assistant")


def as_messages(messages: str | Sequence[Any]) -> list[Message]:
    """Validate the conversation: a string is one user turn (LAI-E903 otherwise)."""
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    if not isinstance(messages, Sequence) or not messages:
        raise LeptonError(E.E903, index=0, got=type(messages).__name__)
    checked = []
    for index, message in enumerate(messages):
        if (not isinstance(message, dict) or message.get("role") not in ROLES
                or not isinstance(message.get("content"), str)):
            raise LeptonError(E.E903, index=index, got=repr(message)[:80])
        checked.append({"role": message["role"], "content": message["content"]})
    return checked


def build_prompt(generator: Generator, conversation: list[Message], max_tokens: int) -> str:
    """The model's prompt for ``conversation``, cut to leave ``max_tokens`` of room."""
    return generator.chat_prompt(generator.fit_prompt(conversation, max_tokens))


def chat(
    messages: str | Sequence[Any],
    *,
    stream: bool = False,
    max_tokens: int = 256,
    temperature: float = 0.0,
    stop: Sequence[str] = (),
    seed: int = 0,
    timeout_s: float = 120.0,
    model: str | Path | None = None,
    cancel: threading.Event | None = None,
) -> str | Iterator[str]:
    """The assistant's reply to ``messages`` (a string, or role/content dicts).

    Args:
        stream: yield text pieces as they are generated instead of one string.
        max_tokens: most tokens to generate; temperature 0 is greedy (deterministic).
        stop: strings that end the reply (not included).
        timeout_s: generation stops after this many seconds.
        model: a GGUF file, a folder holding one, or a Hugging Face causal-LM folder
            (default: the packaged SmolLM2-135M-Instruct).
        cancel: set this event from another thread to stop generating.
    """
    conversation = as_messages(messages)
    generator = load_generator(None if model is None else str(model))
    prompt = build_prompt(generator, conversation, max_tokens)
    config = GenerationConfig(max_tokens=max_tokens, temperature=temperature,
                              stop=tuple(stop), seed=seed, timeout_s=timeout_s)
    if stream:
        return generator.stream(prompt, config, cancel)
    return generator.complete(prompt, config, cancel).strip()
