"""lai.ner: offsets into the original text, long-text pieces, trained taggers (tiny)."""

from __future__ import annotations

from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.settings import settings
from lepton_ai.tasks.ner import PIECE_CHARS, sentence_pieces
from lepton_ai.training.ner.tagger_training import train_tagger

from .test_ner_tiny import _chinese


@pytest.mark.parametrize("limit", [15, 40, 100])
def test_sentence_pieces_cover_the_text_in_order_within_the_limit(limit):
    text = ("Short one. " * 5 + "A sentence with many words that runs far past the limit "
            "without any full stop at all " * 3 + "。中文句子没有空格" * 20 + "end")
    pieces = list(sentence_pieces(text, limit))
    assert "".join(piece for _, piece in pieces) == text
    assert all(len(piece) <= limit for _, piece in pieces)
    for offset, piece in pieces:
        assert text[offset : offset + len(piece)] == piece


def test_sentence_pieces_keep_short_text_whole():
    assert list(sentence_pieces("One. Two.", 400)) == [(0, "One. Two.")]
    assert list(sentence_pieces("", 400)) == []


def test_trained_tagger_finds_entities_at_the_right_offsets_in_long_text(
    tmp_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(settings, "show_progress", False)
    out = tmp_path / "zh"
    train_tagger(_chinese(tmp_path / "zh.bmes"), out=out, epochs=8)
    text = "王五在公司工作。" * 80  # 640 characters: more than one piece
    entities = lai.ner(text, model=out)
    expected = []
    for offset, piece in sentence_pieces(text, PIECE_CHARS):
        expected += [(e.start + offset, e.end + offset, e.label)
                     for e in lai.ner(piece, model=out)]
    assert [(e.start, e.end, e.label) for e in entities] == expected
    assert max(e.start for e in entities) > PIECE_CHARS  # found beyond the first piece
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text and entity.score is None
    assert any(e.text == "王五" and e.label == "NAME" for e in entities)


def test_bad_arguments_get_coded_errors():
    with pytest.raises(LeptonError, match="LAI-E713"):
        lai.ner("text", model="no/such/tagger")
    with pytest.raises(LeptonError, match="LAI-E711"):
        lai.ner("text", lang="de")


def test_empty_input():
    assert lai.ner([], model="jieba") == []
