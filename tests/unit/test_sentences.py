"""Sentence boundaries: decimals, versions, URLs and e-mails stay whole (issue 26's cases)."""

from __future__ import annotations

import itertools

import pytest

from lepton_ai.text.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[start:end].strip() for start, end in sentence_spans(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Revenue rose 3.5% to EUR 12.4 mn. Profit fell.",
     ["Revenue rose 3.5% to EUR 12.4 mn.", "Profit fell."]),
    ("抗菌药物使用强度为64.18%,总DDDs的88.46%。其余来自门诊。",
     ["抗菌药物使用强度为64.18%,总DDDs的88.46%。", "其余来自门诊。"]),
    ("See example.com/a.html or write to a.b@c.org. Version v1.2.3 works!",
     ["See example.com/a.html or write to a.b@c.org.", "Version v1.2.3 works!"]),
    ("他说：“好。”然后走了。", ["他说：“好。”", "然后走了。"]),
    ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
    ("Wait... what? Yes!", ["Wait...", "what?", "Yes!"]),
    ("one line\ntwo line", ["one line", "two line"]),
    ("no boundary at all", ["no boundary at all"]),
    ("Mr. Smith met Dr. J. Watson at Acme Inc. on Jan. 5. They talked.",
     ["Mr. Smith met Dr. J. Watson at Acme Inc. on Jan. 5.", "They talked."]),
    ("Results: 1. Jesper Ronnback 25.76 2. Andrei Ivanov 24.88. Next race in 1997. Go.",
     ["Results: 1. Jesper Ronnback 25.76 2. Andrei Ivanov 24.88.", "Next race in 1997.",
      "Go."]),
    ("Rates rose; savers were glad. 利率上升；储户很高兴。好。",
     ["Rates rose; savers were glad.", "利率上升；储户很高兴。", "好。"]),
    ("Officials of the U.S. and the U.K. met. It went well.",
     ["Officials of the U.S. and the U.K. met.", "It went well."]),
    ("He said no. Then he left.", ["He said no.", "Then he left."]),
    ("He scored 12. Then he left.", ["He scored 12.", "Then he left."]),
    ("“千真万确！我亲耳听见的。”大家愣住了。", ["“千真万确！我亲耳听见的。”", "大家愣住了。"]),
    ("“没办法。”他低声说。母亲没再说话。", ["“没办法。”他低声说。", "母亲没再说话。"]),
    ("“你知道吗？”小王说，“老张要走了。”", ["“你知道吗？”小王说，“老张要走了。”"]),
    ("他指出：“风险很高。”他认为，应当谨慎。", ["他指出：“风险很高。”", "他认为，应当谨慎。"]),
    ("朋友问我：“有那么好听吗？”我笑着说：“你自己听听就知道了。”",
     ["朋友问我：“有那么好听吗？”", "我笑着说：“你自己听听就知道了。”"]),
    ("银行卡丢了……你先别慌。", ["银行卡丢了……", "你先别慌。"]),
    ("2. Andrei Ivanov won.", ["2. Andrei Ivanov won."]),
    ("基金（No. 52172045）资助。I said no. Fine.",
     ["基金（No. 52172045）资助。", "I said no.", "Fine."]),
])
def test_sentences_end_where_a_reader_ends_them(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_spans_cover_the_text_in_order() -> None:
    text = "A 1.5 m board. 长1.5米。 Done"
    spans = sentence_spans(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
