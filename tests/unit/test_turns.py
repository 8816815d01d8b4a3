"""Dialogue turns: speaker tags in the forms transcripts use, continuation lines,
texts that are not dialogues; and summaries of dialogues made of whole turns."""

from __future__ import annotations

from lepton_ai.tasks.summarize import summarize
from lepton_ai.text.turns import dialogue_turns


def test_speaker_tags_of_every_common_form_are_turns() -> None:
    dialogsum = dialogue_turns("#Person1#: Hello. How are you?\n#Person2#: Fine: thanks.")
    assert [(t.speaker, t.text) for t in dialogsum] == [
        ("#Person1#", "Hello. How are you?"), ("#Person2#", "Fine: thanks.")]
    chat = dialogue_turns("[10:31] Bob: the card is blocked\n(10:32) Alice Smith: which one?")
    assert [t.speaker for t in chat] == ["Bob", "Alice Smith"]
    chinese = dialogue_turns("客服：您好，请问有什么可以帮您？\n用户：我的卡被冻结了。")
    assert [t.tagged for t in chinese] == ["客服：您好，请问有什么可以帮您？", "用户：我的卡被冻结了。"]


def test_a_line_without_a_tag_continues_the_turn_before_it() -> None:
    text = "A: the first part\nand the second part\nB: ok"
    turns = dialogue_turns(text)
    assert [(t.speaker, t.text) for t in turns] == [
        ("A", "the first part\nand the second part"), ("B", "ok")]
    assert text[turns[0].start:turns[0].end] == turns[0].text


def test_prose_one_line_and_a_memo_are_not_dialogues() -> None:
    assert dialogue_turns("Revenue rose 3.5% to EUR 12.4 mn. Profit fell.") is None
    assert dialogue_turns("A: one line only") is None
    assert dialogue_turns("Note: read this\nIt is a memo.\nWith three lines.") is None
    assert dialogue_turns("") is None


def test_a_dialogue_is_summarized_by_whole_turns_with_their_speakers(tmp_cache) -> None:
    text = ("#Person1#: Hello, how can I help you today?\n"
            "#Person2#: My bank card was blocked after I typed the wrong password.\n"
            "#Person1#: I can unblock it. Please show me your passport.\n"
            "#Person2#: Here it is.\n#Person1#: Done. The card works again.")
    summary = summarize(text, method="extractive", max_sentences=2)
    lines = summary.text.split("\n")
    assert len(lines) == 2 and all(line.startswith("#Person") for line in lines)
    assert all(text[s:e] in text and text[s:e] in summary.text for s, e in summary.spans)
    assert summary.spans == sorted(summary.spans)
    one_speaker = summarize("A: first thing\nA: second thing\nA: third", max_sentences=5)
    assert one_speaker.text.count("A: ") == 3  # a budget larger than the text: all of it


def test_one_line_with_alternating_speakers_is_a_dialogue_and_a_list_is_not() -> None:
    text = "A: Is my card blocked? B: Yes, since Monday. A: Please unblock it."
    turns = dialogue_turns(text)
    assert [(t.speaker, t.text) for t in turns] == [
        ("A", "Is my card blocked?"), ("B", "Yes, since Monday."), ("A", "Please unblock it.")]
    assert all(text[t.start:t.end] == t.text for t in turns)
    chinese = dialogue_turns("客服：您好。用户：快递没到。客服：请提供单号。")
    assert [t.speaker for t in chinese] == ["客服", "用户", "客服"]
    assert dialogue_turns("Revenue: up. Profit: down. Costs: flat.") is None  # nobody twice
    assert dialogue_turns("Note: this is fine. It works.") is None


def test_a_transcript_with_one_speaker_is_still_read_turn_by_turn() -> None:
    turns = dialogue_turns("Alice: I called the bank.\nAlice: They did not answer.")
    assert [t.speaker for t in turns] == ["Alice", "Alice"]
