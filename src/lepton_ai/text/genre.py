"""Which kind of text a summary is asked of: a review, or a document (news, report,
abstract). Dialogues are recognised by their speaker tags (:mod:`lepton_ai.text.turns`).

The genres put their point in different places: a document states it first (which is
why lead-k is the baseline to beat), a review ends on its verdict ("Overall I am happy
with it for the price", "总体来说还是很满意的"). A review speaks in the first person
and judges: a text is taken for one when its words outside quotation marks hold at
least ``REVIEW_CUES`` cues of either kind, counted per occurrence. News quotes people
("'I was shocked,' she said") and abstracts say "we", which is why quotes are skipped
and only the singular counts. Measured on AG News, Inspec, ChnSentiCorp and our own
sets in docs/benchmarks.md ("Summaries by genre").
"""

from __future__ import annotations

import re
from typing import Literal

Genre = Literal["document", "review"]
GENRES: tuple[str, ...] = ("document", "review")

#: Cues a text needs to be taken for a review.
REVIEW_CUES = 2
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|「[^」]*」")
_FIRST_PERSON_EN = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|my|me|mine)\b")
_JUDGEMENT_EN = re.compile(
    r"\b(?:recommend\w*|worth|disappoint\w*|waste of money|value for money|for the price|"
    r"overall|five stars|one star|refund|would (?:not |never )?(?:buy|order|stay|go|hire|"
    r"use) (?:it |them |here |there )?again|(?:do not|don't) buy|love it|hate it|"
    r"complaint|downside|the only (?:problem|issue|thing)|great|excellent|terrible|awful|"
    r"comfortable|uncomfortable|disappointing|friendly|delicious|tasty|stunning|loud|"
    r"noisy|quiet|pricey|overpriced|sturdy|flimsy|pleasant|annoying|happy with|"
    r"easy to use|well made|poorly made)\b", re.IGNORECASE)
_FIRST_PERSON_ZH = re.compile("我(?!们|国|市|省|区|县|院|校|局|司|行|部|军|方)")
_JUDGEMENT_ZH = re.compile(
    "推荐|值得|性价比|满意|失望|好评|差评|回购|不错|物超所值|物有所值|不推荐|不值|"
    "总体来说|总的来说|整体来说|总之|下次还会|不会再|还会再|服务员|态度|体验|"
    "美中不足|唯一的?(?:缺点|不足|问题)|太差|很差|一般般|划算|坑|"
    # degree words before a judgement: 很好, 非常舒服, 有点硬, 太长了, 挺准时
    "很(?:好|差|棒|烂|贵|便宜|舒服|方便|干净|专业|热情|满意|失望|快|慢)|非常|挺|有点|太.{1,3}了|"
    "不太|特别(?:好|差|棒)|中规中矩|效果|"
    # what a reviewer points at: 这款电饭煲, 这家店, 这部电影
    "这(?:款|家|部|本|台|次)")


def review_cues(text: str) -> int:
    """First-person and judging words of ``text`` outside quotation marks."""
    plain = _QUOTED.sub(" ", text)
    return sum(len(pattern.findall(plain)) for pattern in (
        _FIRST_PERSON_EN, _JUDGEMENT_EN, _FIRST_PERSON_ZH, _JUDGEMENT_ZH))


def detect_genre(text: str) -> Genre:
    """``"review"`` when ``text`` reads as one (see the module docstring), else
    ``"document"``."""
    return "review" if review_cues(text) >= REVIEW_CUES else "document"
