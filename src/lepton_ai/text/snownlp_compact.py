"""SnowNLP's sentiment model from the package's own data, in a twentieth of the memory.

``import snownlp`` loads every model the package has (its word segmenter, its
part-of-speech tagger, pinyin and conversion tables) as nested tuples of strings:
~410 MB of a server's memory for one member of the Chinese sentiment fusion. Its
sentiment needs two of them: the character-based segmenter (Wang et al. 2009, a
second-order model over (character, b/m/e/s) states) and a naive Bayes over the
segmented words. Here the segmenter's counts are NumPy arrays keyed by integer
state ids, converted once from SnowNLP's files into the model cache, and the
scoring is SnowNLP's own arithmetic, step for step and in the same order, so the
probabilities are SnowNLP's (``tests/unit/test_snownlp_compact.py`` compares them).

The package's marshal files are read only to convert them (they ship with the
snownlp wheel; nothing a user hands in is read this way).
"""

from __future__ import annotations

import gzip
import json
import marshal
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

#: Bump when the converted layout changes (older files are then converted again).
LAYOUT_VERSION = 1
#: SnowNLP's segmenter splits text into runs of these characters and the rest.
_HAN_RUN = re.compile("([\u4e00-\u9fa5]+)")
_STATUSES = ("b", "m", "e", "s")
#: The state id of a (character, tag) pair no count mentions.
_UNSEEN = -1


@dataclass(frozen=True)
class _Step:
    """One entry of the segmenter's beam: the last two states and the path so far."""

    before: int  # state id of the character before the last (or _UNSEEN)
    last: int  # state id of the last character
    last_key: tuple[int, int]  # (index of the last character, its tag) or BOS
    score: float
    path: tuple[Any, ...] | None  # (tag index, the rest) linked backwards


class CompactSegmenter:
    """SnowNLP's ``CharacterBasedGenerativeModel.tag`` on integer-keyed count arrays."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        pairs = arrays["pair_chars"].tolist()
        tags = arrays["pair_tags"].tolist()
        self.state_of = {(char, int(tag)): index
                         for index, (char, tag) in enumerate(zip(pairs, tags, strict=True))}
        self.size = len(pairs)
        self.uni = arrays["uni"].astype(float).tolist()  # count of each state
        self.uni_total = float(arrays["uni_total"])
        self.bi_keys, self.bi_counts = arrays["bi_keys"], arrays["bi_counts"]
        self.tri_keys, self.tri_counts = arrays["tri_keys"], arrays["tri_counts"]
        self.l1, self.l2, self.l3 = (float(x) for x in arrays["lambdas"])
        self.bos = self.state_of[("", len(_STATUSES))]

    def words(self, text: str) -> list[str]:
        """SnowNLP's ``seg.seg``: Han runs segmented by the model, the rest split on
        whitespace."""
        words: list[str] = []
        for part in _HAN_RUN.split(text):
            part = part.strip()
            if not part:
                continue
            if _HAN_RUN.match(part):
                words.extend(self._han_words(part))
            else:
                words.extend(word.strip() for word in part.split() if word.strip())
        return words

    def _han_words(self, run: str) -> Iterator[str]:
        pending = ""
        for char, tag in zip(run, self.tags(run), strict=True):
            if _STATUSES[tag] == "e":
                yield pending + char
                pending = ""
            elif _STATUSES[tag] in ("b", "s"):
                if pending:
                    yield pending
                pending = char
            else:
                pending += char
        if pending:
            yield pending

    def tags(self, run: str) -> list[int]:
        """The best b/m/e/s tag index of each character (SnowNLP's beam, ties and all)."""
        bos_key = (-1, len(_STATUSES))
        beam = [_Step(self.bos, self.bos, bos_key, 0.0, None)]
        for position, char in enumerate(run):
            states = [self.state_of.get((char, tag), _UNSEEN) for tag in range(len(_STATUSES))]
            stage: dict[tuple[tuple[int, int], int], _Step] = {}
            if all(state == _UNSEEN or self.uni[state] == 0 for state in states):
                # An unknown character: every tag keeps the score, the last one wins.
                for tag, state in enumerate(states):
                    for step in beam:
                        stage[(step.last_key, tag)] = _Step(
                            step.last, state, (position, tag), step.score, (tag, step.path))
            else:
                scores = self._log_probs(beam, states)
                for tag, state in enumerate(states):
                    for step, log_prob in zip(beam, scores[tag], strict=True):
                        score = step.score + log_prob
                        key = (step.last_key, tag)
                        if key not in stage or score > stage[key].score:
                            stage[key] = _Step(step.last, state, (position, tag), score,
                                               (tag, step.path))
            beam = list(stage.values())
        best = max(beam, key=lambda step: step.score)
        path, node = [], best.path
        while node is not None:
            path.append(node[0])
            node = node[1]
        return path[::-1]

    def _log_probs(self, beam: list[_Step], states: list[int]) -> list[list[float]]:
        """``log_prob(before, last, state)`` for every beam entry and tag, as SnowNLP
        computes it (interpolated uni-, bi- and trigram frequencies)."""
        size = self.size
        pairs = [(step.before, step.last, state) for state in states for step in beam]
        bi_last = self._counts(self.bi_keys, self.bi_counts,
                               [(last * size + state) if _UNSEEN not in (last, state) else -1
                                for _, last, state in pairs])
        # The (before, last) count is the beam entry's own: once per entry, not per tag.
        bi_first = self._counts(self.bi_keys, self.bi_counts,
                                [(step.before * size + step.last)
                                 if _UNSEEN not in (step.before, step.last) else -1
                                 for step in beam])
        tri = self._counts(self.tri_keys, self.tri_counts,
                           [((before * size + last) * size + state)
                            if _UNSEEN not in (before, last, state) else -1
                            for before, last, state in pairs])
        width = len(beam)
        out: list[float] = []
        for index, (_, last, state) in enumerate(pairs):
            uni = self.l1 * ((self.uni[state] if state != _UNSEEN else 0) / self.uni_total)
            last_count = self.uni[last] if last != _UNSEEN else 0
            bi = _div(self.l2 * bi_last[index], last_count)
            trigram = _div(self.l3 * tri[index], bi_first[index % width])
            total = uni + bi + trigram
            out.append(float("-inf") if total == 0 else math.log(total))
        return [out[tag * width:(tag + 1) * width] for tag in range(len(states))]

    @staticmethod
    def _counts(keys: np.ndarray, counts: np.ndarray, wanted: list[int]) -> list[float]:
        query = np.asarray(wanted, dtype=np.int64)
        at = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
        found = (keys[at] == query) & (query >= 0)
        return np.where(found, counts[at], 0).astype(float).tolist()


def _div(numerator: float, denominator: float) -> float:
    return 0.0 if denominator == 0 else float(numerator) / denominator


class CompactSentiment:
    """SnowNLP's ``sentiment.classify``: P(positive) of a text."""

    def __init__(self, segmenter: CompactSegmenter, bayes: dict[str, Any],
                 stopwords: set[str]) -> None:
        self.segmenter = segmenter
        self.classes: dict[str, tuple[dict[str, float], float]] = {
            label: (table["d"], float(table["total"])) for label, table in bayes["d"].items()}
        self.total = float(bayes["total"])
        self.stopwords = stopwords

    def positive(self, text: str) -> float:
        words = [w for w in self.segmenter.words(text) if w not in self.stopwords]
        scores = {}
        for label, (counts, label_total) in self.classes.items():
            score = math.log(label_total) - math.log(self.total)
            for word in words:
                score += math.log(float(counts.get(word, 1)) / label_total)
            scores[label] = score
        best: Any = 0
        best_prob = 0.0
        for label in self.classes:
            try:
                share = 1 / sum(math.exp(scores[other] - scores[label]) for other in self.classes)
            except OverflowError:
                share = 0.0
            if share > best_prob:
                best, best_prob = label, share
        return best_prob if best == "pos" else 1 - best_prob


_LOCK = threading.Lock()


def load_sentiment(package: Path, cache_dir: Path) -> CompactSentiment:
    """The compact model of the snownlp package in ``package``, converted into
    ``cache_dir`` on first use."""
    folder = cache_dir / "snownlp" / f"layout-{LAYOUT_VERSION}"
    with _LOCK:
        if not (folder / "segmenter.npz").is_file():
            _convert(package, folder)
    with np.load(folder / "segmenter.npz", allow_pickle=False) as arrays:
        segmenter = CompactSegmenter(dict(arrays))
    bayes = json.loads((folder / "bayes.json").read_text(encoding="utf-8"))
    stopwords = {line.strip() for line in
                 (package / "normal" / "stopwords.txt").read_text(encoding="utf-8")
                 .splitlines(keepends=True)}
    return CompactSentiment(segmenter, bayes, stopwords)


def _read_marshal(file: Path) -> Any:
    with gzip.open(file, "rb") as handle:
        return marshal.loads(handle.read())


def _convert(package: Path, folder: Path) -> None:
    """SnowNLP's segmenter and Bayes files → ``segmenter.npz`` and ``bayes.json``."""
    model = _read_marshal(package / "seg" / "seg.marshal.3")
    tag_index = {tag: index for index, tag in enumerate(_STATUSES)}
    tag_index["BOS"] = len(_STATUSES)
    state_of: dict[tuple[str, int], int] = {}

    def state(pair: tuple[str, str]) -> int:
        key = (pair[0], tag_index[pair[1]])
        return state_of.setdefault(key, len(state_of))

    uni_items = [(state(pair), count) for pair, count in model["uni"]["d"].items()]
    bi_items = [(state(a), state(b), count) for (a, b), count in model["bi"]["d"].items()]
    tri_items = [(state(a), state(b), state(c), count)
                 for (a, b, c), count in model["tri"]["d"].items()]
    size = len(state_of)
    uni = np.zeros(size, dtype=np.float64)
    for index, count in uni_items:
        uni[index] = count
    bi_keys = np.array([a * size + b for a, b, _ in bi_items], dtype=np.int64)
    tri_keys = np.array([(a * size + b) * size + c for a, b, c, _ in tri_items], dtype=np.int64)
    bi_order, tri_order = np.argsort(bi_keys), np.argsort(tri_keys)
    pairs = sorted(state_of.items(), key=lambda item: item[1])
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / "segmenter.partial.npz"
    np.savez(
        partial,
        pair_chars=np.array([char for (char, _), _ in pairs], dtype=str),
        pair_tags=np.array([tag for (_, tag), _ in pairs], dtype=np.int8),
        uni=uni, uni_total=np.float64(model["uni"]["total"]),
        bi_keys=bi_keys[bi_order],
        bi_counts=np.array([c for *_, c in bi_items], dtype=np.float64)[bi_order],
        tri_keys=tri_keys[tri_order],
        tri_counts=np.array([c for *_, c in tri_items], dtype=np.float64)[tri_order],
        lambdas=np.array([model["l1"], model["l2"], model["l3"]], dtype=np.float64),
    )
    bayes = _read_marshal(package / "sentiment" / "sentiment.marshal.3")
    (folder / "bayes.json").write_text(json.dumps(bayes, ensure_ascii=False), encoding="utf-8")
    partial.replace(folder / "segmenter.npz")
