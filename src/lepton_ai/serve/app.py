"""The FastAPI app of ``lai serve``: routes, error handlers, middleware, lifecycle."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

from lepton_ai._version import __version__
from lepton_ai.errors import LeptonError
from lepton_ai.serve import (
    admin_routes,
    assistant_routes,
    chat_routes,
    console_routes,
    monitor_routes,
    ocr_routes,
    openai_routes,
    recommend_routes,
    search_routes,
    speech_routes,
    task_routes,
    train_routes,
)
from lepton_ai.serve.config import ServeConfig
from lepton_ai.serve.http_errors import (
    on_http_error,
    on_lepton_error,
    on_unexpected_error,
    on_validation_error,
)
from lepton_ai.serve.middleware import ServeMiddleware
from lepton_ai.serve.responses import JSONBytes
from lepton_ai.serve.security import document_security, require_api_key
from lepton_ai.serve.state import ServerState

#: The API's routers, in the order they are matched.
ROUTERS = (openai_routes.router, chat_routes.router, assistant_routes.router,
           monitor_routes.router, recommend_routes.router, search_routes.router,
           task_routes.router,
           train_routes.router, admin_routes.router, console_routes.router,
           ocr_routes.router, speech_routes.router)

DESCRIPTION = """Every lepton-ai task and your trained models behind one interface.

* OpenAI-compatible: `POST /v1/embeddings`, `POST /v1/chat/completions` (streaming
  with server-sent events), `GET /v1/models`.
* Tasks: `POST /v1/{task}` with `{"input": "text" | ["texts"], "options": {...}}`.
* Your models: `POST /v1/models/{name}/predict`; versions under `/admin`.
* Errors: `{"error": {"code": "LAI-E###", "message": ...}}`; 429/503 carry Retry-After.
"""


def build_app(config: ServeConfig | None = None) -> FastAPI:
    """The server app; models load (and warm) on start-up, then ``/readyz`` turns 200."""
    config = config or ServeConfig()
    state = ServerState(config)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await state.run_blocking(state.load_configured_models)
        await state.run_blocking(state.admin.catch_up)  # changes made before this start
        follower = (asyncio.create_task(state.admin.follow(state.run_blocking))
                    if state.admin.journal.shared else None)
        if config.warm:
            await state.run_blocking(state.warm_defaults)
        watcher = (asyncio.create_task(state.watch_drift())
                   if config.drift_webhook else None)
        state.ready = True
        yield
        state.ready = False
        for task in (follower, watcher):
            if task is not None:
                task.cancel()
        await state.close()
        state.metrics.process_exit()

    app = FastAPI(title="lepton-ai", version=__version__, description=DESCRIPTION,
                  lifespan=lifespan, default_response_class=JSONBytes)
    app.state.lai = state
    for router in ROUTERS:
        app.include_router(router)
    _add_health_routes(app)
    document_security(app, open_paths=HEALTH_PATHS)
    app.add_exception_handler(LeptonError, on_lepton_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(HTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected_error)
    if config.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins),
                           allow_methods=["GET", "POST", "PUT"],
                           allow_headers=["Authorization", "X-API-Key", "Content-Type"])
    app.add_middleware(ServeMiddleware, metrics=state.metrics,
                       max_body_bytes=config.max_body_bytes,
                       max_upload_bytes=config.max_upload_bytes, backlog=state.backlog_seconds,
                       max_backlog_s=config.batching.max_queue_seconds,
                       routes=[route for router in ROUTERS for route in router.routes],
                       body_timeout_s=config.body_timeout_s)
    from lepton_ai.serve.connections import GuardedHttpProtocol

    GuardedHttpProtocol.header_timeout_s = config.header_timeout_s  # this process's server
    return app


#: Environment variable that carries the config to ``--workers`` processes.
CONFIG_ENV = "LAI_SERVE_CONFIG"


def app_from_environment() -> FastAPI:
    """App factory for worker processes (``lai serve --workers N``)."""
    import os

    return app_from_config_json(os.environ[CONFIG_ENV])


def app_from_config_json(text: str) -> FastAPI:
    """The app of a server process started elsewhere (uvicorn workers, Ray replicas)
    from :meth:`ServeConfig.to_json`, with its access log set up."""
    from lepton_ai.serve.observe import configure_logging

    config = ServeConfig.from_json(text)
    configure_logging(config.access_log)
    return build_app(config)


#: Routes that answer without an API key.
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})


def _add_health_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"], summary="Alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], summary="Models loaded and warmed",
             responses={503: {"description": "Still loading"}})
    async def readyz(request: Request) -> Any:
        if request.app.state.lai.ready:
            return {"status": "ready"}
        return JSONBytes({"status": "loading"}, status_code=503)

    @app.get("/metrics", tags=["operations"], summary="Prometheus metrics",
             dependencies=[Depends(require_api_key)], response_class=Response)
    async def metrics(request: Request) -> Response:
        state = request.app.state.lai
        state.queue_depths()
        return Response(state.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
