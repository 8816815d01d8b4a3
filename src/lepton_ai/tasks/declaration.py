"""A task, declared once: every surface (Python, HTTP, Client, CLI, ``lai tasks``) reads it.

A task module ends with one :class:`TaskDeclaration`::

    TASK = TaskDeclaration(
        name="keywords", version="v1", summary="Key phrases, best first.",
        function=keywords, options=KeywordOptions, result=Keyword, many=True,
        defaults={"en": "...", "zh": "..."},
        analysis=AnalysisPart("keywords", field="keywords"))

and :mod:`lepton_ai.tasks.catalog` finds it. From it come ``POST /v1/keywords``
(its OpenAPI schema is the options model), ``lai.Client.keywords``, the ``lai
keywords`` command (text, file or stdin; one option per field, same names and
defaults), the ``lai tasks`` table and, where ``analysis`` is set, membership of
``lai.analyze``. The Python function keeps its own typed signature; a test holds
its defaults to the options model's.

Options are a pydantic model: each field's default and ``description`` are the
one place a default and its help text are written. Fields marked with
:func:`local_only` (a model folder, a knowledge file) exist in Python and the CLI
but never over HTTP: a remote caller must not make the server read its files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, create_model

#: What the input of a task is: texts (one or a list), or questions (one or a list).
InputKind = Literal["texts", "questions"]
LOCAL = "lai_local_only"


class Options(BaseModel):
    """Options of a task call; unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")


def local_only(**extra: Any) -> dict[str, Any]:
    """``json_schema_extra`` of a field served nowhere but in-process (Python, CLI)."""
    return {LOCAL: True, **extra}


@dataclass(frozen=True)
class AnalysisPart:
    """How a task takes part in ``lai.analyze``: its name in ``tasks=`` and its field
    of ``lai.Analysis``."""

    name: str
    field: str


@dataclass(frozen=True)
class TaskDeclaration:
    """One task: its name, function, options, result type and where it takes part.

    Attributes:
        name: the task's name: ``lai.<name>``, ``POST /v1/<name>``, ``lai <name>``.
        version: bumped when results change shape (``"sentiment.v1"``).
        summary: one line for the API docs, ``lai --help`` and ``lai tasks``.
        function: the Python function; takes the input first, options as keywords.
        options: every option with its default and help text.
        result: the type of one text's result (or of each item, with ``many``).
        many: one text's result is a list of ``result`` (entities, key phrases).
        defaults: the default model per language, for ``lai tasks``.
        analysis: how the task takes part in ``lai.analyze`` (None: it does not).
        input: what the input is called on every surface.
        cli_parsers: how the CLI turns an option's text into its value (lists are
            comma-separated by default).
        call_model: for a task that picks one model for a whole call (embeddings:
            vectors of one call must be comparable), the name of that model for
            given inputs and options. The server then decides it per request, so
            requests batched together never change each other's model, and answers
            with its name.
        custom_cli: the ``lai <name>`` command is written by hand (its output is not
            JSON lines); it must still take every option, as a test checks.
    """

    name: str
    version: str
    summary: str
    function: Callable[..., Any]
    options: type[Options]
    result: type
    many: bool = False
    defaults: Mapping[str, str] = field(default_factory=dict)
    analysis: AnalysisPart | None = None
    input: InputKind = "texts"
    cli_parsers: Mapping[str, Callable[[str], Any]] = field(default_factory=dict)
    call_model: Callable[[Sequence[str], Mapping[str, Any]], str] | None = None
    custom_cli: bool = False

    @property
    def versioned_name(self) -> str:
        """``"sentiment.v1"``: what a served answer's ``task`` field says."""
        return f"{self.name}.{self.version}"

    def local_options(self) -> tuple[str, ...]:
        """Option names that are never served over HTTP."""
        return tuple(name for name, info in self.options.model_fields.items()
                     if isinstance(info.json_schema_extra, dict)
                     and info.json_schema_extra.get(LOCAL))

    def served_options(self) -> type[Options]:
        """The options model of ``POST /v1/<name>``: every option but the local ones."""
        local = set(self.local_options())
        if not local:
            return self.options
        kept = {name: (info.annotation, info) for name, info in
                self.options.model_fields.items() if name not in local}
        served = create_model(f"{self.options.__name__}Served", __base__=Options,
                              __doc__=self.options.__doc__, **kept)  # type: ignore[call-overload]
        return served

    def option_defaults(self) -> dict[str, Any]:
        """Each option's default (``...`` for a required one)."""
        return {name: (... if info.is_required() else info.get_default(call_default_factory=True))
                for name, info in self.options.model_fields.items()}

    def run(self, inputs: Sequence[str], **options: Any) -> list[Any]:
        """The function over a list of inputs: one result per input, in order.

        Array results come back as plain NumPy rows (JSON writers take them as they are).
        """
        import numpy as np

        found = self.function(list(inputs), **options)
        if isinstance(found, np.ndarray):
            return list(np.asarray(found))
        return list(found)
