"""Names from the original product documents, as thin aliases over transformers.

The seed documents' code reads::

    from lepton_ai import BertForSequenceClassification, BertTokenizer
    model = BertForSequenceClassification.from_pretrained(path, num_labels=2)

These are the real ``transformers`` classes; the only difference is that
``from_pretrained`` also accepts lepton-ai's registered names (``"minilm"``),
loads only from local folders (never downloads) and only safetensors weights
(never unpickles). For training on your data, ``lai.train`` is the supported
path; these exist so that code written against the documents runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lepton_ai.dependencies import require

require("transformers", "the BERT compatibility classes", "transformers==5.23.0")

import transformers  # noqa: E402

from lepton_ai.models.folder import inspect_folder  # noqa: E402
from lepton_ai.models.registry import resolve  # noqa: E402


def local_folder(name_or_path: str | Path) -> str:
    """A registered name or a folder → the checked local folder (coded errors otherwise)."""
    return str(inspect_folder(Path(resolve(name_or_path).path())).path)


class BertForSequenceClassification(transformers.BertForSequenceClassification):
    """``transformers.BertForSequenceClassification`` that loads from local folders only."""

    @classmethod
    def from_pretrained(cls, name_or_path: str | Path, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("local_files_only", True)
        kwargs.setdefault("use_safetensors", True)
        return super().from_pretrained(local_folder(name_or_path), *args, **kwargs)


class BertTokenizer(transformers.BertTokenizer):
    """``transformers.BertTokenizer`` that loads from local folders only."""

    @classmethod
    def from_pretrained(cls, name_or_path: str | Path, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("local_files_only", True)
        return super().from_pretrained(local_folder(name_or_path), *args, **kwargs)
