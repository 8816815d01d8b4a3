"""Every language-understanding task and the default model it uses per language.

``lai tasks`` prints this table; a snapshot test keeps it honest, so a changed
default is a deliberate, reviewed change.
"""

from __future__ import annotations

from dataclasses import dataclass

from lepton_ai.models.generator import DEFAULT_GENERATOR
from lepton_ai.models.registry import DEFAULT_ENGLISH, DEFAULT_MULTILINGUAL


@dataclass(frozen=True)
class TaskInfo:
    """A task: its Python call, its command and its default model per language."""

    name: str
    call: str
    command: str
    defaults: dict[str, str]


def tasks() -> list[TaskInfo]:
    """The tasks, each with its defaults read from the task module itself."""
    from lepton_ai.tasks.ner import DEFAULT_MODELS as NER_DEFAULTS
    from lepton_ai.tasks.relations import DEFAULT_MODEL as DEFAULT_RELATIONS
    from lepton_ai.tasks.sentiment import DEFAULT_MODELS as SENTIMENT_DEFAULTS

    return [
        TaskInfo("embed", "lai.embed", "lai embed",
                 {"en": DEFAULT_ENGLISH, "zh": DEFAULT_MULTILINGUAL}),
        TaskInfo("search", "lai.Index", "lai index build / lai search",
                 {"en": DEFAULT_ENGLISH, "zh": DEFAULT_MULTILINGUAL}),
        TaskInfo("classify", "lai.classify", "lai classify",
                 {"en": f"zero-shot on {DEFAULT_ENGLISH}",
                  "zh": f"zero-shot on {DEFAULT_MULTILINGUAL}"}),
        TaskInfo("keywords", "lai.keywords", "lai keywords",
                 {"en": f"spaCy candidates ranked by {DEFAULT_ENGLISH} + MMR",
                  "zh": "jieba TF-IDF"}),
        TaskInfo("sentiment", "lai.sentiment", "lai sentiment",
                 {lang: model for (lang, domain), model in SENTIMENT_DEFAULTS.items()
                  if domain == "general"}),
        TaskInfo("ner", "lai.ner", "lai ner", dict(NER_DEFAULTS)),
        TaskInfo("relations", "lai.relations", "lai relations",
                 {"en": DEFAULT_RELATIONS, "zh": "relation types taught by example"}),
        TaskInfo("explain", "lai.explain", "lai explain",
                 {"en": "occlusion over the task's default model",
                  "zh": "occlusion over the task's default model"}),
        TaskInfo("analyze", "lai.analyze", "lai analyze",
                 {"en": "the tasks' defaults, shared encoder and spaCy passes",
                  "zh": "the tasks' Chinese defaults"}),
        TaskInfo("summarize", "lai.summarize", "lai summarize",
                 {"en": f"abstractive {DEFAULT_GENERATOR} or extractive on {DEFAULT_ENGLISH}",
                  "zh": f"extractive on {DEFAULT_MULTILINGUAL}"}),
        TaskInfo("chat", "lai.chat", "lai chat",
                 {"en": DEFAULT_GENERATOR, "zh": "a GGUF model you bring"}),
        TaskInfo("generate", "lai.generate", "-",
                 {"en": DEFAULT_GENERATOR, "zh": "a GGUF model you bring"}),
    ]
