"""lepton-ai: domain language AI on small pretrained models, offline and CPU-first.

    import lepton_ai as lai
    lai.embed("hello")                      # (384,) float32, L2-normalised
    lai.similarity("猫", "cat")             # cosine, multilingual model via lang="auto"
    index = lai.Index.from_texts(docs); index.search("query", k=5)

Heavy modules load on first use, so ``import lepton_ai`` stays fast and the ONNX
inference path never imports torch.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from lepton_ai._version import __version__
from lepton_ai.errors import LeptonError, LeptonWarning
from lepton_ai.settings import enforce_offline, settings

enforce_offline()

if TYPE_CHECKING:
    from lepton_ai.client import Client
    from lepton_ai.compat import BertForSequenceClassification, BertTokenizer
    from lepton_ai.compression.compressor import compress
    from lepton_ai.data.labelled import LabelledSet
    from lepton_ai.models.loader import load_encoder
    from lepton_ai.solutions.assistant import Assistant, build_knowledge_base
    from lepton_ai.solutions.monitor import Monitor
    from lepton_ai.solutions.recommend import Recommender, build_recommender, update_recommender
    from lepton_ai.tasks.analyze import Analysis, analyze
    from lepton_ai.tasks.answer import Answer, Citation, answer
    from lepton_ai.tasks.chat import chat
    from lepton_ai.tasks.classify import Classification, TextClassifier, classify
    from lepton_ai.tasks.embed import Embedding, embed, embed_chunks, similarity
    from lepton_ai.tasks.explain import Explanation, explain
    from lepton_ai.tasks.generate import generate
    from lepton_ai.tasks.keywords import Keyword, keywords
    from lepton_ai.tasks.knowledge import Knowledge
    from lepton_ai.tasks.loading import load
    from lepton_ai.tasks.ner import Entity, ner
    from lepton_ai.tasks.relations import Relation, relations
    from lepton_ai.tasks.search import Hit, Index, search
    from lepton_ai.tasks.sentiment import Sentiment, sentiment
    from lepton_ai.tasks.summarize import Summary, summarize
    from lepton_ai.training.adapt import adapt_encoder as adapt
    from lepton_ai.training.pipeline import train

_LAZY: dict[str, tuple[str, str]] = {
    "Client": ("lepton_ai.client", "Client"),
    "Assistant": ("lepton_ai.solutions.assistant", "Assistant"),
    "build_knowledge_base": ("lepton_ai.solutions.assistant", "build_knowledge_base"),
    "Monitor": ("lepton_ai.solutions.monitor", "Monitor"),
    "Recommender": ("lepton_ai.solutions.recommend", "Recommender"),
    "build_recommender": ("lepton_ai.solutions.recommend", "build_recommender"),
    "update_recommender": ("lepton_ai.solutions.recommend", "update_recommender"),
    "embed": ("lepton_ai.tasks.embed", "embed"),
    "analyze": ("lepton_ai.tasks.analyze", "analyze"),
    "answer": ("lepton_ai.tasks.answer", "answer"),
    "Answer": ("lepton_ai.tasks.answer", "Answer"),
    "Citation": ("lepton_ai.tasks.answer", "Citation"),
    "chat": ("lepton_ai.tasks.chat", "chat"),
    "generate": ("lepton_ai.tasks.generate", "generate"),
    "Analysis": ("lepton_ai.tasks.analyze", "Analysis"),
    "embed_chunks": ("lepton_ai.tasks.embed", "embed_chunks"),
    "similarity": ("lepton_ai.tasks.embed", "similarity"),
    "Embedding": ("lepton_ai.tasks.embed", "Embedding"),
    "Index": ("lepton_ai.tasks.search", "Index"),
    "keywords": ("lepton_ai.tasks.keywords", "keywords"),
    "Knowledge": ("lepton_ai.tasks.knowledge", "Knowledge"),
    "explain": ("lepton_ai.tasks.explain", "explain"),
    "Explanation": ("lepton_ai.tasks.explain", "Explanation"),
    "Keyword": ("lepton_ai.tasks.keywords", "Keyword"),
    "Hit": ("lepton_ai.tasks.search", "Hit"),
    "search": ("lepton_ai.tasks.search", "search"),
    "ner": ("lepton_ai.tasks.ner", "ner"),
    "restore": ("lepton_ai.tasks.redact", "restore"),
    "ocr": ("lepton_ai.documents", "ocr"),
    "extract": ("lepton_ai.solutions.extract", "extract"),
    "transcribe": ("lepton_ai.speech", "transcribe"),
    "Transcript": ("lepton_ai.speech", "Transcript"),
    "Document": ("lepton_ai.documents", "Document"),
    "PiiEntity": ("lepton_ai.tasks.redact", "PiiEntity"),
    "relations": ("lepton_ai.tasks.relations", "relations"),
    "Relation": ("lepton_ai.tasks.relations", "Relation"),
    "Entity": ("lepton_ai.tasks.ner", "Entity"),
    "sentiment": ("lepton_ai.tasks.sentiment", "sentiment"),
    "Sentiment": ("lepton_ai.tasks.sentiment", "Sentiment"),
    "summarize": ("lepton_ai.tasks.summarize", "summarize"),
    "Summary": ("lepton_ai.tasks.summarize", "Summary"),
    "load_encoder": ("lepton_ai.models.loader", "load_encoder"),
    "train": ("lepton_ai.training.pipeline", "train"),
    "compress": ("lepton_ai.compression.compressor", "compress"),
    "load": ("lepton_ai.tasks.loading", "load"),
    "adapt": ("lepton_ai.training.adapt", "adapt_encoder"),
    "LabelledSet": ("lepton_ai.data.labelled", "LabelledSet"),
    "TextClassifier": ("lepton_ai.tasks.classify", "TextClassifier"),
    "classify": ("lepton_ai.tasks.classify", "classify"),
    "Classification": ("lepton_ai.tasks.classify", "Classification"),
    "BertForSequenceClassification": ("lepton_ai.compat", "BertForSequenceClassification"),
    "BertTokenizer": ("lepton_ai.compat", "BertTokenizer"),
}

__all__ = [
    "Analysis",
    "Answer",
    "Assistant",
    "BertForSequenceClassification",
    "BertTokenizer",
    "Citation",
    "Classification",
    "Client",
    "Document",
    "Embedding",
    "Entity",
    "Explanation",
    "Hit",
    "Index",
    "Keyword",
    "Knowledge",
    "LabelledSet",
    "LeptonError",
    "LeptonWarning",
    "Monitor",
    "PiiEntity",
    "Recommender",
    "Relation",
    "Sentiment",
    "Summary",
    "TextClassifier",
    "Transcript",
    "__version__",
    "adapt",
    "analyze",
    "answer",
    "build_knowledge_base",
    "build_recommender",
    "chat",
    "classify",
    "compress",
    "embed",
    "embed_chunks",
    "explain",
    "extract",
    "generate",
    "keywords",
    "load",
    "load_encoder",
    "ner",
    "ocr",
    "relations",
    "restore",
    "search",
    "sentiment",
    "settings",
    "similarity",
    "summarize",
    "train",
    "transcribe",
    "update_recommender",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
        globals()[name] = value
        return value
    value = _declared_task_name(name)
    if value is not None:
        globals()[name] = value
        return value
    raise AttributeError(f"module 'lepton_ai' has no attribute {name!r}")


def _declared_task_name(name: str) -> Any:
    """A declared task's function (``lai.language``) or result type (``lai.Language``):
    a task added in one module needs no line here."""
    if name.startswith("_"):
        return None
    from lepton_ai.tasks.catalog import declared_tasks

    for task in declared_tasks():
        if name == task.name:
            return task.function
        if name == getattr(task.result, "__name__", None) and task.result.__module__.startswith(
                "lepton_ai."):
            return task.result
    return None


def __dir__() -> list[str]:
    return sorted(__all__)
