"""``lai recommend build``: a recommender folder from an item table and (optionally)
interactions (``recommender_update`` refreshes one).

The folder holds ``recommender.json`` (the manifest), ``items.jsonl`` (ids, texts and
attributes), ``vectors.npy`` (one normalised embedding per item), ``words.npz`` (TF-IDF
of the texts), ``users.json`` (each user's items, oldest first) and, with
interactions, ``cooccurrence.npz`` and ``popularity.npy``. Feedback recorded later
lives in ``feedback.db`` (or the database named at load time) until an update folds
it in. Nothing in the folder is pickled.
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
from typing import Any

import numpy as np

from lepton_ai._version import __version__
from lepton_ai.solutions.recommend.candidates import GRAPH_FILE, GRAPH_THRESHOLD, build_graph
from lepton_ai.solutions.recommend.items import Catalog, read_catalog, read_events
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
    """What a build or an update did (``embedded``: items whose text was embedded;
    ``folded``: recorded feedback events folded into the histories)."""

    path: str
    items: int
    users: int
    events: int
    model: str
    seconds: float
    embedded: int = 0
    folded: int = 0


def build_recommender(folder: str | Path, items: str | Path, text_columns: Sequence[str], *,
                      id_column: str = "id", attribute_columns: Sequence[str] = (),
                      interactions: str | Path | None = None,
                      user_column: str = "user", item_column: str = "item",
                      time_column: str | None = "time",
                      model: str | None = None) -> BuildReport:
    """Embed the items, learn what the interactions allow, save it all in ``folder``.

    An item without text gets a zero vector: it is found through what users did with
    it, never through a description it does not have. ``attribute_columns`` (category,
    availability...) are kept for business filters.
    """
    started = time.perf_counter()
    catalog = read_catalog(items, text_columns, id_column, attribute_columns)
    vectors, model_name = embedded_texts(catalog.texts, model)
    histories: dict[str, list[str]] = defaultdict(list)
    if interactions is not None:
        for event in read_events(interactions, catalog, user=user_column, item=item_column,
                                 time=time_column):
            histories[event.user].append(event.item)
    manifest = {"format": FORMAT, "built_at": now(), "weights": DEFAULT_WEIGHTS,
                "model": model_name, "text_columns": list(text_columns),
                "id_column": id_column, "attribute_columns": list(attribute_columns),
                "feedback_folded_through": 0}
    return saved(Path(folder), catalog, vectors, histories, manifest, started,
                  embedded=len(catalog))


def embedded_texts(texts: Sequence[str], model: str | None, width: int | None = None
              ) -> tuple[np.ndarray, str]:
    """One normalised vector per text (zeros for empty texts) and the model's name."""
    from lepton_ai.tasks.embed import embed

    described = [index for index, text in enumerate(texts) if text]
    found = embed([texts[i] for i in described], model=model) if described else None
    vectors = np.zeros((len(texts), found.shape[1] if found is not None else width or 1),
                       dtype=np.float32)
    if found is not None:
        vectors[described] = found
    return vectors, (getattr(found, "model", None) if found is not None else None) or str(model)


def saved(folder: Path, catalog: Catalog, vectors: np.ndarray,
           histories: dict[str, list[str]], manifest: dict[str, Any], started: float,
           **done: int) -> BuildReport:
    """Write the folder's files for ``catalog`` (learning co-occurrence, popularity,
    words and, for a large catalogue, the graph) and report what was done."""
    from scipy.sparse import save_npz

    folder.mkdir(parents=True, exist_ok=True)
    for learned in ("cooccurrence.npz", "popularity.npy", "words.npz", GRAPH_FILE):
        (folder / learned).unlink(missing_ok=True)  # never left from an older catalogue
    if any(histories.values()):
        position = {item: index for index, item in enumerate(catalog.ids)}
        matrix, popularity = cooccurrence(
            ([position[i] for i in history] for history in histories.values()), len(catalog))
        save_npz(folder / "cooccurrence.npz", matrix, compressed=False)
        np.save(folder / "popularity.npy", popularity)
    np.save(folder / "vectors.npy", vectors)
    if len(catalog) >= GRAPH_THRESHOLD:
        build_graph(vectors, folder)
    if any(catalog.texts):
        save_npz(folder / "words.npz", word_vectors(catalog.texts), compressed=False)
    with (folder / "items.jsonl").open("w", encoding="utf-8") as handle:
        for index, (item, text) in enumerate(zip(catalog.ids, catalog.texts, strict=True)):
            row: dict[str, Any] = {"id": item, "text": text}
            if catalog.attributes and catalog.attributes[index]:
                row["attributes"] = catalog.attributes[index]
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    (folder / "users.json").write_text(json.dumps(histories, ensure_ascii=False),
                                       encoding="utf-8")
    counts = {"items": len(catalog), "users": len(histories),
              "events": sum(len(h) for h in histories.values())}
    manifest = {**manifest, **counts, "lepton_ai": __version__}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return BuildReport(path=str(folder), **counts, model=str(manifest.get("model")),
                       seconds=round(time.perf_counter() - started, 2), **done)


def now() -> str:
    """The time stamp manifests record (UTC, seconds)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


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
