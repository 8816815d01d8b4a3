"""Rule-based polarity of Chinese text: a lexicon with negation, degree, contrast and
direction-of-change rules, written for financial and news text.

Why rules: no permissively licensed Chinese sentiment corpus exists to train a shipped
model, and a review-trained model (SnowNLP) reads "股价大跌" as praise. Finance has its
own grammar of sentiment, which the rules encode:

- **direction of change**: a rise is good for good quantities (利润, 营收, 市场份额) and
  bad for bad ones (亏损, 不良率, 成本); "亏损收窄" is good news, "涨幅收窄" bad;
- **negation** flips the sentiment words within eight characters (未能中标, 并非利好),
  or to the clause end after existence negators (并未出现…问题, 不存在…风险);
- **degree** words scale it (大幅下滑, 小幅上涨);
- **contrast** weighs the clause after 但/却/然而 over the one before; a 虽然 clause
  counts half.

The lexicon (``defaults/lexicons/zh_sentiment.json``) was written by the project from
general knowledge of the language, not from any data set. :class:`Polarity` gives the
signed evidence; :meth:`ChinesePolarity.probabilities` turns it into negative / neutral /
positive probabilities (no evidence → neutral).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent.parent / "defaults" / "lexicons" / "zh_sentiment.json"
#: Clause boundaries: Chinese and ASCII punctuation that ends a clause, and white space.
_CLAUSE = re.compile(r"[，。！？；：,!?;:\n\r\t]+|\s{2,}")
#: How far (characters) a negator reaches to the sentiment word it flips ("并没有出现…亏损").
NEGATION_REACH = 8
#: How far a change word (下调) reaches to the quantity it changes (存款准备金率).
CHANGE_REACH = 6
#: A flipped word keeps this share of its weight ("不好" is milder than "差").
NEGATION_FACTOR = 0.8
CONTRAST_AFTER, CONTRAST_BEFORE, CONCESSION = 1.5, 0.5, 0.5
#: How fast evidence drains the neutral probability: P(neutral) = exp(-rate · |score|).
NEUTRAL_RATE = 1.1


@dataclass(frozen=True)
class Polarity:
    """Signed evidence of one text: ``score`` > 0 positive, < 0 negative; ``hits`` is
    how many sentiment words (or quantity changes) were counted."""

    score: float
    hits: int


@dataclass
class _Clause:
    """State while reading one clause left to right."""

    total: float = 0.0
    hits: int = 0
    negated_until: int = -1
    intensity: float = 1.0
    quantity: int = 0  # a quantity noun waiting for its change: +1 good, -1 bad
    pending: float = 0.0  # that noun's own polarity, counted if no change follows
    pending_start: int = 0
    change: tuple[int, int, int, float] | None = None  # (direction, start, end, own value)

    def add(self, value: float, start: int) -> None:
        if start <= self.negated_until:  # every word in reach: 没有出现担心的亏损
            value *= -NEGATION_FACTOR
        self.total += value * self.intensity
        self.intensity = 1.0
        self.hits += 1

    def flush(self) -> None:
        """Count what waited for a partner that did not come."""
        if self.change is not None:
            _, start, _, own = self.change
            self.change = None
            if own:
                self.add(own, start)
        if self.pending:
            self.add(self.pending, self.pending_start)
        self.pending, self.quantity = 0.0, 0


class ChinesePolarity:
    """Scores Chinese text with the lexicon and rules described in the module docstring."""

    def __init__(self, path: Path = LEXICON) -> None:
        data = json.loads(path.read_text(encoding="utf-8"))
        self.version = int(data["version"])
        self.words: dict[str, float] = {**{w: -v for w, v in data["negative"].items()},
                                        **{w: float(v) for w, v in data["positive"].items()}}
        self.rise, self.fall = data["rise"], data["fall"]
        self.quantity = {**{w: -1 for w in data["bad_quantities"]},
                         **{w: 1 for w in data["good_quantities"]}}
        self.negators = set(data["negators"])
        self.clause_negators = set(data["clause_negators"])
        self.intensifiers: dict[str, float] = data["intensifiers"]
        self.contrast, self.concession = set(data["contrast"]), set(data["concession"])
        terms = {*self.words, *self.rise, *self.fall, *self.quantity, *self.negators,
                 *self.clause_negators, *self.intensifiers, *self.contrast, *self.concession,
                 *data["neutral"]}
        # Longest first, so a regex alternation prefers "不良" over the negator "不".
        self.pattern = re.compile("|".join(
            re.escape(t) for t in sorted(terms, key=lambda t: (-len(t), t))))
        gap = "[^，。！？；,!?;]{0,8}"
        self.expectation = [
            (re.compile(f"(?:{'|'.join(data['expectation']['beat'])}){gap}预期"), 2.0),
            (re.compile(f"(?:{'|'.join(data['expectation']['miss'])}){gap}预期"), -2.0),
        ]

    def polarity(self, text: str) -> Polarity:
        """The signed evidence of one text (0 with no hits)."""
        clauses = [self._clause(piece) for piece in _CLAUSE.split(text) if piece.strip()]
        total = 0.0
        for weight, score, _ in clauses:
            if weight == CONTRAST_AFTER:
                total *= CONTRAST_BEFORE
            total += weight * score
        return Polarity(round(total, 6), sum(hits for _, _, hits in clauses))

    def _clause(self, piece: str) -> tuple[float, float, int]:
        state, weight = _Clause(), 1.0
        for pattern, value in self.expectation:  # "低于分析师预期": one judgement
            for match in pattern.finditer(piece):
                state.add(value, match.start())
                piece = piece[:match.start()] + " " * len(match.group()) + piece[match.end():]
        for match in self.pattern.finditer(piece):
            term, start = match.group(), match.start()
            direction = self.rise.get(term, 0) or -self.fall.get(term, 0)
            if term in self.contrast:
                weight = CONTRAST_AFTER
            elif term in self.concession:
                weight = CONCESSION
            elif term in self.clause_negators:  # 并未出现 / 不存在: to the clause end
                state.negated_until = len(piece)
            elif term in self.negators:
                state.negated_until = match.end() + NEGATION_REACH
            elif term in self.intensifiers:
                state.intensity *= self.intensifiers[term]
            elif direction and state.quantity:  # 亏损收窄: the noun, then its change
                quantity, state.quantity, state.pending = state.quantity, 0, 0.0
                state.add(direction * quantity, start)
            elif direction:  # 下调准备金率: the change, then maybe its noun
                state.flush()
                state.change = (direction, start, match.end(), self.words.get(term, 0.0))
            elif term in self.quantity:
                change = state.change
                if change is not None and start - change[2] <= CHANGE_REACH:
                    state.change = None
                    state.add(change[0] * self.quantity[term], change[1])
                else:
                    state.flush()
                    state.quantity = self.quantity[term]
                    state.pending = self.words.get(term, 0.0)
                    state.pending_start = start
            elif self.words.get(term):
                state.flush()
                state.add(self.words[term], start)
        state.flush()
        return weight, state.total, state.hits

    def probabilities(self, texts: Sequence[str]) -> list[tuple[float, float, float]]:
        """``(negative, neutral, positive)`` per text: neutral fades as evidence grows."""
        rows = []
        for text in texts:
            score = self.polarity(text).score
            neutral = math.exp(-NEUTRAL_RATE * abs(score))
            positive_share = 1.0 / (1.0 + math.exp(-4.0 * score))
            rows.append(((1 - neutral) * (1 - positive_share), neutral,
                         (1 - neutral) * positive_share))
        return rows


@cache
def chinese_polarity() -> ChinesePolarity:
    """The shipped lexicon, loaded once."""
    return ChinesePolarity()
