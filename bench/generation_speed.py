"""Generation speed: ``lai.chat`` vs raw llama-cpp-python on the same model, threads
and prompts (same process, alternating), plus this machine's memory-bandwidth bound.

For each round a different DialogSum dev dialogue is cut to a 200-token prompt (so
llama.cpp's prefix cache never helps), and both contenders generate greedily up to
128 tokens or end-of-text (greedy: both write the same text for the same prompt).

* time to first token (TTFT): request start → first text piece;
* prefill tokens/s: prompt tokens / TTFT;
* decode tokens/s: (generated tokens − 1) / (last piece − first piece).

    .venv/bin/python bench/generation_speed.py --rounds 10
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import numpy as np

import lepton_ai as lai
from _common import SHARED_DATA, LoadMeter, code_version, record
from lepton_ai.models.generator import DEFAULT_CONTEXT, default_model_file, load_generator
from lepton_ai.settings import settings

PROMPT_TOKENS = 200
NEW_TOKENS = 128


def prompts(count: int) -> list[list[dict[str, str]]]:
    """``count`` conversations whose chat prompt is ~200 tokens (distinct dialogues)."""
    generator = load_generator()
    rows = (SHARED_DATA / "dialogsum" / "dialogsum.dev.jsonl").read_text("utf-8").splitlines()
    out = []
    for line in rows[:count]:
        dialogue = json.loads(line)["dialogue"]
        frame = "Retell this conversation in detail:\n\n"
        overhead = generator.count_tokens(generator.chat_prompt(
            [{"role": "user", "content": frame}]))
        tokens = generator.llama.tokenize(dialogue.encode(), add_bos=False)
        text = generator.llama.detokenize(tokens[:PROMPT_TOKENS - overhead]).decode(
            "utf-8", "ignore")
        out.append([{"role": "user", "content": frame + text}])
    return out


def timed(pieces: Iterator[str]) -> tuple[float, float, str]:
    """(first-piece time, last-piece time, text) of a stream, times from its start."""
    started = time.perf_counter()
    first = last = 0.0
    text = []
    for piece in pieces:
        now = time.perf_counter() - started
        first = first or now
        last = now
        text.append(piece)
    return first, last, "".join(text)


def raw_contender() -> Callable[[list[dict[str, str]]], Iterator[str]]:
    """Plain llama-cpp-python with the settings lai uses (threads, context, greedy)."""
    from llama_cpp import Llama

    llama = Llama(model_path=str(default_model_file()), n_ctx=DEFAULT_CONTEXT,
                  n_threads=settings.threads, n_threads_batch=settings.threads,
                  verbose=False, seed=0)
    lai_prompt = load_generator().chat_prompt  # the same prompt string for both

    def run(messages: list[dict[str, str]]) -> Iterator[str]:
        for chunk in llama.create_completion(lai_prompt(messages), max_tokens=NEW_TOKENS,
                                             temperature=0.0, stream=True, seed=0):
            yield chunk["choices"][0]["text"]  # type: ignore[index]

    return run


def lai_contender(messages: list[dict[str, str]]) -> Iterator[str]:
    return lai.chat(messages, stream=True, max_tokens=NEW_TOKENS)  # type: ignore[return-value]


def bandwidth_gb_s(threads: int) -> float:
    """Read bandwidth: ``threads`` threads summing their own 256 MB (NumPy drops the GIL)."""
    arrays = [np.ones(64 * 2**20, dtype=np.float32) for _ in range(threads)]
    best = 0.0
    for _ in range(3):
        workers = [threading.Thread(target=a.sum) for a in arrays]
        started = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        best = max(best, sum(a.nbytes for a in arrays) / (time.perf_counter() - started) / 1e9)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    generator = load_generator()
    conversations = prompts(2 * args.rounds + 1)
    contenders = {"llama-cpp-python": raw_contender(), "lai.chat": lai_contender}
    for run in contenders.values():  # warm both (page in the weights, build graphs)
        timed(run(conversations[-1]))
    results: dict[str, list[tuple[float, float, float, int, int]]] = {k: [] for k in contenders}
    with LoadMeter([os.getpid()]) as meter:
        for round_ in range(args.rounds):
            order = list(contenders) if round_ % 2 == 0 else list(contenders)[::-1]
            for index, name in enumerate(order):
                messages = conversations[2 * round_ + index]
                prompt_tokens = generator.count_tokens(generator.chat_prompt(messages))
                first, last, text = timed(contenders[name](messages))
                produced = generator.count_tokens(text)
                results[name].append((first, last, prompt_tokens / first, produced,
                                      prompt_tokens))
    model_bytes = default_model_file().stat().st_size
    bandwidth = bandwidth_gb_s(settings.threads)
    for name, rows in results.items():
        decode = [(produced - 1) / (last - first) for first, last, _, produced, _ in rows
                  if produced > 1 and last > first]
        record("generation_speed", {
            "contender": name, "rounds": args.rounds, "threads": settings.threads,
            "prompt_tokens_median": statistics.median(r[4] for r in rows),
            "ttft_ms_p50": round(1000 * statistics.median(r[0] for r in rows), 1),
            "ttft_ms_max": round(1000 * max(r[0] for r in rows), 1),
            "prefill_tok_s": round(statistics.median(r[2] for r in rows), 1),
            "decode_tok_s": round(statistics.median(decode), 1),
            "decode_tok_s_range": [round(min(decode), 1), round(max(decode), 1)],
            "generated_tokens_median": statistics.median(r[3] for r in rows),
            "model_mb": round(model_bytes / 1e6, 1), "read_gb_s": round(bandwidth, 1),
            "bandwidth_bound_tok_s": round(bandwidth * 1e9 / model_bytes, 1),
            "foreign_cores": round(meter.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
