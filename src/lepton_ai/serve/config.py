"""Everything ``lai serve`` can be told, with safe defaults."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lepton_ai.errors import E, LeptonError
from lepton_ai.serve.batcher import BatcherLimits


@dataclass(frozen=True)
class ModelSource:
    """A trained model directory to serve as ``name`` (version ``version``)."""

    name: str
    version: str
    path: Path

    @classmethod
    def parse(cls, spec: str) -> ModelSource:
        """``DIR``, ``NAME=DIR`` or ``NAME@VERSION=DIR`` (version defaults to "1")."""
        label, _, path = spec.rpartition("=") if "=" in spec else ("", "", spec)
        name, _, version = label.partition("@")
        folder = Path(path)
        name = name or folder.resolve().name
        if not (folder / "lepton.json").is_file():
            raise LeptonError(E.E812, name=name, path=path, why="no lepton.json there")
        return cls(name=name, version=version or "1", path=folder)


@dataclass(frozen=True)
class ServeConfig:
    """Limits, security and batching of one server.

    Attributes:
        host: interface to bind; 127.0.0.1 unless you mean to expose it.
        port: TCP port.
        api_keys: keys accepted for every route but health checks; empty = no auth.
        admin_keys: keys for ``/admin`` routes; none: ``/admin`` is off (403). They must
            differ from every API key (LAI-E815), so using the API never grants
            loading models.
        model_roots: folders ``/admin`` may load model directories from (symbolic
            links resolved first); empty: the folders holding the models served at
            start.
        models: trained model directories to serve.
        max_texts: most texts in one request (413 above).
        max_chars: most characters in one text (413 above).
        max_body_bytes: largest request body (413 above), training uploads aside.
        max_upload_bytes: largest training upload (``PUT /v1/train/uploads``, 413
            above): a table of training examples is larger than any request of texts.
        batching: per-route batch and queue bounds.
        pipelines: batches of one route that may run at the same time; 2 lets one
            batch's HTTP work (parsing, answering) overlap the next one's model work:
            ~4% more throughput at one text per request, p99 near 1 s at 16 texts
            per request on 2 cores (docs/benchmarks.md).
        threads: worker threads running model calls, shared by all routes.
        cors_origins: origins allowed by CORS; empty = CORS off.
        warm: load and warm the default embedding models at start-up.
        access_log: write JSON access-log lines (``lai serve`` sets up the handler).
        chat_model: GGUF file or Hugging Face causal-LM folder behind
            ``/v1/chat/completions`` (None: the packaged SmolLM2).
        chat_max_waiting: chat requests admitted at once (running + queued); 429 above.
        chat_max_tokens: most tokens per reply (also the default budget).
        chat_timeout_s: seconds after which a generation stops.
        admin_journal: file recording ``/admin`` changes so that every process of
            the service applies them (``--workers``, Ray replicas); None: in memory.
        header_timeout_s: a connection whose request head (line and headers) has not
            fully arrived this long after it began is closed (slow-loris clients).
        body_timeout_s: a request body that stops arriving for this long gets 408
            LAI-E817 and the connection is closed.
        keep_alive_s: idle keep-alive connections are closed after this long.
        max_connections: open connections (and running requests) above which new
            requests get 503.
    """

    host: str = "127.0.0.1"
    port: int = 8000
    api_keys: frozenset[str] = frozenset()
    admin_keys: frozenset[str] = frozenset()
    model_roots: tuple[str, ...] = ()
    models: tuple[ModelSource, ...] = ()
    max_texts: int = 256
    max_chars: int = 20_000
    max_body_bytes: int = 4 * 1024 * 1024
    max_upload_bytes: int = 64 * 1024 * 1024
    batching: BatcherLimits = field(default_factory=BatcherLimits)
    pipelines: int = 1
    threads: int = 4
    cors_origins: tuple[str, ...] = ()
    warm: bool = True
    access_log: bool = True
    chat_model: str | None = None
    chat_max_waiting: int = 4
    chat_max_tokens: int = 512
    chat_timeout_s: float = 120.0
    admin_journal: str | None = None
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    keep_alive_s: float = 5.0
    max_connections: int = 1000
    assistants: tuple[tuple[str, str], ...] = ()
    assistant_max_waiting: int = 64
    monitors: tuple[str, ...] = ()
    monitor_max_waiting: int = 4
    recommenders: tuple[tuple[str, str], ...] = ()
    recommend_max_waiting: int = 64
    indexes: tuple[tuple[str, str], ...] = ()
    search_max_waiting: int = 64
    #: Least-sure texts kept per served classifier for the console's Annotate page
    #: (0: none kept; it holds users' texts, in memory only).
    annotation_queue: int = 0
    drift_webhook: str | None = None
    drift_secret_env: str | None = None
    drift_check_s: float = 30.0
    drift_hold_s: float = 120.0
    #: Where the console's uploads and training runs go (created on first upload).
    data_dir: str = "lai-data"

    def __post_init__(self) -> None:
        shared = self.admin_keys & self.api_keys
        if shared:
            raise LeptonError(E.E815, why=f"{len(shared)} key(s) given for both")

    def allowed_roots(self) -> tuple[Path, ...]:
        """The resolved folders ``/admin`` may load from: the model roots (or the served
        models' folders), and the console's training runs (``DATA_DIR/jobs``)."""
        roots = self.model_roots or tuple(str(m.path.parent) for m in self.models)
        jobs = Path(self.data_dir) / "jobs"
        return tuple(dict.fromkeys(Path(root).resolve() for root in (*roots, jobs)))

    def check_model_path(self, path: str) -> Path:
        """``path`` resolved (links followed), or LAI-E816 when outside the model roots."""
        resolved = Path(path).expanduser().resolve()
        roots = self.allowed_roots()
        if not any(resolved == root or resolved.is_relative_to(root) for root in roots):
            raise LeptonError(E.E816, path=path,
                              roots=", ".join(str(r) for r in roots) or "none configured")
        return resolved

    def to_json(self) -> str:
        """The config as JSON (handed to worker processes through the environment)."""
        data = asdict(self)
        data["api_keys"], data["admin_keys"] = sorted(self.api_keys), sorted(self.admin_keys)
        data["models"] = [{**asdict(m), "path": str(m.path)} for m in self.models]
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str) -> ServeConfig:
        """The inverse of :meth:`to_json`."""
        data = json.loads(text)
        data["api_keys"] = frozenset(data["api_keys"])
        data["admin_keys"] = frozenset(data["admin_keys"])
        data["models"] = tuple(ModelSource(m["name"], m["version"], Path(m["path"]))
                               for m in data["models"])
        data["batching"] = BatcherLimits(**data["batching"])
        data["cors_origins"] = tuple(data["cors_origins"])
        data["model_roots"] = tuple(data.get("model_roots", ()))
        data["assistants"] = tuple(tuple(pair) for pair in data.get("assistants", ()))
        data["monitors"] = tuple(data.get("monitors", ()))
        data["recommenders"] = tuple(tuple(pair) for pair in data.get("recommenders", ()))
        data["indexes"] = tuple(tuple(pair) for pair in data.get("indexes", ()))
        return cls(**data)


def parse_named_folder(spec: str) -> tuple[str, str]:
    """``NAME=DIR`` or ``DIR`` (named after its folder) as ``(name, path)``: a served
    assistant's knowledge base, a recommender or a search index folder."""
    name, _, path = spec.rpartition("=")
    folder = Path(path).expanduser()
    return (name or folder.resolve().name, str(folder))


def read_key_file(path: str | Path) -> frozenset[str]:
    """Keys from a file, one per line; ``#`` starts a comment (LAI-E811 if none)."""
    file = Path(path)
    if not file.is_file():
        raise LeptonError(E.E301, path=file, cwd=Path.cwd())
    keys = {line.split("#", 1)[0].strip() for line in file.read_text("utf-8").splitlines()}
    keys.discard("")
    if not keys:
        raise LeptonError(E.E811, path=file)
    return frozenset(keys)
