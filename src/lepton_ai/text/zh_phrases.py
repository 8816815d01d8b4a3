"""Chinese key-phrase candidates: runs of up to four jieba words that may name a term.

Authors' Chinese key phrases are mostly compounds that jieba cuts into two or three
words (抗高血压药 → 抗 / 高血压 / 药, 血糖波动 → 血糖 / 波动, 分布滞后非线性模型), so every
run of 1–4 neighbouring words is a candidate when it

- crosses no punctuation, particle, preposition, conjunction, pronoun or numeral
  (a few one-character affixes such as 多, 自, 抗, 非 may lead a compound),
- does not start with a word that opens a sentence of an abstract (目的, 结果, 本文 …),
- does not end in an adjective (数据稀疏 is one, but mostly they start a clause), and
- as a single word, is a noun, name, idiom, abbreviation or Latin word of two or more
  characters that is not one of the generic words of reports (研究, 患者, 数据 …).

Each candidate keeps its jieba words (its IDF is theirs), how often it occurs and how
often the longer candidates that contain it occur (a C-value's nesting: 血糖 inside
血糖波动 is not counted as its own mention). Bench: ``bench/keywords_zh.py``.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from lepton_ai.text.lang import has_cjk
from lepton_ai.text.phrases import Candidate, quiet_jieba

#: Longest candidate, in jieba words.
MAX_WORDS = 4
#: Longest candidate, in characters.
MAX_CHARACTERS = 12
#: jieba tags a candidate may not contain: particles, prepositions, conjunctions,
#: pronouns, numerals, modal and onomatopoeic words, locatives.
_BLOCKING_TAGS = frozenset({"p", "c", "r", "m", "y", "e", "o", "f"})
#: One-character words that lead compounds whatever jieba tags them (多光谱, 自注意力, 非线性).
_AFFIXES = frozenset("多自大小非不超高低抗新单双全总次微")
#: Words that open the sentences of an abstract or a report, never a term.
_OPENER_WORDS = "目的 方法 结果 结论 本文 本研究 结果显示 结果表明 研究 通过 采用 利用 基于 进行"
_OPENERS = frozenset(_OPENER_WORDS.split())
#: Verbs that make a clause of what follows or precedes them (引入注意力机制, 精度提高):
#: a term neither starts nor ends with one.
_CLAUSE_VERB_WORDS = """提高 降低 增加 减少 引入 改进 使用 提出 构建 设计 实现 建立
采用 利用 结合 进行 获得 达到 具有 存在 影响 导致 促进 支持 推动 加强 完善 提升
改善 缓解 显示 表明 发现 选取 纳入 给予"""
_CLAUSE_VERBS = frozenset(_CLAUSE_VERB_WORDS.split())
#: Generic words of reports: never a key phrase on their own.
_GENERIC_WORDS = """目的 方法 结果 结论 本文 本研究 研究 患者 分析 影响 问题 提出 采用 表明 显示
发现 进行 利用 基于 通过 选取 比较 探讨 观察 评价 提高 降低 明显 显著 实验 建议 认为 表示 指出 具有
存在 作为 包括 主要 重要 有效 一种 方面 情况 水平 能力 作用 效果 因素 数据 模型 系统 相关 人员 部门
有关 今年 目前 进一步"""
_GENERIC = frozenset(_GENERIC_WORDS.split())
#: Tags of single-word candidates: nouns and names (n*), idioms (i, l), abbreviations (j),
#: Latin words (eng), state words (z), and unknown strings jieba leaves untagged (x).
_SINGLE_WORD_TAGS = ("n", "i", "l", "j", "eng", "z", "x")
_SENTENCE_ENDS = "。！？!?\n"


@dataclass(frozen=True)
class _Word:
    text: str
    tag: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


def chinese_candidates(texts: Sequence[str]) -> list[list[Candidate]]:
    """Key-phrase candidates of each Chinese text (one list per text)."""
    quiet_jieba()
    import jieba.posseg

    results = []
    for text in texts:
        words, offset = [], 0
        for pair in jieba.posseg.cut(text):
            words.append(_Word(pair.word, pair.flag, offset))
            offset += len(pair.word)
        results.append(_candidates(text, words))
    return results


def _candidates(text: str, words: list[_Word]) -> list[Candidate]:
    lead_end = min((i for i in (text.find(ch) for ch in _SENTENCE_ENDS) if i >= 0),
                   default=len(text))
    by_key: dict[str, Candidate] = {}
    occurrences: list[tuple[int, int, str]] = []  # (first word, words, key)
    for first in range(len(words)):
        for size in range(1, MAX_WORDS + 1):
            run = words[first : first + size]
            if len(run) < size or not _may_continue(text, run):
                break
            if not _is_candidate(run):
                continue
            start, end = run[0].start, run[-1].end
            phrase = text[start:end]
            key = phrase.lower()
            occurrences.append((first, size, key))
            found = by_key.get(key)
            if found is None:
                by_key[key] = Candidate(
                    phrase, key, start, end, first, 1, size, [(start, end)],
                    parts=tuple(w.text.lower() for w in run), in_lead=start < lead_end)
            else:
                found.count += 1
                found.offsets.append((start, end))
    _count_nesting(by_key, occurrences, words, text)
    return list(by_key.values())


def _may_continue(text: str, run: list[_Word]) -> bool:
    """Whether ``run`` (and so every longer run from its first word) can still be a term."""
    last = run[-1]
    if not last.text.strip() or not any(ch.isalnum() for ch in last.text):
        return False  # whitespace or punctuation
    if run[-1].end - run[0].start > MAX_CHARACTERS:
        return False
    if last.tag.startswith("u") or last.tag in _BLOCKING_TAGS:
        return last.text in _AFFIXES
    if last.tag == "d" and len(last.text) < 2:
        return False
    if last.tag == "eng":
        # jieba cuts Latin words at accented letters ("café" -> "caf"): whole words only.
        before, after = text[last.start - 1 : last.start], text[last.end : last.end + 1]
        if any(ch.isalpha() and not has_cjk(ch) for ch in before + after):
            return False
        if last.text.lower() in _english_stop_words():
            return False
    return run[0].tag != "q"


@functools.cache
def _english_stop_words() -> frozenset[str]:
    # scikit-learn's list, imported on first use: importing it at start would load
    # scikit-learn, SciPy and pandas into every process that imports the tasks (+140 MB).
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


def _is_candidate(run: list[_Word]) -> bool:
    first, last = run[0], run[-1]
    if first.text in _OPENERS:
        return False
    if last.text in _AFFIXES:
        return False  # an affix leads a compound, it never ends one
    if len(run) > 1 and (first.text in _CLAUSE_VERBS or last.text in _CLAUSE_VERBS):
        return False
    if any(ch.isspace() for w in run[1:] for ch in w.text):
        return False
    if len(run) == 1:
        return (len(first.text) >= 2 and first.tag.startswith(_SINGLE_WORD_TAGS)
                and first.text not in _GENERIC)
    return last.tag != "a"


def _count_nesting(by_key: dict[str, Candidate], occurrences: list[tuple[int, int, str]],
                   words: list[_Word], text: str) -> None:
    """For each candidate, the mean count of the longer candidates that contain it."""
    containers: dict[str, set[str]] = defaultdict(set)
    for first, size, key in occurrences:
        for inner_first in range(first, first + size):
            for inner_size in range(1, first + size - inner_first + 1):
                if inner_size == size:
                    continue
                inner = text[words[inner_first].start :
                             words[inner_first + inner_size - 1].end].lower()
                if inner in by_key:
                    containers[inner].add(key)
    for key, longer in containers.items():
        by_key[key].nested = sum(by_key[k].count for k in longer) / len(longer)
