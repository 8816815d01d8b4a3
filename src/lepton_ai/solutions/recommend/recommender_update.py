"""``lai recommend update``: refresh a recommender folder without rebuilding it."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from lepton_ai.solutions.recommend.feedback import FeedbackLog
from lepton_ai.solutions.recommend.items import Catalog, read_catalog
from lepton_ai.solutions.recommend.recommender import Recommender
from lepton_ai.solutions.recommend.recommender_build import (
    BuildReport,
    embedded_texts,
    now,
    saved,
)


def update_recommender(folder: str | Path, items: str | Path | None = None, *,
                       feedback: FeedbackLog | None = None) -> BuildReport:
    """Refresh a recommender without rebuilding it: with ``items`` (the whole new item
    table, same columns as the build) only new and changed texts are embedded and
    removed items leave; the feedback recorded since the last update joins the
    histories; co-occurrence, popularity and words are learned again."""
    started = time.perf_counter()
    old = Recommender(folder, feedback=feedback)
    manifest = dict(old.manifest)
    catalog = Catalog(old.ids, old.texts, old.attributes)
    vectors = old.vectors
    embedded = 0
    if items is not None:
        catalog = read_catalog(items, manifest.get("text_columns") or ["text"],
                               manifest.get("id_column", "id"),
                               manifest.get("attribute_columns") or ())
        same = [old.position.get(item) for item in catalog.ids]
        changed = [i for i, (row, text) in enumerate(zip(same, catalog.texts, strict=True))
                   if row is None or old.texts[row] != text]
        fresh, _ = embedded_texts([catalog.texts[i] for i in changed], manifest.get("model"),
                             width=old.vectors.shape[1])
        vectors = np.zeros((len(catalog), old.vectors.shape[1]), dtype=np.float32)
        kept = [i for i, row in enumerate(same) if row is not None]
        vectors[kept] = old.vectors[[same[i] for i in kept]]
        vectors[changed] = fresh
        embedded = len(changed)
    known = set(catalog.ids)
    histories = {user: [i for i in items_ if i in known] for user, items_ in old.users.items()}
    recorded = old.feedback.events(after=int(manifest.get("feedback_folded_through", 0)))
    for event in recorded:
        if event.positive and event.item in known:
            histories.setdefault(event.user, []).append(event.item)
    if recorded:
        manifest["feedback_folded_through"] = recorded[-1].id
    manifest["updated_at"] = now()
    return saved(Path(folder), catalog, vectors, histories, manifest, started,
                  embedded=embedded, folded=len(recorded))
