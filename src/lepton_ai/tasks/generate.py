"""``lai.generate``: text from a template and variables (replies, product copy, report
sentences), optionally as JSON that must match a schema.

    lai.generate("Write a one-line apology to {name} about the {issue}.",
                 {"name": "Ana", "issue": "late delivery"}, n=3)
    lai.generate("Extract the city and date: {text}", {"text": msg},
                 schema={"type": "object", "properties": {...}, "required": [...]})

Templates use ``{name}`` fields only (no attribute or index access); ``{{`` and
``}}`` are literal braces. With ``schema``, the schema is shown to the model, the
runtime constrains sampling to it where it can (llama.cpp grammars; transformers
models are not constrained), the output is parsed and validated, and a failed
attempt is retried with another seed.
"""

from __future__ import annotations

import json
import string
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError
from lepton_ai.models.generator import GenerationConfig, load_generator


def fill(template: str, variables: Mapping[str, Any] | None) -> str:
    """The template with its ``{name}`` fields replaced (LAI-E904 for a missing one)."""
    given = dict(variables or {})
    out = []
    for literal, field, spec, conversion in string.Formatter().parse(template):
        out.append(literal)
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise LeptonError(E.E904, name=field, given=", ".join(sorted(given)) or "none")
        if field not in given:
            raise LeptonError(E.E904, name=field, given=", ".join(sorted(given)) or "none")
        out.append(str(given[field]))
    return "".join(out)


def generate(
    template: str,
    variables: Mapping[str, Any] | None = None,
    *,
    n: int = 1,
    schema: Mapping[str, Any] | None = None,
    max_tokens: int = 200,
    temperature: float = 0.7,
    seed: int = 0,
    retries: int = 2,
    system: str = "You are a helpful writing assistant. Answer with the requested text only.",
    model: str | Path | None = None,
) -> Any:
    """``n`` generations for the filled template: a string (or parsed JSON with
    ``schema``) when ``n == 1``, else a list. Different seeds give different texts."""
    prompt_text = fill(template, variables)
    if schema is not None:
        prompt_text += f"\nAnswer with JSON matching this schema: {json.dumps(schema)}"
    generator = load_generator(None if model is None else str(model))
    messages = generator.fit_prompt([{"role": "system", "content": system},
                                     {"role": "user", "content": prompt_text}], max_tokens)
    prompt = generator.chat_prompt(messages)
    grammar = generator.json_grammar(schema) if schema is not None else None
    results = []
    for sample in range(n):
        for attempt in range(retries + 1):
            config = GenerationConfig(max_tokens=max_tokens, temperature=temperature,
                                      seed=seed + sample + 1000 * attempt, grammar=grammar)
            text = generator.complete(prompt, config).strip()
            if schema is None:
                results.append(text)
                break
            try:
                results.append(_validated(text, schema))
                break
            except ValueError as error:
                if attempt == retries:
                    raise LeptonError(E.E905, attempts=retries + 1, problem=str(error)[:200]) \
                        from None
    return results[0] if n == 1 else results


def _validated(text: str, schema: Mapping[str, Any]) -> Any:
    """Parsed JSON that matches ``schema`` (ValueError otherwise). Without a grammar a
    model may wrap the JSON in prose or a code fence; the outermost braces are tried."""
    import jsonschema

    start, end = text.find("{"), text.rfind("}")
    if not text.lstrip().startswith(("{", "[")) and 0 <= start < end:
        text = text[start:end + 1]
    try:
        value = json.loads(text)
        jsonschema.validate(value, dict(schema))
    except (json.JSONDecodeError, jsonschema.ValidationError) as error:
        raise ValueError(str(error).splitlines()[0]) from None
    return value
