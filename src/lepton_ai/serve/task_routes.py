"""``POST /v1/{task}`` for every built-in task and ``POST /v1/models/{name}/predict``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, create_model

from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import require_api_key
from lepton_ai.serve.served_tasks import ServedTask, served_tasks

router = APIRouter(dependencies=[Depends(require_api_key)])

TextInput = str | list[str]


class TaskResponse(BaseModel):
    """``data`` has the shape of the Python call: one result for one text, else a list.

    ``model`` names the model of tasks that pick one per call (embeddings)."""

    task: str
    data: Any
    model: str | None = None


class PredictRequest(BaseModel):
    """Input for a trained model; ``version`` picks one other than the current."""

    model_config = ConfigDict(extra="forbid")

    input: TextInput = Field(..., description="One text or a list of texts.")
    version: str | None = Field(None, description="A loaded version (default: current).")


class PredictResponse(BaseModel):
    model: str
    version: str
    data: Any


def _texts(value: TextInput) -> tuple[list[str], bool]:
    return ([value], True) if isinstance(value, str) else (list(value), False)


def _add_task_route(task: ServedTask) -> None:
    request_model = create_model(
        f"{task.name.capitalize()}Request",
        __config__=ConfigDict(extra="forbid"),
        input=(TextInput, Field(..., description="One text or a list of texts.")),
        options=(task.options, Field(default_factory=task.options)
                 if not task.options.model_json_schema().get("required") else ...),
    )

    async def run_task(body: Any, request: Request) -> Any:
        state = request.app.state.lai
        texts, single = _texts(body.input)
        texts = state.check_texts(texts)
        key, values, model = task.prepare(texts, body.options)
        batcher = state.batcher(f"task:{task.name}", task.run_batch)
        results = await batcher.submit([(text, key, values) for text in texts])
        answer: dict[str, Any] = {"task": task.declaration.versioned_name,
                                  "data": results[0] if single else results}
        if model is not None:
            answer["model"] = model
            request.scope["lai"]["model"] = model
        return JSONBytes(answer)

    # The body's model is made at run time, so its annotation is set here.
    run_task.__annotations__["body"] = request_model
    router.add_api_route(f"/v1/{task.name}", run_task, methods=["POST"],
                         response_model=TaskResponse, summary=task.summary,
                         tags=["tasks"], name=task.name)


for _task in served_tasks():
    _add_task_route(_task)


@router.post("/v1/models/{name}/predict", response_model=PredictResponse, tags=["your models"],
             summary="Predict with a served trained model")
async def predict(name: str, body: PredictRequest, request: Request) -> Any:
    state = request.app.state.lai
    loaded = state.models.get(name, body.version)
    request.scope["lai"]["model"] = f"{loaded.name}@{loaded.version}"
    texts, single = _texts(body.input)
    texts = state.check_texts(texts)
    batcher = state.batcher(f"model:{loaded.name}@{loaded.version}",
                            lambda items: loaded.predict([text for text, in items]))
    results = await batcher.submit([(text,) for text in texts])
    if loaded.task == "classify":
        state.keep_uncertain(loaded.name, loaded.version, texts, results)
    return JSONBytes({"model": loaded.name, "version": loaded.version,
                           "data": results[0] if single else results})
