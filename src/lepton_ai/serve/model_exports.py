"""Exports of served model versions, for the console's Models page.

``lai export`` runs in a child process (the server never imports torch, which the
Hugging Face format needs); the bundle is zipped under ``DATA_DIR/exports/`` and
downloaded with the admin key. A version's export is made once and then reused: a
loaded version's folder does not change under it.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from lepton_ai.errors import E, LeptonError

#: Seconds an export may take before it is stopped.
EXPORT_TIMEOUT_S = 900


class ModelExports:
    """Zipped ``lai export`` bundles of served versions under ``DATA_DIR/exports``."""

    def __init__(self, data_dir: str | Path) -> None:
        self.folder = Path(data_dir) / "exports"
        self._lock = threading.Lock()

    def export(self, name: str, version: str, model: Path, format: str,
               precision: str) -> dict[str, Any]:
        """The zipped bundle of one version (made on first asking); LAI-E826 says why
        ``lai export`` refused or failed."""
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", f"{name}-{version}-{format}-{precision}")
        archive = self.folder / f"{stem}.zip"
        with self._lock:  # one export at a time: each takes both cores for a while
            if not archive.is_file():
                self._make(stem, model, format, precision)
        return {"file": archive.name, "bytes": archive.stat().st_size,
                "download": f"/admin/exports/{archive.name}"}

    def _make(self, stem: str, model: Path, format: str, precision: str) -> None:
        bundle = self.folder / stem
        shutil.rmtree(bundle, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        lai = Path(sys.executable).with_name("lai")
        command = [str(lai), "export", str(model), "--format", format, "--out", str(bundle)]
        if format == "onnx":
            command += ["--precision", precision]
        try:
            done = subprocess.run(command, capture_output=True, text=True,
                                  timeout=EXPORT_TIMEOUT_S, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise LeptonError(E.E826, model=model.name,
                              why=f"it ran over {EXPORT_TIMEOUT_S} s") from None
        if done.returncode != 0:
            shutil.rmtree(bundle, ignore_errors=True)
            raise LeptonError(E.E826, model=model.name, why=_reason(done.stderr + done.stdout))
        partial = self.folder / f"{stem}.partial"
        shutil.make_archive(str(partial), "zip", bundle)
        Path(f"{partial}.zip").replace(self.folder / f"{stem}.zip")  # whole, or not at all
        shutil.rmtree(bundle, ignore_errors=True)

    def file(self, name: str) -> Path:
        """A finished export by its file name (LAI-E819 names the ones there are)."""
        found = sorted(p.name for p in self.folder.glob("*.zip")
                       if not p.name.endswith(".partial.zip")) if self.folder.is_dir() else []
        if name not in found:
            raise LeptonError(E.E819, what="export", id=name, known=", ".join(found) or "none")
        return self.folder / name


def _reason(output: str) -> str:
    """The child's coded error, or the end of what it printed."""
    text = " ".join(output.split())
    coded = re.search(r"\[LAI-E\d+\].*", text)
    return (coded.group(0) if coded else text[-500:])[:1000] or "no output"
