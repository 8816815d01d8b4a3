"""``lai serve``: the HTTP service over every task and your trained models."""

from __future__ import annotations

import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lepton_ai.cli.common import app, coded_errors, console
from lepton_ai.settings import settings

if TYPE_CHECKING:
    from lepton_ai.serve.config import ServeConfig
    from lepton_ai.serve.ray_serve import RayServeOptions


@app.command()
@coded_errors
def serve(
    models: Annotated[list[str] | None, typer.Argument(
        help="Trained model directories: DIR, NAME=DIR or NAME@VERSION=DIR.")] = None,
    host: Annotated[str, typer.Option(help="Interface to bind (0.0.0.0 exposes it).")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    api_key: Annotated[str | None, typer.Option(
        "--api-key", envvar="LAI_API_KEY", show_envvar=True,
        help="Require this key (Authorization: Bearer KEY or X-API-Key).")] = None,
    api_keys: Annotated[Path | None, typer.Option(
        "--api-keys", help="File of accepted keys, one per line.")] = None,
    admin_key: Annotated[str | None, typer.Option(
        "--admin-key", envvar="LAI_ADMIN_KEY", show_envvar=True,
        help="Key for /admin routes (load, switch, roll back models), different from the "
        "API keys; without it /admin is off.")] = None,
    model_root: Annotated[list[Path] | None, typer.Option(
        "--model-root", help="A folder /admin may load model directories from (repeat for "
        "more; default: the folders of the models served at start).")] = None,
    max_queue: Annotated[int, typer.Option(help="Most texts waiting per route.")] = 1024,
    max_queue_seconds: Annotated[float, typer.Option(
        help="Refuse work (429) when the queue holds more than this many seconds.")] = 0.5,
    max_batch_tokens: Annotated[int, typer.Option(
        help="Most (estimated) tokens in one model batch, unless --max-batch-seconds "
        "allows more.")] = 1024,
    max_batch_seconds: Annotated[float, typer.Option(
        help="Batches may grow past --max-batch-tokens up to this many seconds of work "
        "at the measured rate (fast CPUs).")] = 0.1,
    max_wait_ms: Annotated[float, typer.Option(
        help="Longest wait to fill a batch (only under concurrent load).")] = 2.0,
    timeout: Annotated[float, typer.Option(help="Seconds before a request gets 503.")] = 10.0,
    pipelines: Annotated[int, typer.Option(
        min=1, help="Batches of one route run at once (2: more throughput, longer p99).")
    ] = 1,
    max_texts: Annotated[int, typer.Option(help="Most texts in one request.")] = 256,
    max_chars: Annotated[int, typer.Option(help="Most characters in one text.")] = 20_000,
    max_body_bytes: Annotated[int, typer.Option(help="Largest request body.")] = 4 * 2**20,
    max_upload_bytes: Annotated[int, typer.Option(
        help="Largest training upload (PUT /v1/train/uploads).")] = 64 * 2**20,
    header_timeout: Annotated[float, typer.Option(
        help="Close a connection whose request head takes longer (slow clients).")] = 10.0,
    body_timeout: Annotated[float, typer.Option(
        help="Answer 408 when a request body stops arriving for this long.")] = 30.0,
    keep_alive: Annotated[float, typer.Option(
        help="Close idle keep-alive connections after this long.")] = 5.0,
    max_connections: Annotated[int, typer.Option(
        help="Open connections above which new requests get 503.")] = 1000,
    cors_origin: Annotated[list[str] | None, typer.Option(
        "--cors-origin", help="Allow this browser origin (repeatable); CORS is off without.")
    ] = None,
    access_log: Annotated[bool, typer.Option(help="JSON access log on stderr.")] = True,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Privacy mode: conversation logs, monitoring stores and training "
        "uploads are redacted (names too) before anything is written.")] = False,
    workers: Annotated[int, typer.Option(
        help="Server processes, each with its own models and batching (more cores).")] = 1,
    chat_model: Annotated[str | None, typer.Option(
        help="GGUF file or Hugging Face causal-LM folder for /v1/chat/completions "
        "(default: packaged SmolLM2-135M).")] = None,
    chat_max_waiting: Annotated[int, typer.Option(
        help="Chat requests admitted at once (running + queued); 429 above.")] = 4,
    chat_max_tokens: Annotated[int, typer.Option(help="Most tokens per chat reply.")] = 512,
    ray: Annotated[bool, typer.Option(
        "--ray", help="Run as Ray Serve replicas (the ray extra); slower on one machine, "
        "for clusters.")] = False,
    min_replicas: Annotated[int, typer.Option(help="With --ray: replicas when idle.")] = 1,
    max_replicas: Annotated[int, typer.Option(help="With --ray: replicas under load.")] = 2,
    replica_cpus: Annotated[float, typer.Option(help="With --ray: CPUs per replica.")] = 1.0,
    ray_address: Annotated[str | None, typer.Option(
        "--ray-address", help="With --ray: a Ray cluster to join (default: a local Ray).")
    ] = None,
    assistant: Annotated[list[str] | None, typer.Option(
        "--assistant", help="Serve a knowledge base from lai assistant build: NAME=KB_DIR or "
        "KB_DIR (repeatable); /v1/assistant/NAME/messages and model assistant:NAME.")] = None,
    monitor: Annotated[list[Path] | None, typer.Option(
        "--monitor", help="Serve a monitor from its config (repeatable): batches of "
        "documents on POST /v1/monitor/NAME/documents, alerts on GET .../alerts.")] = None,
    recommender: Annotated[list[str] | None, typer.Option(
        "--recommender", help="Serve a recommender folder from lai recommend build: "
        "NAME=REC_DIR or REC_DIR (repeatable); POST /v1/recommend/NAME.")] = None,
    annotation_queue: Annotated[int, typer.Option(
        "--annotation-queue", min=0, help="Keep the N texts each served classifier was least "
        "sure about (in memory; redacted in privacy mode) for the console's Annotate page "
        "(0: keep none).")] = 0,
    index: Annotated[list[str] | None, typer.Option(
        "--index", help="Serve a search index folder from lai index build: NAME=INDEX_DIR "
        "or INDEX_DIR (repeatable); POST /v1/indexes/NAME/search.")] = None,
    drift_webhook: Annotated[str | None, typer.Option(
        "--drift-webhook", help="POST a JSON notice here when a served model's predictions "
        "or input lengths drift (PSI >= 0.25 for 2 minutes); for setups without "
        "Prometheus (deploy/prometheus/alerts.yml has the same rule).")] = None,
    drift_secret_env: Annotated[str | None, typer.Option(
        "--drift-secret-env", help="Environment variable holding the secret that signs "
        "drift notices (X-Lepton-Signature: sha256=HMAC).")] = None,
    data_dir: Annotated[Path, typer.Option(
        help="Folder for the web console's uploads and training runs.")] = Path("lai-data"),
    admin_journal: Annotated[Path | None, typer.Option(
        help="File recording /admin changes so every process applies them and a restart "
        "replays them (default with --workers or --ray: a temporary file; on a "
        "multi-machine Ray cluster give a path on shared storage).")] = None,
) -> None:
    """Serve every task and your trained models over HTTP (OpenAPI at /docs)."""
    from lepton_ai.errors import E, LeptonError
    from lepton_ai.serve import ModelSource, ServeConfig
    from lepton_ai.serve.batcher import BatcherLimits
    from lepton_ai.serve.config import parse_named_folder, read_key_file
    from lepton_ai.serve.observe import configure_logging

    keys = set(read_key_file(api_keys)) if api_keys else set()
    if api_key:
        keys.add(api_key)
    config = ServeConfig(
        host=host, port=port, api_keys=frozenset(keys),
        admin_keys=frozenset({admin_key}) if admin_key else frozenset(),
        model_roots=tuple(str(root) for root in model_root or ()),
        models=tuple(ModelSource.parse(spec) for spec in models or []),
        max_texts=max_texts, max_chars=max_chars, max_body_bytes=max_body_bytes,
        max_upload_bytes=max_upload_bytes,
        batching=BatcherLimits(max_queue_items=max_queue, max_queue_seconds=max_queue_seconds,
                               max_batch_cost=max_batch_tokens,
                               max_batch_seconds=max_batch_seconds, max_wait_s=max_wait_ms / 1000,
                               timeout_s=timeout),
        pipelines=pipelines,
        cors_origins=tuple(cors_origin or ()), access_log=access_log,
        chat_model=chat_model, chat_max_waiting=chat_max_waiting,
        chat_max_tokens=chat_max_tokens,
        admin_journal=str(admin_journal) if admin_journal else None,
        header_timeout_s=header_timeout, body_timeout_s=body_timeout, keep_alive_s=keep_alive,
        max_connections=max_connections,
        assistants=tuple(parse_named_folder(spec) for spec in assistant or ()),
        monitors=tuple(str(path.resolve()) for path in monitor or ()),
        recommenders=tuple(parse_named_folder(spec) for spec in recommender or ()),
        indexes=tuple(parse_named_folder(spec) for spec in index or ()),
        annotation_queue=annotation_queue,
        drift_webhook=drift_webhook, drift_secret_env=drift_secret_env,
        data_dir=str(data_dir),
    )
    if monitor and (workers > 1 or ray):
        raise LeptonError(E.E1106, how="--ray" if ray else f"--workers {workers}")
    ray_options = _ray_options(workers, min_replicas, max_replicas, replica_cpus,
                               ray_address) if ray else None
    configure_logging(access_log)
    # A first ONNX export runs in a child: torch (which spaCy imports too) and a model's
    # torch weights would otherwise stay in the server's memory (1.15 GB against ~340 MB).
    os.environ["LEPTON_EXPORT_IN_CHILD"] = "1"
    settings.export_in_child = True
    # Each model's ONNX arena would keep the memory of its largest batch for good.
    os.environ["LEPTON_RELEASE_ARENA"] = "1"
    settings.release_arena = True
    if redact:  # the environment carries it to worker processes and Ray replicas
        os.environ["LEPTON_PRIVACY"] = "1"
        settings.privacy_mode = True
    if config.admin_journal is None and ray_address is not None:
        console.print("[yellow]--ray-address without --admin-journal: /admin changes reach "
                      "the replicas on this machine only; give --admin-journal a path on "
                      "storage every node sees.[/]")
    if workers == 1 and ray_options is None:
        _run(config, workers, ray_options)
        return
    # State the processes share (admin journal, metrics) lives here for the run.
    with tempfile.TemporaryDirectory(prefix="lai-serve-") as folder:
        if config.admin_journal is None:
            config = replace(config, admin_journal=str(Path(folder) / "admin-journal.jsonl"))
        metrics = Path(folder) / "metrics"
        metrics.mkdir()
        _run(config, workers, ray_options, metrics)


def _run(config: ServeConfig, workers: int, ray_options: RayServeOptions | None,
         metrics: Path | None = None) -> None:
    """Serve in this process, as ``workers`` processes or on Ray; several processes
    share their metrics through the folder ``metrics``."""
    import uvicorn

    from lepton_ai.serve import build_app

    host, port = config.host, config.port
    where = f"http://{host}:{port}"
    console.print(f"lepton-ai serving on [bold]{where}[/] — API docs {where}/docs, "
                  f"health {where}/readyz; auth {'on' if config.api_keys else 'off'}; "
                  "Ctrl-C stops")
    if ray_options is not None:
        from lepton_ai.serve.ray_serve import serve_on_ray

        console.print(f"Ray Serve: {ray_options.min_replicas}–{ray_options.max_replicas} "
                      f"replicas, {ray_options.cpus_per_replica:g} CPU each; models load in "
                      "each replica")
        serve_on_ray(config, ray_options, metrics_folder=metrics)
        return
    if workers > 1:
        import os

        from lepton_ai.serve.app import CONFIG_ENV
        from lepton_ai.serve.observe import MULTIPROCESS_ENV

        assert metrics is not None
        os.environ[CONFIG_ENV] = config.to_json()
        os.environ.setdefault(MULTIPROCESS_ENV, str(metrics))  # one /metrics for all workers
        uvicorn.run("lepton_ai.serve.app:app_from_environment", factory=True, host=host,
                    port=port, workers=workers, access_log=False, log_level="warning",
                    **_connection_limits(config))
        return
    uvicorn.run(build_app(config), host=host, port=port, access_log=False,
                log_level="warning", loop="auto", **_connection_limits(config))


def _connection_limits(config: ServeConfig) -> dict[str, Any]:
    """uvicorn's settings for slow, idle and too many clients (ServeConfig's limits)."""
    from lepton_ai.serve.connections import GuardedHttpProtocol

    return {"http": GuardedHttpProtocol, "timeout_keep_alive": config.keep_alive_s,
            "limit_concurrency": config.max_connections}


def _ray_options(workers: int, min_replicas: int, max_replicas: int, replica_cpus: float,
                 address: str | None) -> RayServeOptions:
    from lepton_ai.errors import E, LeptonError
    from lepton_ai.serve.ray_serve import RayServeOptions

    if workers > 1:
        raise LeptonError(E.E813, why=f"--workers {workers}")
    return RayServeOptions(min_replicas=min_replicas, max_replicas=max_replicas,
                           cpus_per_replica=replica_cpus, address=address)
