"""``/admin``: load a model version, switch the current one, roll back — no restart.

Changes go through the admin journal, so every process of the service makes them
(``lepton_ai.serve.admin_journal``)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from lepton_ai.serve.security import require_admin_key

router = APIRouter(prefix="/admin", dependencies=[Depends(require_admin_key)], tags=["admin"])


class LoadVersion(BaseModel):
    """A trained model directory on the server's disk to load as a new version."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(..., description="Model directory (with lepton.json) on the server, "
                      "inside its model roots (--model-root).")
    version: str = Field(..., min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    make_current: bool = Field(True, description="Switch the name to it once loaded.")


class ExportVersion(BaseModel):
    """How to export a served version (``lai export``)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["onnx", "hf"] = Field(
        "onnx", description="onnx: a bundle that runs with onnxruntime, tokenizers and numpy "
        "alone (classifiers); hf: a Hugging Face folder (classifiers and taggers).")
    precision: Literal["fp32", "int8"] = Field("fp32", description="onnx only.")


class SwitchVersion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str = Field(..., min_length=1, max_length=64)


@router.get("/models", summary="Served models, their versions and history")
async def list_versions(request: Request) -> list[dict[str, Any]]:
    return request.app.state.lai.models.describe()


@router.post("/models/{name}/versions", summary="Load a new version (optionally switch to it)")
async def load_version(name: str, body: LoadVersion, request: Request) -> dict[str, Any]:
    state = request.app.state.lai
    path = str(state.config.check_model_path(body.path))  # LAI-E816 outside the roots
    loaded = await state.run_blocking(lambda: state.admin.make(
        {"op": "load", "name": name, "version": body.version, "path": path,
         "make_current": body.make_current}))
    return {"loaded": loaded.describe(), "current": state.models.get(name).version}


@router.put("/models/{name}/current", summary="Switch the name to a loaded version")
async def switch_version(name: str, body: SwitchVersion, request: Request) -> dict[str, Any]:
    state = request.app.state.lai
    loaded = await state.run_blocking(lambda: state.admin.make(
        {"op": "switch", "name": name, "version": body.version}))
    return {"name": name, "current": loaded.version}


@router.post("/models/{name}/rollback", summary="Return to the previous current version")
async def rollback(name: str, request: Request) -> dict[str, Any]:
    state = request.app.state.lai
    loaded = await state.run_blocking(lambda: state.admin.make(
        {"op": "rollback", "name": name}))
    return {"name": name, "current": loaded.version}


@router.post("/models/{name}/versions/{version}/export",
             summary="Export a served version as a zipped bundle (lai export)")
async def export_version(name: str, version: str, body: ExportVersion,
                         request: Request) -> dict[str, Any]:
    state = request.app.state.lai
    loaded = state.models.get(name, version)
    return dict(await state.run_blocking(lambda: state.exports.export(
        loaded.name, loaded.version, loaded.path, body.format, body.precision)))


@router.get("/exports/{file}", summary="Download an exported bundle (zip)",
            response_class=FileResponse)
async def download_export(file: str, request: Request) -> FileResponse:
    path = request.app.state.lai.exports.file(file)
    return FileResponse(path, media_type="application/zip", filename=path.name)
