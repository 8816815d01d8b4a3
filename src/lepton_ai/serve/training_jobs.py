"""Training jobs the server runs for the web console: uploaded tables in, ``lai train``
processes out.

Uploads land in ``DATA/uploads/`` under names the server picks (never a path from the
client), written to a temporary file and renamed, so nothing half-written is ever read
and nothing lands outside the folder. A job is a ``lai train`` process whose
``LAI_TRAIN_EVENTS`` names its ``events.jsonl`` (``lepton_ai.progress``); cancelling
terminates it. ``DATA/jobs/ID/`` holds the events, the process's output (``output.txt``)
and the trained model (``model/``, with ``report.json``). Tables the operator put in
``DATA/files/`` are listed and taken as uploads by their plain names (copied in, so
the same checks apply; nothing outside that folder is ever read). Cancelling interrupts the run
as Ctrl-C would, so it saves a checkpoint first; ``resume`` continues a cancelled or
failed run from its last checkpoint (``lai train --resume``) in the same folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lepton_ai.data.tables import SUFFIXES, columns_of, iter_rows, not_utf8_error
from lepton_ai.errors import E, LeptonError
from lepton_ai.progress import EVENTS_ENV
from lepton_ai.settings import settings

#: Training methods the console offers, each with its one-line explanation.
METHODS = {
    "auto": "Chosen from the data: few examples per label → few-shot, else head or LoRA.",
    "head": "Only a classifier on the frozen encoder: seconds, good from ~20 examples a label.",
    "fewshot": "Contrastive few-shot (SetFit style): for 8–64 examples a label.",
    "lora": "Low-rank adapters in the encoder: better with hundreds of examples; minutes.",
    "full": "Every weight of the encoder: the most data-hungry and slowest.",
}
#: Compressions the console offers (``lai compress`` options), each explained in a line.
COMPRESSIONS = {
    "prune-layers": (["--prune-layers", "2"], "Remove the 2 least important layers, then a "
                     "short recovery fine-tune: minutes."),
    "prune-heads": (["--prune-heads", "0.4"], "Remove 40% of the attention heads by measured "
                    "importance, then recover: minutes."),
    "distil": (["--distil", "--layers", "3"], "Train a 3-layer student on the model's outputs: "
               "the strongest compression of the three; up to ~20 minutes."),
    "static": (["--static"], "A static-embedding student (model2vec) trained on the "
               "model's outputs: the cheapest machines; a few minutes."),
    "quantize": (["--quantize", "int8"], "The same model with its encoder stored as int8 "
                 "ONNX (a quarter of its float size), no training; under a minute."),
}
#: Training and compression processes run at once.
MAX_RUNNING = 1
#: Seconds a cancelled run has to write its checkpoint before it is terminated.
CANCEL_GRACE_S = 30
PREVIEW_ROWS = 5


@dataclass(frozen=True)
class Upload:
    """An uploaded table: its id, the name it came with, where it is and what it holds."""

    id: str
    name: str
    path: Path
    size: int
    rows: int
    columns: list[str]
    preview: list[dict[str, Any]]

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "size": self.size, "rows": self.rows,
                "columns": self.columns, "preview": self.preview}


@dataclass
class Job:
    """One ``lai train`` run."""

    id: str
    upload: str
    settings: dict[str, str]
    folder: Path
    process: subprocess.Popen[bytes]
    started: float = field(default_factory=time.time)
    cancelled: bool = False

    @property
    def status(self) -> str:
        code = self.process.poll()
        if code is None:
            return "running"
        if self.cancelled:
            return "cancelled"
        return "succeeded" if code == 0 else "failed"

    def report(self) -> dict[str, Any] | None:
        """The trained model's evaluation report, once there is one."""
        path = self.folder / "model" / "report.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def compression(self) -> dict[str, Any] | None:
        """A compression's before/after table (``compress-report.json``), once there is one."""
        path = self.folder / "model" / "compress-report.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

    def events(self, offset: int = 0) -> tuple[list[dict[str, Any]], int]:
        """The whole events the run wrote from byte ``offset`` on, and the offset after
        them: a watcher reads each line once, and never half a line being written."""
        path = self.folder / "events.jsonl"
        if not path.is_file():
            return [], offset
        with path.open("rb") as handle:
            handle.seek(offset)
            chunk = handle.read()
        whole = chunk[: chunk.rfind(b"\n") + 1]
        lines = whole.decode("utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()], offset + len(whole)

    def failure(self) -> str:
        """The end of the process's output: where a failed run says why."""
        path = self.folder / "output.txt"
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        return text[-2000:]

    def describe(self) -> dict[str, Any]:
        status = self.status
        answer = {"id": self.id, "upload": self.upload, "settings": self.settings,
                  "status": status, "started": self.started}
        if status == "failed":
            answer["output"] = self.failure()
        if status == "succeeded":
            answer["model_path"] = str(self.folder / "model")  # for /admin/models/NAME/versions
        answer["resumable"] = status in ("cancelled", "failed") and self.checkpointed
        return answer

    @property
    def checkpointed(self) -> bool:
        """Whether an interrupted run left a checkpoint to resume from."""
        from lepton_ai.artifacts.staging import CHECKPOINTS, staging_folder

        checkpoints = staging_folder(self.folder / "model") / CHECKPOINTS
        return checkpoints.is_dir() and any(checkpoints.glob("*.safetensors"))


class TrainingJobs:
    """Uploads and training runs under one data folder."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._uploads: dict[str, Upload] = {}
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    # -- uploads ---------------------------------------------------------------------
    def add_upload(self, name: str, data: bytes) -> Upload:
        """Store ``data`` as a table the server can train on; raises coded errors for a
        type it cannot read or a file that is not UTF-8 (nothing is kept then)."""
        suffix = Path(name).suffix.lower()
        if suffix not in SUFFIXES or suffix == ".txt":
            allowed = ", ".join(s for s in SUFFIXES if s != ".txt")
            raise LeptonError(E.E818, name=name, suffix=suffix or "(none)", allowed=allowed)
        if suffix != ".parquet":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as error:  # said with the user's file name, not ours
                raise not_utf8_error(Path(Path(name).name), error, data[: 1 << 16]) from None
        if settings.privacy_mode:
            data, suffix = redacted_table(suffix, data), ".jsonl"
        folder = self.folder / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        upload_id = f"u-{uuid.uuid4().hex[:12]}"
        path = folder / f"{upload_id}{suffix}"
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)  # whole, or not at all
        try:
            columns = columns_of(path)
            preview: list[dict[str, Any]] = []
            rows = 0
            for batch in iter_rows(path):  # one pass: the preview and the count
                preview = preview or batch[:PREVIEW_ROWS]
                rows += len(batch)
        except LeptonError:
            path.unlink(missing_ok=True)
            raise
        upload = Upload(upload_id, Path(name).name, path, len(data), rows, columns,
                        [{k: _shown(v) for k, v in row.items()} for row in preview])
        with self._lock:
            self._uploads[upload_id] = upload
        return upload

    @property
    def files_folder(self) -> Path:
        """Where the operator puts tables to train on from the console."""
        return self.folder / "files"

    def server_files(self) -> list[dict[str, Any]]:
        """The tables in :attr:`files_folder` (plain files directly in it, by name)."""
        folder = self.files_folder
        if not folder.is_dir():
            return []
        inside = folder.resolve()
        return [{"name": path.name, "size": path.stat().st_size}
                for path in sorted(folder.iterdir())
                if path.suffix.lower() in SUFFIXES and path.suffix.lower() != ".txt"
                and not path.name.startswith(".") and path.is_file()
                and path.resolve().parent == inside]

    def add_server_file(self, name: str, max_bytes: int) -> Upload:
        """Take the table ``name`` of :attr:`files_folder` as an upload (LAI-E824 when
        there is none by that plain name; LAI-E822 above ``max_bytes``)."""
        listed = {entry["name"]: entry["size"] for entry in self.server_files()}
        if name not in listed:
            raise LeptonError(E.E824, name=name, folder=self.files_folder,
                              found=", ".join(listed) or "none")
        if listed[name] > max_bytes:
            raise LeptonError(E.E822, limit=max_bytes)
        return self.add_upload(name, (self.files_folder / name).read_bytes())

    def upload(self, upload_id: str) -> Upload:
        """The upload ``upload_id`` (LAI-E819 names the known ones)."""
        found: Upload = self._find(self._uploads, upload_id, "upload")
        return found

    def _find(self, table: dict[str, Any], key: str, what: str) -> Any:
        with self._lock:
            found = table.get(key)
            known = ", ".join(sorted(table)) or "none"
        if found is None:
            raise LeptonError(E.E819, what=what, id=key, known=known)
        return found

    def check(self, upload_id: str, text: str, label: str) -> dict[str, Any]:
        """The training data checks ``lai train`` runs first: coded errors raise, warnings
        come back as their messages, with the label counts."""
        from lepton_ai.data.labelled import read_labelled
        from lepton_ai.models.registry import DEFAULT_MULTILINGUAL
        from lepton_ai.training.checks import check_training_data, choose_base

        data = read_labelled(self.upload(upload_id).path, text=text, label=label)
        spec = choose_base(data.texts, None)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            check_training_data(data, None, base_languages=spec.languages,
                                base_name=spec.name, multilingual_alternative=DEFAULT_MULTILINGUAL)
        return {"examples": len(data), "labels": dict(data.label_counts().most_common()),
                "base": spec.name, "warnings": [str(w.message) for w in caught]}

    # -- jobs ------------------------------------------------------------------------
    def start(self, upload_id: str, text: str, label: str, method: str,
              from_model: Path | None = None) -> Job:
        """Start ``lai train`` on an upload (``--from`` a trained model folder: continual
        learning); refuses a second identical run (LAI-E820) and more than
        ``MAX_RUNNING`` at once (LAI-E821)."""
        upload = self.upload(upload_id)
        settings = {"text": text, "label": label, "method": method}
        if from_model is not None:
            settings["from"] = str(from_model)
        return self._start(upload_id, settings, upload, shown=upload_id)

    def resume(self, job_id: str) -> Job:
        """Continue a cancelled or failed run from its last checkpoint, in its folder
        (LAI-E823 when it finished or left none; LAI-E820 while it runs; LAI-E821 when
        another runs)."""
        job = self.job(job_id)
        upload = self.upload(job.upload) if job.upload else None
        with self._lock:
            if job.status == "running":
                raise LeptonError(E.E820, upload=job.upload, job=job.id)
            if job.status == "succeeded":
                raise LeptonError(E.E823, job=job.id, why="it finished")
            if not job.checkpointed:
                raise LeptonError(E.E823, job=job.id, why="it stopped before its first "
                                  "checkpoint (the head method writes none)")
            if any(other.status == "running" for other in self._jobs.values()):
                raise LeptonError(E.E821, running=MAX_RUNNING)
            job.process = self._launch(self._command(job.settings, job.folder, upload),
                                       job.folder, resume=True)
            job.cancelled = False
        return job

    def start_compression(self, model: Path, served: str, method: str) -> Job:
        """Start ``lai compress`` on a served model's folder (``method``: a key of
        :data:`COMPRESSIONS`); the same limits as training (LAI-E820, LAI-E821)."""
        settings = {"compress": method, "model": served, "path": str(model)}
        return self._start("", settings, None, shown=served)

    def _start(self, upload_id: str, settings: dict[str, str], upload: Upload | None, *,
               shown: str) -> Job:
        """A new run, unless the same one runs (LAI-E820, naming ``shown``) or
        ``MAX_RUNNING`` do (LAI-E821)."""
        with self._lock:
            running = [job for job in self._jobs.values() if job.status == "running"]
            for job in running:
                if job.upload == upload_id and job.settings == settings:
                    raise LeptonError(E.E820, upload=shown, job=job.id)
            if len(running) >= MAX_RUNNING:
                raise LeptonError(E.E821, running=len(running))
            job_id = f"j-{uuid.uuid4().hex[:12]}"
            folder = self.folder / "jobs" / job_id
            folder.mkdir(parents=True)
            job = Job(job_id, upload_id, settings, folder,
                      self._launch(self._command(settings, folder, upload), folder))
            self._jobs[job_id] = job
        return job

    @staticmethod
    def _command(settings: dict[str, str], folder: Path, upload: Upload | None) -> list[str]:
        """``lai train`` on an upload, or ``lai compress`` of a served model's folder."""
        lai = str(Path(sys.executable).with_name("lai"))
        out = ["--out", str(folder / "model")]
        if "compress" in settings:
            return [lai, "compress", settings["path"], *out,
                    *COMPRESSIONS[settings["compress"]][0]]
        assert upload is not None
        command = [lai, "train", str(upload.path), "--text", settings["text"],
                   "--label", settings["label"], "--method", settings["method"], *out]
        return command + (["--from", settings["from"]] if "from" in settings else [])

    @staticmethod
    def _launch(command: list[str], folder: Path, *,
                resume: bool = False) -> subprocess.Popen[bytes]:
        """A run's process; its output is appended to ``output.txt``, its events to
        ``events.jsonl``."""
        if resume:
            command = [*command, "--resume"]
        with (folder / "output.txt").open("ab") as output:
            return subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env={**os.environ, EVENTS_ENV: str(folder / "events.jsonl"), "COLUMNS": "100"})

    def job(self, job_id: str) -> Job:
        """The run ``job_id`` (LAI-E819 names the known ones)."""
        found: Job = self._find(self._jobs, job_id, "training job")
        return found

    def jobs(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda job: job.started)

    def cancel(self, job_id: str) -> Job:
        job = self.job(job_id)
        if job.status == "running":
            job.cancelled = True
            # As Ctrl-C: the training loop saves a checkpoint, then the process exits.
            job.process.send_signal(signal.SIGINT)
            try:
                job.process.wait(timeout=CANCEL_GRACE_S)
            except subprocess.TimeoutExpired:
                job.process.terminate()
                try:
                    job.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    job.process.kill()
        return job

    def close(self) -> None:
        """Stop every running job (the server is shutting down)."""
        for job in self.jobs():
            self.cancel(job.id)


def _shown(value: Any) -> Any:
    """A preview cell: long texts cut, other values as they are."""
    if isinstance(value, str) and len(value) > 200:
        return value[:200] + "…"
    return value


#: Rows of an upload the annotation queue reads at most.
QUEUE_SCAN_ROWS = 5000


def least_sure(texts: list[str], results: list[Any], k: int) -> list[dict[str, Any]]:
    """The ``k`` texts whose top two label scores are closest, closest first: where a
    label from a person teaches the model most (uncertainty sampling by margin)."""
    from lepton_ai.serve.annotation_queue import margin_of

    items = [{"row": row, "text": text, "predicted": result.label, "confidence": result.score,
              "margin": round(margin_of(result.scores), 6), "scores": result.scores}
             for row, (text, result) in enumerate(zip(texts, results, strict=True))]
    return sorted(items, key=lambda item: item["margin"])[:k]


#: Memory-backed scratch space, where the host has one: in privacy mode the raw
#: upload is parsed there, so it never reaches persistent storage.
MEMORY_SCRATCH = Path("/dev/shm")


def redacted_table(suffix: str, data: bytes) -> bytes:
    """An uploaded table as JSON lines with every text cell redacted (privacy mode).

    The raw bytes are parsed in :data:`MEMORY_SCRATCH` (the system's temporary folder
    where there is none) and removed at once; what is returned is all that is stored.
    """
    import tempfile

    from lepton_ai.tasks.redact import redact

    scratch_root = MEMORY_SCRATCH if MEMORY_SCRATCH.is_dir() and os.access(
        MEMORY_SCRATCH, os.W_OK) else None
    lines = []
    with tempfile.TemporaryDirectory(dir=scratch_root) as scratch:
        raw = Path(scratch) / f"upload{suffix}"
        raw.write_bytes(data)
        for batch in iter_rows(raw):
            cells = [(row, key) for row in batch for key, value in row.items()
                     if isinstance(value, str) and value.strip()]
            redacted = redact([row[key] for row, key in cells]) if cells else []
            for (row, key), result in zip(cells, redacted, strict=True):
                row[key] = result.text
            lines += [json.dumps(row, ensure_ascii=False, default=str) for row in batch]
    return ("\n".join(lines) + "\n").encode("utf-8")
