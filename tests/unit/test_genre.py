"""Reading a text as a review or a document (lepton_ai.text.genre)."""

from __future__ import annotations

import pytest

from lepton_ai.text.genre import detect_genre, review_cues


@pytest.mark.parametrize("text", [
    "I ordered the curry for delivery. It was late and cold. I would not order again.",
    "这款电饭煲是给父母买的。煮出来的米饭很好吃。总的来说性价比很高。",
    "Do not buy this case. It cracked on the first drop. Complete waste of money.",
])
def test_reviews_are_read_as_reviews(text: str) -> None:
    assert detect_genre(text) == "review"


@pytest.mark.parametrize("text", [
    "Acme cut its forecast on Monday after weak sales in China. Shares fell 4%.",
    "We propose a method for index selection. Experiments show a 41% gain.",
    "截至6月30日，该基金规模为85.6亿元。基金经理表示将继续看好消费板块。",
])
def test_documents_are_read_as_documents(text: str) -> None:
    assert detect_genre(text) == "document"


def test_words_inside_quotes_are_not_the_writer_judging() -> None:
    quoted = '"I loved it, I would recommend it," the minister said of the plan on Monday.'
    assert review_cues(quoted) == 0
    assert detect_genre(quoted) == "document"


def test_first_person_plural_and_institutional_wo_are_not_cues() -> None:
    assert review_cues("我们提出一种新方法。我国经济增长。我院开展研究。") == 0
