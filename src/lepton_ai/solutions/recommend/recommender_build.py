"""``lai recommend build``: a recommender folder from an item table and (optionally)
interactions.

The folder holds ``recommender.json`` (the manifest), ``items.jsonl`` (ids and
texts), ``vectors.npy`` (one normalised embedding per item), ``users.json`` (each
user's items, oldest first) and, with interactions, ``cooccurrence.npz`` and
``popularity.npy``. Nothing in it is pickled.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from lepton_ai._version import __version__
from lepton_ai.solutions.recommend.items import read_catalog, read_events
from lepton_ai.solutions.recommend.signals import cooccurrence

FORMAT = 1
MANIFEST = "recommender.json"
#: Words of Latin-script item texts (part numbers like "740000801-a" or "v1.2" stay whole).
_WORD = re.compile(r"(?u)\b\w[\w.-]*\w\b|\b\w\b")
#: How the signals are weighed; chosen on the validation split of amazon_scientific
#: (bench/recommend_amazon.py), never on its test split.
DEFAULT_WEIGHTS = {"cooccurrence": 0.5, "words": 0.5, "recency_decay": 0.7}


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    path: str
    items: int
    users: int
    events: int
    model: str
    seconds: float


def build_recommender(folder: str | Path, items: str | Path, text_columns: Sequence[str], *,
                      id_column: str = "id", interactions: str | Path | None = None,
                      user_column: str = "user", item_column: str = "item",
                      time_column: str | None = "time",
                      model: str | None = None) -> BuildReport:
    """Embed the items, learn what the interactions allow, save it all in ``folder``.

    An item without text gets a zero vector: it is found through what users did with
    it, never through a description it does not have.
    """
    from scipy.sparse import save_npz

    from lepton_ai.tasks.embed import embed

    started = time.perf_counter()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    catalog = read_catalog(items, text_columns, id_column)
    described = [index for index, text in enumerate(catalog.texts) if text]
    embedded = embed([catalog.texts[i] for i in described], model=model) if described else None
    vectors = np.zeros((len(catalog), embedded.shape[1] if embedded is not None else 1),
                       dtype=np.float32)
    if embedded is not None:
        vectors[described] = embedded
    histories: dict[str, list[str]] = defaultdict(list)
    if interactions is not None:
        for event in read_events(interactions, catalog, user=user_column, item=item_column,
                                 time=time_column):
            histories[event.user].append(event.item)
        position = {item: index for index, item in enumerate(catalog.ids)}
        matrix, popularity = cooccurrence(
            ([position[i] for i in history] for history in histories.values()), len(catalog))
        save_npz(folder / "cooccurrence.npz", matrix)
        np.save(folder / "popularity.npy", popularity)
    np.save(folder / "vectors.npy", vectors)
    save_npz(folder / "words.npz", word_vectors(catalog.texts))
    with (folder / "items.jsonl").open("w", encoding="utf-8") as handle:
        for item, text in zip(catalog.ids, catalog.texts, strict=True):
            handle.write(json.dumps({"id": item, "text": text}, ensure_ascii=False) + "\n")
    (folder / "users.json").write_text(json.dumps(histories, ensure_ascii=False),
                                       encoding="utf-8")
    counts = {"items": len(catalog), "users": len(histories),
              "events": sum(len(h) for h in histories.values()),
              "model": (getattr(embedded, "model", None) if embedded is not None else None)
              or str(model)}
    manifest = {"format": FORMAT, "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "lepton_ai": __version__, "weights": DEFAULT_WEIGHTS, **counts}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return BuildReport(path=str(folder), **counts,
                       seconds=round(time.perf_counter() - started, 2))


def word_vectors(texts: Sequence[str]) -> object:
    """Each text's TF-IDF vector (sublinear counts, L2-normalised) as a CSR matrix:
    words for Latin scripts, jieba words for Chinese."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(tokenizer=_tokens, token_pattern=None, lowercase=False,
                                 sublinear_tf=True, min_df=1)
    return vectorizer.fit_transform([text or "" for text in texts]).tocsr()


def _tokens(text: str) -> list[str]:
    from lepton_ai.text.lang import has_cjk

    if has_cjk(text):
        import jieba

        return [w.lower() for w in jieba.lcut(text) if w.strip()]
    return [w.lower() for w in _WORD.findall(text)]
