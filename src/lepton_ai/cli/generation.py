"""``lai chat`` and ``lai summarize``: generation from the terminal."""

from __future__ import annotations

from typing import Annotated

import typer

from lepton_ai.cli.common import app, coded_errors, console
from lepton_ai.cli.output import errors


@app.command()
@coded_errors
def chat(
    prompt: Annotated[str | None, typer.Option(
        "--prompt", "-p", help="One question; prints the reply and exits.")] = None,
    system: Annotated[str | None, typer.Option(help="A system message.")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="A GGUF file or Hugging Face causal-LM folder "
        "(default: packaged SmolLM2-135M).")] = None,
    max_tokens: Annotated[int, typer.Option(help="Most tokens per reply.")] = 256,
    temperature: Annotated[float, typer.Option(help="0 = greedy, deterministic.")] = 0.0,
) -> None:
    """Chat with the local language model (streams the reply; Ctrl-D or 'exit' ends)."""
    from lepton_ai.models.generator import load_generator
    from lepton_ai.tasks.chat import chat as run_chat

    # Loading takes seconds; without a word the terminal looks hung. On stderr, so a
    # piped reply stays clean; the store keeps the model for run_chat below.
    errors.print(f"[dim]Loading {model or 'the packaged chat model'}…[/]")
    load_generator(model)

    messages: list[dict[str, str]] = [{"role": "system", "content": system}] if system else []

    def reply(text: str) -> None:
        messages.append({"role": "user", "content": text})
        pieces = []
        for piece in run_chat(messages, stream=True, max_tokens=max_tokens,
                              temperature=temperature, model=model):
            pieces.append(piece)
            console.print(piece, end="", markup=False, highlight=False, soft_wrap=True)
        console.print()
        messages.append({"role": "assistant", "content": "".join(pieces).strip()})

    if prompt is not None:
        reply(prompt)
        return
    console.print("[dim]lai chat — type a message; Ctrl-D or 'exit' ends.[/]")
    while True:
        try:
            text = console.input("[bold]> [/]")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if text.strip().lower() in ("exit", "quit"):
            return
        if text.strip():
            reply(text)
