"""Export a Hugging Face encoder to ONNX once, quantize it, and check both.

Artefacts live in ``<cache_dir>/onnx/<sha256 of the weights>-r<RECIPE_VERSION>/``:

- ``model-fp32.onnx``: torch export, fused by ONNX Runtime's BERT optimizer.
- ``model-int8.onnx``: dynamic int8, per-channel weights with ``reduce_range``
  (7-bit weights: no saturation in AVX2's u8×s8 dot products on CPUs without
  VNNI); the best recipe in bench/quantization.py (STS-B 82.03 vs 82.03 fp32).
- ``check.json``: the accuracy check of each file against torch on a fixed sample.

A file is used only if its check passed; the check is the contract, the file
merely a cache. Exporting needs torch; loading a cached file does not.

Several processes may ask for the same model at once (Ray actors, server
workers): a file lock in the cache folder lets one of them build while the
others wait and then reuse its files.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lepton_ai.dependencies import require
from lepton_ai.models.folder import FolderInfo, weights_checksum
from lepton_ai.models.pruned_heads import KEPT_HEADS, load_transformer

#: Texts for the accuracy check: short and long, plain and odd, so that
#: quantization errors on unusual activations show up.
CHECK_SAMPLE: tuple[str, ...] = (
    "A man is playing a guitar.",
    "The quarterly revenue rose 12% to $4.2 billion, beating analysts' estimates.",
    "hi",
    "Please reset my password; I cannot log in since yesterday's update!!!",
    "The mitochondria is the powerhouse of the cell.",
    "OMG this phone is sooo good 😍😍 best purchase ever",
    "Interest rates were left unchanged at 5.25 percent by the central bank on Wednesday.",
    "How do I transfer money to a foreign bank account?",
    "A woman is slicing an onion in the kitchen while the radio plays.",
    "ERROR 0x80070005: access denied when writing C:\\Program Files\\app\\config.ini",
    "The court ruled that the contract was void because one party lacked capacity.",
    "cheap flights paris london tuesday",
    "Two dogs run across a snowy field.",
    "The patient was prescribed 500 mg of amoxicillin three times daily for ten days.",
    "Why is the sky blue during the day but red at sunset?",
    "Shares of the company fell sharply after the CEO resigned unexpectedly.",
)

#: ``reference(model_file_or_None, texts)``: vectors through ONNX file, or torch if None.
ReferenceFn = Callable[[Path | None, list[str]], np.ndarray]

INT8_MIN_COSINE = 0.95
FP32_MIN_COSINE = 0.9999


@dataclass(frozen=True)
class CheckedModel:
    """An ONNX file and the result of its accuracy check."""

    file: Path
    precision: str
    min_cosine: float
    threshold: float

    @property
    def passed(self) -> bool:
        return self.min_cosine >= self.threshold


#: Bumped whenever the export, fusion or quantization recipe changes: files an older
#: recipe built for the same weights are then built again, not reused (a pruned encoder
#: once stayed unfused that way, served from a cache built before the fusion fix).
RECIPE_VERSION = 3

#: ONNX Runtime fusions left out, in the file and when a session loads it: its fused
#: ``SkipLayerNormalization`` and ``BiasGelu`` CPU kernels took 32% of an int8 MiniLM
#: batch, the plain ``Add`` + ``LayerNormalization`` + ``Gelu`` they replace 15%
#: (int8 batches 1.19-1.40× faster, fp32 1.06-1.14×: ``bench/ort_fusions.py``,
#: docs/benchmarks.md, "Fusions left out").
SLOW_FUSIONS = ("SkipLayerNormFusion", "BiasGeluFusion")


def cache_folder(info: FolderInfo, cache_dir: Path) -> Path:
    """The cache folder for this model's weights (keyed by their checksum and the
    recipe version)."""
    assert info.weights_file is not None
    checksum = weights_checksum(info.weights_file, cache_dir)[:16]
    return cache_dir / "onnx" / f"{checksum}-r{RECIPE_VERSION}"


def cached(info: FolderInfo, cache_dir: Path, precision: str) -> CheckedModel | None:
    """The checked ONNX file of this precision, if it was built before."""
    folder = cache_folder(info, cache_dir)
    report = _read_report(folder)
    entry = report.get(precision)
    file = folder / f"model-{precision}.onnx"
    if entry is None or not file.is_file():
        return None
    return CheckedModel(file, precision, float(entry["min_cosine"]), float(entry["threshold"]))


def cached_both(info: FolderInfo, cache_dir: Path) -> dict[str, CheckedModel] | None:
    """Both checked files (fp32 and int8) if both were built before, else None."""
    found = {p: cached(info, cache_dir, p) for p in ("fp32", "int8")}
    if any(checked is None for checked in found.values()):
        return None
    return {p: c for p, c in found.items() if c is not None}


def build(
    info: FolderInfo, cache_dir: Path, reference_vectors: ReferenceFn
) -> dict[str, CheckedModel]:
    """Export, optimize, quantize and check; returns both checked files.

    ``reference_vectors(model_file_or_None, texts)`` embeds texts with the given
    ONNX file (or with torch when None); the encoder supplies it so the check
    goes through exactly the tokenization and pooling used for real.
    """
    require("torch", "exporting a model to ONNX", "torch==2.13.0")
    require("onnx", "exporting a model to ONNX", "onnx==1.23.2")
    from filelock import FileLock

    folder = cache_folder(info, cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / "build.lock")):
        found = cached_both(info, cache_dir)
        if found is not None:  # another process built them while we waited
            return found
        built = _build_unlocked(info, folder, reference_vectors)
    _remove_older_recipes(folder)
    return built


def _remove_older_recipes(folder: Path) -> None:
    """Delete what older recipes built for the same weights (nothing reads it again)."""
    import shutil

    checksum = folder.name.rsplit("-r", 1)[0]
    for old in folder.parent.glob(f"{checksum}*"):
        if old != folder and old.is_dir() and old.name in (
                checksum, *(f"{checksum}-r{v}" for v in range(1, RECIPE_VERSION))):
            shutil.rmtree(old, ignore_errors=True)


def _build_unlocked(
    info: FolderInfo, folder: Path, reference_vectors: ReferenceFn
) -> dict[str, CheckedModel]:
    with tempfile.TemporaryDirectory(dir=folder) as scratch:
        raw = Path(scratch) / "raw.onnx"
        _export(info, raw)
        fp32 = folder / "model-fp32.onnx"
        _optimize(raw, info, _partial(fp32))
        os.replace(_partial(fp32), fp32)
    int8 = folder / "model-int8.onnx"
    _quantize_int8(fp32, _partial(int8))
    os.replace(_partial(int8), int8)

    reference = reference_vectors(None, list(CHECK_SAMPLE))
    results = {}
    report = {}
    for precision, file, threshold in (
        ("fp32", fp32, FP32_MIN_COSINE),
        ("int8", int8, INT8_MIN_COSINE),
    ):
        vectors = reference_vectors(file, list(CHECK_SAMPLE))
        score = float(np.min(np.sum(vectors * reference, axis=1)))
        results[precision] = CheckedModel(file, precision, score, threshold)
        report[precision] = {
            "min_cosine": score, "threshold": threshold, "sample": len(CHECK_SAMPLE)
        }
    report_file = folder / "check.json"
    _partial(report_file).write_text(json.dumps(report, indent=2))
    os.replace(_partial(report_file), report_file)
    return results


def _partial(file: Path) -> Path:
    return file.with_suffix(".partial")


def _read_report(folder: Path) -> dict:
    file = folder / "check.json"
    return json.loads(file.read_text()) if file.is_file() else {}


def _export(info: FolderInfo, out: Path) -> None:
    from lepton_ai.settings import enforce_offline

    enforce_offline()
    import torch
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    model = load_transformer(info.path, attn_implementation="eager").eval()
    uses_token_types = getattr(model.config, "type_vocab_size", 0) > 0

    class _LastHidden(torch.nn.Module):
        """Named-argument wrapper: transformers' forward takes many positionals."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids=None):  # type: ignore[no-untyped-def]
            extra = {"token_type_ids": token_type_ids} if uses_token_types else {}
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, **extra
            ).last_hidden_state

    ids = torch.tensor([[2, 5, 6, 7, 8, 3], [2, 5, 6, 3, 0, 0]])  # valid in any vocabulary
    mask = (ids > 0).long()
    names = ["input_ids", "attention_mask"] + (["token_type_ids"] if uses_token_types else [])
    args = (ids, mask, torch.zeros_like(ids)) if uses_token_types else (ids, mask)
    axes = {name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]}
    wrapper = _LastHidden(model).eval()
    # The exporter's tracer warnings are noise here: the result is checked against
    # torch right after export, which is what actually guards correctness.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            wrapper,
            args,
            str(out),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=17,
            dynamo=False,
        )


_BERT_LIKE = ("bert", "roberta", "xlm-roberta", "distilbert")


def _optimize(raw: Path, info: FolderInfo, out: Path) -> None:
    """Fuse attention, embeddings and GELU with ONNX Runtime's BERT optimizer (not the
    residual layer norms nor the bias into GELU: :data:`SLOW_FUSIONS`)."""
    import json as _json

    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    config = _json.loads((info.path / "config.json").read_text())
    model_type = "bert" if config.get("model_type", "bert") in _BERT_LIKE else config["model_type"]
    kept = config.get(KEPT_HEADS)
    if kept:
        # Layers of a pruned encoder keep different numbers of heads: each layer's count
        # goes into its own reshapes, and the optimizer (told 0) reads it per layer.
        _write_head_counts(raw, kept)
    fusion_log = logging.getLogger("fusion_attention")  # ORT imports it top-level
    level = fusion_log.level
    if kept:  # it warns that a layer's heads × head size is not the hidden size: intended
        fusion_log.setLevel(logging.ERROR)
    fusions = FusionOptions(model_type)
    fusions.enable_skip_layer_norm = False
    fusions.enable_bias_skip_layer_norm = False
    fusions.enable_bias_gelu = False
    try:
        optimized = optimize_model(
            str(raw),
            model_type=model_type,
            num_heads=0 if kept else int(config.get("num_attention_heads", 0)),
            hidden_size=0 if kept else int(config.get("hidden_size", 0)),
            optimization_options=fusions,
        )
    finally:
        fusion_log.setLevel(level)
    optimized.save_model_to_file(str(out))


#: The query, key and value reshapes of layer N in the exported graph.
_HEAD_RESHAPE = re.compile(r"/layer\.(\d+)/attention/self/Reshape(_[12])?$")


def _write_head_counts(model_file: Path, kept: list[list[int]]) -> None:
    """Replace the -1 head count of each layer's query/key/value reshapes by the number
    of heads that layer keeps (the exporter writes -1: transformers reshapes to -1)."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(model_file))
    producers = {output: node for node in model.graph.node for output in node.output}
    added: set[str] = set()
    for node in model.graph.node:
        found = _HEAD_RESHAPE.search(node.name)
        concat = producers.get(node.input[1]) if node.op_type == "Reshape" else None
        if found is None or concat is None or concat.op_type != "Concat" or len(
                concat.input) != 4:
            continue
        layer = int(found.group(1))
        name = f"lepton_heads_layer{layer}"
        if name not in added:
            count = np.array([len(kept[layer])], dtype=np.int64)
            model.graph.initializer.append(numpy_helper.from_array(count, name))
            added.add(name)
        concat.input[2] = name
    used = {name for node in model.graph.node for name in node.input}
    unused = [node for node in model.graph.node
              if node.op_type == "Constant" and node.output[0] not in used]
    for node in unused:  # the -1 constants, so ONNX Runtime has nothing to warn about
        model.graph.node.remove(node)
    onnx.save(model, str(model_file))


def _quantize_int8(fp32: Path, out: Path) -> None:
    import logging

    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The quantizer logs a pre-processing hint for image models on the root
    # logger; hide it for this call only.
    root = logging.getLogger()
    previous = root.level
    root.setLevel(max(previous, logging.ERROR))
    try:
        quantize_dynamic(
            str(fp32),
            str(out),
            per_channel=True,
            reduce_range=True,
            weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    finally:
        root.setLevel(previous)
