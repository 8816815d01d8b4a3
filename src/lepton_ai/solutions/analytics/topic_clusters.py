"""Topics of a collection, found rather than given: documents embedded, clustered, each
cluster named by the words that set it apart — the BERTopic recipe (embed →
cluster → class-based TF-IDF) on scikit-learn's k-means.

Large collections are clustered on a random sample (``sample`` documents, seed
fixed): topic shares are estimated from it, and the report says so. k-means rather
than HDBSCAN: on 384-dimensional vectors without a UMAP step HDBSCAN marks most
short texts as noise and takes minutes on 20,000 of them; k-means gives every
document a topic in seconds, and c-TF-IDF names make near-duplicate clusters easy
to see.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lepton_ai.text.lang import has_cjk

#: Documents clustered at most (a random sample beyond that).
SAMPLE = 20_000
#: Words naming a cluster.
NAME_WORDS = 3
_TOKEN = re.compile(r"(?u)\b[^\W\d_][\w'-]+\b")
_LINK = re.compile(r"https?://\S+|www\.\S+|\$[A-Za-z]+|@\w+")


@dataclass(frozen=True)
class TopicCluster:
    """One found topic: its name, size and tone, with its most central documents."""

    name: str
    words: tuple[str, ...]
    size: int
    share: float
    negative_share: float
    mean_polarity: float
    examples: tuple[str, ...]


def find_topics(texts: Sequence[str], sentiments: Sequence[str], polarities: Sequence[float],
                k: int | None = None, sample: int = SAMPLE,
                seed: int = 0) -> tuple[list[TopicCluster], int]:
    """Clusters of ``texts`` (largest first) and how many documents were clustered."""
    from sklearn.cluster import KMeans

    from lepton_ai.tasks.embed import embed

    positions = list(range(len(texts)))
    if len(positions) > sample:
        positions = sorted(random.Random(seed).sample(positions, sample))
    chosen = [texts[i] for i in positions]
    if len(chosen) < 2:
        return [], len(chosen)
    clusters = k or int(np.clip(round(np.sqrt(len(chosen) / 20)), 2, 20))
    clusters = min(clusters, len(chosen))
    vectors = np.asarray(embed(chosen), dtype=np.float32)  # multilingual when Chinese
    model = KMeans(n_clusters=clusters, n_init=3, random_state=seed).fit(vectors)
    labels = model.labels_
    names = cluster_words(chosen, labels, clusters)
    found = []
    for cluster in range(clusters):
        members = np.flatnonzero(labels == cluster)
        if not len(members):
            continue
        distances = np.linalg.norm(vectors[members] - model.cluster_centers_[cluster], axis=1)
        central = members[np.argsort(distances)[:3]]
        negative = sum(sentiments[positions[i]] == "negative" for i in members)
        found.append(TopicCluster(
            name=" · ".join(names[cluster][:NAME_WORDS]) or f"topic {cluster + 1}",
            words=tuple(names[cluster]), size=len(members),
            share=len(members) / len(chosen), negative_share=negative / len(members),
            mean_polarity=float(np.mean([polarities[positions[i]] for i in members])),
            examples=tuple(chosen[i] for i in central)))
    return sorted(found, key=lambda c: -c.size), len(chosen)


def cluster_words(texts: Sequence[str], labels: np.ndarray, clusters: int,
                  top: int = 8) -> list[list[str]]:
    """Each cluster's most distinctive words by class-based TF-IDF: a word's frequency
    in the cluster times log(1 + average words per cluster / its frequency overall)."""
    counts = [Counter() for _ in range(clusters)]
    for text, label in zip(texts, labels, strict=True):
        counts[int(label)].update(words_of(text))
    total = Counter()
    for counter in counts:
        total.update(counter)
    average = sum(total.values()) / max(clusters, 1)
    named = []
    for counter in counts:
        size = sum(counter.values()) or 1
        scores = {word: (count / size) * np.log(1 + average / total[word])
                  for word, count in counter.items() if count >= 2}
        named.append([w for w, _ in sorted(scores.items(), key=lambda x: -x[1])[:top]])
    return named


def words_of(text: str) -> list[str]:
    """Content words of ``text``: jieba words for Chinese, lower-cased words without
    stop words for other scripts; links, handles and cashtags left out."""
    text = _LINK.sub(" ", text)
    if has_cjk(text):
        import jieba

        return [w for w in jieba.lcut(text) if len(w) > 1 and not w.isdigit()
                and not w.isspace() and w not in _ZH_STOP]
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return [w for w in (t.lower() for t in _TOKEN.findall(text))
            if len(w) > 2 and w not in ENGLISH_STOP_WORDS]


_ZH_STOP = frozenset([
    "我们", "你们", "他们", "这个", "那个", "一个", "没有", "什么", "因为", "所以", "但是",
    "如果", "已经", "可以", "今日", "今天", "表示", "公司", "进行", "相关"])
