"""Extractive summaries: sentences come from the input, in order, within the limits."""

from __future__ import annotations

import numpy as np
import pytest

from lepton_ai.errors import LeptonError
from lepton_ai.tasks.summarize import centrality, pick_sentences, sentences_of, summarize

TEXT = (
    "The bank raised interest rates on Monday. Savers welcomed the higher rates. "
    "Borrowers complained that loans became more expensive. OK. "
    "The bank said rates would stay high for a year. The weather was sunny."
)


def test_sentences_are_stripped_spans_of_the_original() -> None:
    text = "  First one.  Second one!\n第三句。"
    spans = sentences_of(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one!", "第三句。"]


def test_centrality_favours_the_sentence_most_like_the_others() -> None:
    vectors = np.array([[1, 0], [1, 0.5], [1, 1], [-1, 0.2]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = centrality(vectors)
    assert scores.argmax() == 1 and scores.argmin() == 3
    assert scores.sum() == pytest.approx(1.0, abs=1e-6)


def test_mmr_skips_a_near_duplicate() -> None:
    vectors = np.array([[1, 0], [1, 0.001], [0, 1], [-1, 0]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    picked = pick_sentences(vectors, np.array([1.0, 0.99, 0.9, 0.0]), [5] * 4, 2, None)
    assert picked == [0, 2]


def test_word_limit_is_kept() -> None:
    vectors = np.eye(3, dtype=np.float32)
    picked = pick_sentences(vectors, np.array([1.0, 0.9, 0.8]), [8, 8, 3], 3, 12)
    assert picked == [0, 2]


def test_extractive_summary_is_sentences_of_the_input_in_order(tmp_cache) -> None:
    summary = summarize(TEXT, method="extractive", max_sentences=2)
    assert summary.method == "extractive" and summary.model == "all-MiniLM-L6-v2"
    assert len(summary.spans) == 2
    assert summary.spans == sorted(summary.spans)
    pieces = [TEXT[s:e] for s, e in summary.spans]
    assert summary.text == " ".join(pieces)
    assert "OK." not in pieces  # too short to be picked


def test_chinese_is_summarized_with_the_multilingual_encoder(tmp_cache) -> None:
    text = "今天天气很好。我们去公园散步了很久。公园里有很多人在跑步和打球。晚上我们吃了火锅。"
    summary = summarize([text], method="extractive", max_sentences=2)[0]
    assert summary.model == "use-multilingual-v3"
    assert all(text[s:e] in text for s, e in summary.spans)
    assert summary.text == "".join(text[s:e] for s, e in summary.spans)


def test_unknown_method_names_the_choices() -> None:
    with pytest.raises(LeptonError, match="LAI-E906"):
        summarize("A sentence here.", method="magic")  # type: ignore[arg-type]


def test_chinese_abstractive_without_a_model_is_refused() -> None:
    with pytest.raises(LeptonError, match="LAI-E907"):
        summarize("今天天气很好。我们去公园散步。", method="abstractive")


def test_a_text_without_boundaries_and_a_budget_beyond_the_text(tmp_cache) -> None:
    line = "word " * 1000  # 5,000 characters, no sentence end
    summary = summarize(line, method="extractive", max_sentences=3)
    assert summary.text == line.strip() and len(summary.spans) == 1
    short = "Rates rose on Monday in the city. Savers were glad about the news."
    everything = summarize(short, method="extractive", max_sentences=10)
    assert everything.text == short  # more sentences asked for than there are


def test_the_lead_prior_puts_the_opening_first_unless_turned_off(tmp_cache) -> None:
    text = ("Acme cut its forecast on Monday after weak sales in China. "
            "Weather was mild in the region. Cats and dogs were seen in the park. "
            "Acme's weak sales and the forecast cut hit the shares of Acme.")
    assert summarize(text, method="extractive", max_sentences=1).text.startswith("Acme cut")
    central = summarize(text, method="extractive", max_sentences=1, lead=False).text
    assert central.startswith("Acme")  # centrality alone: one of the two on Acme


def test_a_review_is_read_as_one_and_summarized_by_its_verdict(tmp_cache) -> None:
    review = ("I bought this kettle after my old one started leaking. It boils a litre in "
              "three minutes. The handle stays cool. It is louder than my old one. Overall "
              "the kettle boils fast with a cool handle, and I am happy with it for the price.")
    summary = summarize(review, method="extractive", max_sentences=1)
    assert summary.genre == "review"
    assert summary.text.startswith("Overall")
    as_document = summarize(review, method="extractive", max_sentences=1, genre="document")
    assert as_document.genre == "document" and as_document.text.startswith("I bought")


def test_an_unknown_genre_names_the_choices() -> None:
    with pytest.raises(LeptonError, match="LAI-E909"):
        summarize("A sentence here.", method="extractive", genre="poem")  # type: ignore[arg-type]


def test_a_long_text_is_ranked_by_words_and_only_a_shortlist_is_embedded(
        tmp_cache, monkeypatch) -> None:
    import lepton_ai.tasks.embed as embed_module
    from lepton_ai.tasks.summarize import EMBED_ALL_UP_TO, SHORTLIST

    # Filler sentences share no word with each other, the theme's share many.
    filler = [f"Alpha{i} beta{i} gamma{i} delta{i} epsilon{i} zeta{i}."
              for i in range(EMBED_ALL_UP_TO + 10)]
    theme = ["The central bank raised interest rates to fight inflation.",
             "Inflation and interest rates worry the central bank.",
             "Higher interest rates from the central bank slow inflation."]
    sentences = [theme[0], *filler[:20], theme[1], *filler[20:], theme[2]]
    text = " ".join(sentences)
    seen: list[int] = []
    real_embed = embed_module.embed

    def counting_embed(texts, **options):
        seen.append(len(texts))
        return real_embed(texts, **options)

    monkeypatch.setattr(embed_module, "embed", counting_embed)
    summary = summarize(text, method="extractive", max_sentences=3, lead=False)
    assert seen == [SHORTLIST]  # one call, the shortlist only
    picked = [text[s:e] for s, e in summary.spans]
    assert sum(p in theme for p in picked) >= 2  # the shared theme is what is central
    assert summary.text == " ".join(picked) and summary.spans == sorted(summary.spans)


def test_word_vectors_are_none_when_only_stop_words_are_left() -> None:
    from lepton_ai.tasks.summarize import word_vectors

    assert word_vectors(["It is what it is.", "And so on."]) is None
    vectors = word_vectors(["银行提高了利率。", "利率提高以后储户很高兴。"])
    assert vectors.shape[0] == 2


def test_a_dialogue_is_retold_in_the_third_person_by_the_language_model() -> None:
    from lepton_ai.tasks.summarize import _prompt

    asked = _prompt("#Person1#: Hi.\n#Person2#: Hello.", 2, None, dialogue=True)[1]["content"]
    assert "third person" in asked and "conversation" in asked
    assert "#Person1#: Hi." in asked and "2 sentences or fewer" in asked
    plain = _prompt("Rates rose.", 2, 40)[1]["content"]
    assert "third person" not in plain and "at most 40 words" in plain


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_an_empty_text_is_refused_with_a_code_for_summaries_and_key_phrases(text: str) -> None:
    from lepton_ai.tasks.keywords import keywords

    with pytest.raises(LeptonError, match="LAI-E209"):
        summarize(text, method="extractive")
    with pytest.raises(LeptonError, match="LAI-E209"):
        keywords(text, 5)
