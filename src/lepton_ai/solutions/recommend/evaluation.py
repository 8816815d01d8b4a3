"""``lai recommend eval``: how well a recommender predicts held-out items, with the
leave-last-out protocol of the field (RecBole's full sort): for each row of a split,
the user's history (given in the row, or stored in the recommender) ranks every item
of the catalogue, the history excluded, and the held-out item is looked for in the
top ``k``.

Besides hit@k and nDCG@k it reports what accuracy hides: coverage (the share of the
catalogue that any list shows), popularity bias (the mean popularity percentile of
recommended items: 0.5 is an average item, 1.0 only bestsellers) and intra-list
similarity (mean pairwise cosine within a list; diversity lowers it).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from lepton_ai.errors import E, LeptonError
from lepton_ai.solutions.recommend.recommender import Recommender

#: The curve of hit@k and nDCG@k runs from 1 to this k.
CURVE_K = 20


@dataclass(frozen=True)
class HeldOut:
    """One row of a split: the user, their history when the row gives it, the item."""

    user: str
    history: list[str] | None
    item: str


@dataclass
class EvaluationReport:
    """What :func:`evaluate` measured."""

    rows: int
    k: int
    hit: float
    ndcg: float
    coverage: float
    popularity_bias: float | None
    intra_list_similarity: float
    diversity: float
    skipped: dict[str, int] = field(default_factory=dict)
    curve: dict[str, list[float]] = field(default_factory=dict)
    ms_per_user: float = 0.0

    def as_json(self) -> dict[str, object]:
        """Plain values (the report's ``eval.json``)."""
        return asdict(self)


def read_split(path: str | Path, *, user: str = "user", item: str = "item",
               history: str = "history") -> list[HeldOut]:
    """The rows of a split table (CSV, TSV, JSONL, JSON, Parquet): a user column, the
    held-out item column and optionally a history column (item ids separated by
    spaces or commas, oldest first)."""
    from lepton_ai.data.tables import read_rows

    path = Path(path)
    rows = read_rows(path)
    if not rows:
        raise LeptonError(E.E1209, path=path, detail="the table is empty.")
    missing = [c for c in (user, item) if c not in rows[0]]
    if missing:
        raise LeptonError(E.E1209, path=path, detail=f"it has no column {missing[0]!r} "
                          f"(it has: {', '.join(rows[0])}).")
    return [HeldOut(str(row[user]), _ids(row.get(history)), str(row[item])) for row in rows]


def _ids(value: object) -> list[str] | None:
    if value is None or value == "":
        return None
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value).replace(",", " ").split()


def evaluate(recommender: Recommender, rows: Sequence[HeldOut], k: int = 10, *,
             diversity: float = 0.0, on_row: Callable[[], None] | None = None
             ) -> EvaluationReport:
    """Rank the catalogue for every row and score the held-out items. Rows whose item
    is not in the catalogue, or whose user has no history, are skipped and counted."""
    depth = max(k, CURVE_K)
    hits = np.zeros(depth)
    ndcg = np.zeros(depth)
    shown: set[int] = set()
    similarities: list[float] = []
    popularity = _percentiles(recommender.folder / "popularity.npy")
    popular: list[float] = []
    skipped = {"item not in the catalogue": 0, "no history": 0}
    scored = 0
    started = time.perf_counter()
    for row in rows:
        if on_row is not None:
            on_row()
        if row.item not in recommender.position:
            skipped["item not in the catalogue"] += 1
            continue
        try:
            picks = recommender.recommend(None if row.history else row.user,
                                          history=row.history, k=depth, diversity=diversity)
        except LeptonError as error:  # unknown user, or no history id in the catalogue
            if error.code not in ("LAI-E1203", "LAI-E1204"):
                raise
            skipped["no history"] += 1
            continue
        scored += 1
        ranked = [recommender.position[p.item] for p in picks]
        target = recommender.position[row.item]
        if target in ranked:
            rank = ranked.index(target)
            hits[rank:] += 1
            ndcg[rank:] += 1 / math.log2(rank + 2)
        top = ranked[:k]
        shown.update(top)
        similarities.append(_intra_list_similarity(recommender.vectors[top]))
        if popularity is not None:
            popular.extend(popularity[top])
    if not scored:
        raise LeptonError(E.E1209, path="the split", detail=f"every row was skipped "
                          f"({', '.join(f'{v} {n}' for n, v in skipped.items() if v)}).")
    seconds = time.perf_counter() - started
    return EvaluationReport(
        rows=scored, k=k, hit=round(float(hits[k - 1]) / scored, 4),
        ndcg=round(float(ndcg[k - 1]) / scored, 4),
        coverage=round(len(shown) / len(recommender.ids), 4),
        popularity_bias=round(float(np.mean(popular)), 4) if popular else None,
        intra_list_similarity=round(float(np.mean(similarities)), 4),
        diversity=diversity, skipped={n: v for n, v in skipped.items() if v},
        curve={"hit": [round(float(h) / scored, 4) for h in hits],
               "ndcg": [round(float(n) / scored, 4) for n in ndcg]},
        ms_per_user=round(seconds * 1000 / max(scored, 1), 2))


def _intra_list_similarity(vectors: np.ndarray) -> float:
    if len(vectors) < 2:
        return 0.0
    gram = vectors @ vectors.T
    return float((gram.sum() - np.trace(gram)) / (len(vectors) * (len(vectors) - 1)))


def _percentiles(path: Path) -> np.ndarray | None:
    """Each item's popularity as a percentile of the catalogue (0 = least popular)."""
    if not path.is_file():
        return None
    popularity = np.load(path, allow_pickle=False)
    order = popularity.argsort(kind="stable")
    ranks = np.empty(len(popularity))
    ranks[order] = np.arange(len(popularity)) / max(len(popularity) - 1, 1)
    return ranks


def write_report(report: EvaluationReport, out: str | Path, title: str = "") -> list[Path]:
    """``eval.json`` and ``eval.png`` (hit@k and nDCG@k for k = 1..20, and the
    measures beside accuracy) in ``out``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "eval.json").write_text(json.dumps(report.as_json(), indent=1), encoding="utf-8")
    figure, (curve, bars) = plt.subplots(1, 2, figsize=(11, 4.2),
                                         gridspec_kw={"width_ratios": [3, 2]})
    ks = list(range(1, len(report.curve["hit"]) + 1))
    curve.plot(ks, report.curve["hit"], marker="o", markersize=3, label="hit@k")
    curve.plot(ks, report.curve["ndcg"], marker="o", markersize=3, label="nDCG@k")
    curve.axvline(report.k, color="grey", linestyle=":", linewidth=1)
    curve.set_xlabel("k")
    curve.set_title(f"{title or 'recommender'}: {report.rows:,} held-out items")
    curve.legend()
    curve.grid(alpha=0.3)
    names = ["coverage", "popularity bias", "intra-list similarity"]
    values = [report.coverage, report.popularity_bias or 0.0, report.intra_list_similarity]
    bars.barh(names, values, color=["#4f81bd", "#c0504d", "#9bbb59"])
    for position, value in enumerate(values):
        bars.text(value, position, f" {value:.3f}", va="center")
    bars.set_xlim(0, 1.15)
    bars.set_title(f"beside accuracy (top {report.k})")
    figure.tight_layout()
    figure.savefig(out / "eval.png", dpi=110)
    plt.close(figure)
    return [out / "eval.json", out / "eval.png"]
