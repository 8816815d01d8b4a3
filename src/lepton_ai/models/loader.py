"""Turning a model name or folder into a ready :class:`Encoder`, once per process."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np

from lepton_ai.errors import E, LeptonError, LeptonWarning, W, warn
from lepton_ai.model_memory import LOADED, files_mb
from lepton_ai.models import onnx_cache
from lepton_ai.models.encoders import (
    E5Encoder,
    Encoder,
    StaticEncoder,
    TransformerEncoder,
    USEEncoder,
)
from lepton_ai.models.folder import FolderInfo, inspect_folder
from lepton_ai.models.registry import (
    E5_ENCODER,
    HF_ENCODER,
    MINILM,
    ONNX_ENCODER,
    STATIC_ENCODER,
    USE_ENCODER,
    ModelSpec,
    resolve,
)
from lepton_ai.models.runtimes import OnnxRuntime, TorchRuntime
from lepton_ai.settings import settings

BACKENDS = ("auto", "onnx", "torch")
PRECISIONS = ("auto", "fp32", "int8")
#: (name or path, backend, precision) as asked → its spec and a user folder's weights file.
_resolved: dict[tuple[str, str, str], tuple[ModelSpec, Path | None]] = {}



def load_encoder(
    model: str | Path | ModelSpec, backend: str = "auto", precision: str | None = None
) -> Encoder:
    """A loaded encoder for a registered name, alias or local folder (held in
    :data:`~lepton_ai.model_memory.LOADED`, so loaded once per process).

    Args:
        model: name, alias, folder path, or a resolved spec.
        backend: ``"auto"`` (ONNX Runtime when available), ``"onnx"`` or ``"torch"``;
            only Hugging Face encoders have a choice.
        precision: ``"fp32"`` (exact), ``"int8"`` (checked against fp32) or
            ``"auto"`` (int8 only on CPUs with int8 dot-product instructions,
            where it is faster). Defaults to ``settings.precision``.
    """
    precision = precision or settings.precision
    requested = (model.name if isinstance(model, ModelSpec) else str(model), backend, precision)
    found = _resolved.get(requested)  # no resolving (folder reads) per call
    if found is None:
        spec = model if isinstance(model, ModelSpec) else resolve(model)
        if backend not in BACKENDS:
            supported = ", ".join(BACKENDS)
            raise LeptonError(E.E105, backend=backend, name=spec.name, supported=supported)
        if precision not in PRECISIONS:
            supported = ", ".join(PRECISIONS)
            raise LeptonError(E.E108, precision=precision, name=spec.name, supported=supported)
        found = _resolved[requested] = (spec, _local_weights(spec))
    spec, weights = found
    # A user's folder trained again in place has new weights: its stamp changes.
    stamp = None if weights is None else _stamp(weights)
    return LOADED.load(("encoder", spec.name, backend, precision),
                       lambda: _build(spec, backend, precision), stamp=stamp,
                       size_mb=lambda: _size_mb(spec, weights))


def clear_cache() -> None:
    """Forget loaded encoders (tests; switching thread settings)."""
    _resolved.clear()
    LOADED.forget(lambda key: isinstance(key, tuple) and key[0] == "encoder")


def _size_mb(spec: ModelSpec, weights: Path | None) -> float | None:
    if weights is not None:
        return files_mb(weights)
    return float(spec.size_mb) if spec.size_mb else None


def _local_weights(spec: ModelSpec) -> Path | None:
    """The weights file of a user's folder (packaged models do not change under us)."""
    if spec.local_path is not None and spec.kind == STATIC_ENCODER:
        return spec.local_path / "model.safetensors"
    if spec.local_path is None or spec.kind != HF_ENCODER:
        return None
    info = inspect_folder(spec.local_path)
    return info.weights_file or info.onnx_file


def _stamp(file: Path) -> tuple[int, int] | None:
    try:
        found = file.stat()
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns


def _build(spec: ModelSpec, backend: str, precision: str) -> Encoder:
    if spec.kind == USE_ENCODER:
        spec.path()  # coded error if the package is missing
        return USEEncoder(spec)
    if spec.kind == E5_ENCODER:
        spec.path()
        return E5Encoder(spec)
    if spec.kind == ONNX_ENCODER:
        tokenizer_folder = MINILM.path()
        info = inspect_folder(tokenizer_folder)
        runtime = OnnxRuntime(spec.path(), settings.threads, name="onnx-int8-weights")
        return TransformerEncoder(spec, info, runtime)
    if spec.kind == HF_ENCODER:
        return _build_transformer(spec, backend, precision)
    if spec.kind == STATIC_ENCODER:
        return StaticEncoder(spec)
    raise LeptonError(E.E105, backend=backend, name=spec.name, supported="none")  # pragma: no cover


def _build_transformer(spec: ModelSpec, backend: str, precision: str) -> TransformerEncoder:
    info = inspect_folder(spec.path())
    if backend == "torch" or (backend == "auto" and not _has("onnxruntime")):
        if backend == "auto":
            warn(W.W102, name=spec.name)
        return TransformerEncoder(spec, info, TorchRuntime(info.path, settings.threads))
    if info.weights_file is None:  # an ONNX-only folder
        assert info.onnx_file is not None
        return TransformerEncoder(spec, info, OnnxRuntime(
            info.onnx_file, settings.threads, name=f"onnx-{info.onnx_precision}"))
    wanted = _effective_precision(precision)
    checked = onnx_cache.cached(info, settings.cache_dir, wanted)
    if checked is None and exports_in_child() and prepare_in_child(info.path):
        checked = onnx_cache.cached(info, settings.cache_dir, wanted)
    if checked is None:
        built = onnx_cache.build(info, settings.cache_dir, _reference(spec, info))
        checked = built[wanted]
    if not checked.passed and wanted == "int8":
        fp32 = onnx_cache.cached(info, settings.cache_dir, "fp32")
        warn(
            W.W101, precision="int8", name=spec.name, score=checked.min_cosine,
            threshold=checked.threshold, fallback="fp32",
        )
        checked = fp32 if fp32 is not None else checked
    if not checked.passed:
        warn(
            W.W101, precision=checked.precision, name=spec.name, score=checked.min_cosine,
            threshold=checked.threshold, fallback="torch",
        )
        return TransformerEncoder(spec, info, TorchRuntime(info.path, settings.threads))
    runtime = OnnxRuntime(checked.file, settings.threads, name=f"onnx-{checked.precision}")
    return TransformerEncoder(spec, info, runtime)


def prepare(model: str | Path) -> dict[str, onnx_cache.CheckedModel]:
    """Export, quantize and check a Hugging Face encoder now (``lai models prepare``)."""
    spec = resolve(model)
    if spec.kind != HF_ENCODER:
        return {}
    info = inspect_folder(spec.path())
    if info.weights_file is None:
        return {}
    found = onnx_cache.cached_both(info, settings.cache_dir)
    if found is not None:
        return found
    return onnx_cache.build(info, settings.cache_dir, _reference(spec, info))


def ensure_prepared(model: str | Path) -> None:
    """:func:`prepare` a Hugging Face encoder unless its exports are cached already, in a
    child where this process leaves exports to one (:func:`exports_in_child`)."""
    spec = resolve(model)
    if spec.kind != HF_ENCODER:
        return
    info = inspect_folder(spec.path())
    if info.weights_file is None or onnx_cache.cached_both(info, settings.cache_dir):
        return
    if not (exports_in_child() and prepare_in_child(info.path)):
        prepare(info.path)


def exports_in_child() -> bool:
    """Whether this process leaves exports and adapter merges to a child process.

    Exporting or merging loads torch and the model's torch weights, which would stay
    resident afterwards: a first ``lai serve`` on a fresh machine reached 1.15 GB
    instead of ~340 MB. So a process that has not imported torch, or that serves
    (``settings.export_in_child``), does that work in a child.
    """
    return settings.export_in_child or "torch" not in sys.modules


def prepare_in_child(folder: Path) -> bool:
    """:func:`prepare` the encoder in ``folder`` in a child process; False when the child
    failed (the caller then works in its own process, which raises the coded error, if
    any, where the user sees it)."""
    return _run_child([str(folder)])


def merge_in_child(base: str, adapter: Path, target: Path) -> bool:
    """Merge ``adapter`` into ``base`` at ``target`` and :func:`prepare` the result, in
    one child process (torch is imported once for both); False when the child failed."""
    return _run_child(["--merge", base, str(adapter), str(target)])


def _run_child(arguments: list[str]) -> bool:
    import os
    import subprocess

    env = {**os.environ, "LEPTON_CACHE_DIR": str(settings.cache_dir),
           "LEPTON_THREADS": str(settings.threads), "LEPTON_PROGRESS": "0"}
    completed = subprocess.run([sys.executable, "-m", __name__, *arguments], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               check=False)
    return completed.returncode == 0


def _child_main(arguments: list[str]) -> None:
    """The child of :func:`prepare_in_child` (``FOLDER``) and :func:`merge_in_child`
    (``--merge BASE ADAPTER TARGET``)."""
    if arguments[0] == "--merge":
        from lepton_ai.models.adapters import merge_adapter

        base, adapter, target = arguments[1:4]
        merge_adapter(base, Path(adapter), Path(target))
        prepare(Path(target))
    else:
        prepare(Path(arguments[0]))


def _reference(spec: ModelSpec, info: FolderInfo) -> onnx_cache.ReferenceFn:
    """Vectors through torch (``None``) or through a given ONNX file."""

    def vectors(model_file: Path | None, texts: list[str]) -> np.ndarray:
        runtime = (
            TorchRuntime(info.path, settings.threads)
            if model_file is None
            else OnnxRuntime(model_file, settings.threads)
        )
        with warnings.catch_warnings():  # chunking notices are noise in a self-check
            warnings.simplefilter("ignore", LeptonWarning)
            return TransformerEncoder(spec, info, runtime).encode(texts)

    return vectors


def cpu_has_int8_dot() -> bool:
    """Whether the CPU has VNNI/AMX int8 dot products (where int8 beats fp32)."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in flags for flag in ("avx512_vnni", "avx_vnni", "amx_int8"))


def _effective_precision(precision: str) -> str:
    if precision == "auto":
        return "int8" if cpu_has_int8_dot() else "fp32"
    return precision


def _has(package: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(package) is not None


if __name__ == "__main__":  # the child of prepare_in_child / merge_in_child
    _child_main(sys.argv[1:])
