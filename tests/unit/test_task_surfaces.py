"""Every declared task on every surface, with the same option names and defaults.

The declaration (``TASK`` at the end of a task module) is the one place a task's
options and defaults are written; this test walks each declared task through the
Python function, ``POST /v1/<task>`` (OpenAPI), ``lai.Client``, the ``lai``
command and ``lai.analyze``, and fails when a surface is missing or differs.
"""

from __future__ import annotations

import inspect
from dataclasses import fields, replace
from typing import Any

import pytest
import typer.main

import lepton_ai as lai
from lepton_ai.cli.main import app
from lepton_ai.client import Client
from lepton_ai.serve import ServeConfig, build_app
from lepton_ai.tasks.analyze import TASKS as ANALYSIS_TASKS
from lepton_ai.tasks.analyze import Analysis
from lepton_ai.tasks.catalog import declared_tasks
from lepton_ai.tasks.declaration import TaskDeclaration

#: Python parameters that are not options of a call (they steer how it runs).
NOT_OPTIONS = {"show_progress"}
TASKS = declared_tasks()


def keyword_defaults(function: Any, skip: int) -> dict[str, Any]:
    parameters = list(inspect.signature(function).parameters.values())[skip:]
    return {p.name: (... if p.default is inspect.Parameter.empty else p.default)
            for p in parameters if p.kind is not inspect.Parameter.VAR_KEYWORD}


def python_problems(task: TaskDeclaration) -> list[str]:
    declared = task.option_defaults()
    found = {k: v for k, v in keyword_defaults(task.function, 1).items()
             if k not in NOT_OPTIONS}
    problems = [f"lai.{task.name} lacks option {name!r}" for name in declared.keys() - found.keys()]
    problems += [f"lai.{task.name} has undeclared option {name!r}"
                 for name in found.keys() - declared.keys()]
    problems += [f"lai.{task.name}({name}=...) defaults to {found[name]!r}, declared "
                 f"{declared[name]!r}" for name in declared.keys() & found.keys()
                 if found[name] != declared[name]]
    if getattr(lai, task.name, None) is not task.function:
        problems.append(f"lai.{task.name} is not the declared function")
    return problems


def http_problems(task: TaskDeclaration, spec: dict[str, Any]) -> list[str]:
    route = spec["paths"].get(f"/v1/{task.name}", {}).get("post")
    if route is None:
        return [f"POST /v1/{task.name} is missing"]
    schemas = spec["components"]["schemas"]
    body = route["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    options_ref = schemas[body.rsplit("/", 1)[1]]["properties"]["options"]
    ref = options_ref.get("$ref") or next(item["$ref"] for item in options_ref["allOf"])
    properties = schemas[ref.rsplit("/", 1)[1]]["properties"]
    served = task.served_options().model_fields
    problems = [f"/v1/{task.name} options {sorted(properties)} != {sorted(served)}"
                for _ in [0] if set(properties) != set(served)]
    for name, info in served.items():
        default = None if info.is_required() else info.get_default(call_default_factory=True)
        if name in properties and properties[name].get("default") != default:
            problems.append(f"/v1/{task.name} {name} defaults to "
                            f"{properties[name].get('default')!r}, declared {default!r}")
    problems += [f"/v1/{task.name} serves the local-only option {name!r}"
                 for name in task.local_options() if name in properties]
    return problems


def client_problems(task: TaskDeclaration) -> list[str]:
    method = getattr(Client, task.name, None)
    if method is None:
        return [f"Client.{task.name} is missing"]
    found = keyword_defaults(method, 2)
    declared = task.option_defaults()
    served = set(task.served_options().model_fields)
    problems = [f"Client.{task.name} lacks option {name!r}" for name in served - found.keys()]
    problems += [f"Client.{task.name} has undeclared option {name!r}"
                 for name in found.keys() - declared.keys()]
    problems += [f"Client.{task.name}({name}=...) defaults to {found[name]!r}, declared "
                 f"{declared[name]!r}" for name in found.keys() & declared.keys()
                 if found[name] != declared[name]]
    return problems


def cli_problems(task: TaskDeclaration, commands: dict[str, Any]) -> list[str]:
    command = commands.get(task.name)
    if command is None:
        return [f"lai {task.name} is missing"]
    options = {param.name: param for param in command.params}
    problems = []
    for name, default in task.option_defaults().items():
        param = options.get(name)
        if param is None:
            problems.append(f"lai {task.name} lacks --{name.replace('_', '-')}")
            continue
        expected = None if isinstance(default, (list, dict)) else default
        if param.default != expected:
            problems.append(f"lai {task.name} --{name} defaults to {param.default!r}, "
                            f"declared {default!r}")
    return problems


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return build_app(ServeConfig(warm=False)).openapi()


@pytest.fixture(scope="module")
def commands() -> dict[str, Any]:
    group = typer.main.get_command(app)
    context = group.make_context("lai", ["--help"], resilient_parsing=True)
    return {name: group.get_command(context, name)  # type: ignore[attr-defined]
            for name in group.list_commands(context)}  # type: ignore[attr-defined]


def test_the_catalogue_holds_every_task_module_and_answer() -> None:
    names = {task.name for task in TASKS}
    assert {"embed", "classify", "sentiment", "ner", "keywords", "relations", "analyze",
            "summarize", "answer"} <= names


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
def test_every_surface_has_the_declared_options_and_defaults(
        task: TaskDeclaration, openapi: dict[str, Any],
        commands: dict[str, Any]) -> None:
    problems = (python_problems(task) + http_problems(task, openapi) + client_problems(task)
                + cli_problems(task, commands))
    assert not problems, "\n".join(problems)


def test_a_default_that_differs_is_caught(openapi: dict[str, Any],
                                          commands: dict[str, Any]) -> None:
    keywords = next(task for task in TASKS if task.name == "keywords")

    def drifted(texts: Any, k: int = 7, *, method: str = "auto", lang: str = "auto",
                model: Any = None, diversity: float = 0.3, background: Any = None) -> Any:
        return []

    problems = python_problems(replace(keywords, function=drifted))
    assert any("k=...) defaults to 7" in problem for problem in problems)
    renamed = replace(keywords, name="keywordz")
    assert http_problems(renamed, openapi) == ["POST /v1/keywordz is missing"]
    assert cli_problems(renamed, commands) == ["lai keywordz is missing"]
    assert client_problems(renamed) == ["Client.keywordz is missing"]


def test_no_option_takes_a_name_every_command_already_has() -> None:
    from lepton_ai.cli.task_commands import COMMON

    for task in TASKS:
        assert not set(COMMON) & set(task.options.model_fields), task.name


def test_a_task_module_is_named_as_its_task() -> None:
    # `lai NAME` imports lepton_ai.tasks.NAME alone (cli/task_commands.TaskCommandGroup).
    for task in TASKS:
        assert task.function.__module__ == f"lepton_ai.tasks.{task.name}"


def test_analyze_runs_exactly_the_tasks_declared_part_of_it() -> None:
    parts = [task.analysis for task in TASKS if task.analysis is not None]
    assert sorted(part.name for part in parts) == sorted(ANALYSIS_TASKS)
    assert sorted(part.field for part in parts) == sorted(f.name for f in fields(Analysis))


def test_served_answers_are_versioned_by_the_declaration(openapi: dict[str, Any]) -> None:
    for task in TASKS:
        assert openapi["paths"][f"/v1/{task.name}"]["post"]["summary"] == task.summary
