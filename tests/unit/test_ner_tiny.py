"""Entity tagging: tag-scheme conversion, readers, and both taggers on tiny data."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import lepton_ai as lai
from lepton_ai.data.tagged import read_tagged, to_bio, to_bio_from_iob1
from lepton_ai.errors import LeptonError
from lepton_ai.text.bio import spans, tokenize
from lepton_ai.training.ner.tagger_training import train_tagger


def test_tag_schemes_become_bio() -> None:
    assert to_bio(["B-PER", "M-PER", "E-PER", "S-LOC", "O"]) == [
        "B-PER", "I-PER", "I-PER", "B-LOC", "O"]
    assert to_bio(["B-X", "I-X", "L-X", "U-Y"]) == ["B-X", "I-X", "I-X", "I-Y"]
    # IOB1 (CoNLL-2003): I- starts an entity; B- only separates two adjacent ones.
    assert to_bio_from_iob1(["I-ORG", "I-ORG", "O", "I-PER", "B-PER"]) == [
        "B-ORG", "I-ORG", "O", "B-PER", "B-PER"]


def test_spans_and_tokenize() -> None:
    assert spans(["B-PER", "I-PER", "O", "B-LOC", "I-ORG"]) == [
        (0, 2, "PER"), (3, 4, "LOC"), (4, 5, "ORG")]
    assert tokenize("Hi, Bob!") == (["Hi", ",", "Bob", "!"], [0, 2, 4, 7])
    assert tokenize("张三 在") == (["张", "三", "在"], [0, 1, 3])


@pytest.mark.parametrize(("text", "words"), [
    ("The U.S. envoy met M. Smith in St. Louis.",
     ["The", "U.S.", "envoy", "met", "M.", "Smith", "in", "St.", "Louis", "."]),
    ("Bre-X Corp. didn't pay Boutros-Ghali's 3,000 on 1996-12-06 (2-0).",
     ["Bre-X", "Corp.", "did", "n't", "pay", "Boutros-Ghali", "'s", "3,000", "on",
      "1996-12-06", "(", "2-0", ")", "."]),
    ("O'Neill said they've won 5.25 points.",
     ["O'Neill", "said", "they", "'ve", "won", "5.25", "points", "."]),
])
def test_english_words_are_cut_as_news_treebanks_cut_them(text: str, words: list[str]) -> None:
    tokens, starts = tokenize(text)
    assert tokens == words
    assert [text[s:s + len(w)] for w, s in zip(tokens, starts, strict=True)] == tokens


def test_readers(tmp_path: Path) -> None:
    conll = tmp_path / "a.conll"
    conll.write_text("-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n"
                     "German JJ I-NP I-MISC\n\nPeter NNP I-NP I-PER\n")
    sentences = read_tagged(conll)
    assert [s.tags for s in sentences] == [["B-ORG", "O", "B-MISC"], ["B-PER"]]
    bmes = tmp_path / "b.bmes"
    bmes.write_text("常 B-NAME\n建 M-NAME\n良 E-NAME\n， O\n")
    (sentence,) = read_tagged(bmes)
    assert sentence.tags == ["B-NAME", "I-NAME", "I-NAME", "O"] and sentence.text == "常建良，"
    spans_file = tmp_path / "c.jsonl"
    spans_file.write_text(json.dumps({"text": "Ann met Bob Lee", "entities": [
        [0, 3, "PER"], {"start": 8, "end": 15, "label": "PER"}]}) + "\n")
    (sentence,) = read_tagged(spans_file)
    assert sentence.tags == ["B-PER", "O", "B-PER", "I-PER"]


def test_conllu_style_files_and_chinese_words_become_characters(tmp_path: Path) -> None:
    uner = tmp_path / "zh.iob2"
    uner.write_text("# sent_id = 1\n# text = 马云在杭州\n1\t马云\tB-PER\t-\t-\n"
                    "2\t在\tO\t-\t-\n3\t杭州\tB-LOC\t-\t-\n", encoding="utf-8")
    (sentence,) = read_tagged(uner)
    assert sentence.tokens == list("马云在杭州")
    assert sentence.tags == ["B-PER", "I-PER", "O", "B-LOC", "I-LOC"]
    assert sentence.starts == [0, 1, 2, 3, 4] and sentence.text == "马云在杭州"
    tweets = tmp_path / "btc.conll"  # BTC has tokens that are only white space
    tweets.write_text("Ann\tB-PER\n\tO\nsmiles\tO\n", encoding="utf-8")
    (sentence,) = read_tagged(tweets)
    assert sentence.tokens == ["Ann", "smiles"] and sentence.tags == ["B-PER", "O"]


def test_bad_tagged_files_name_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("EU I-ORG\nrejects\n")
    with pytest.raises(LeptonError, match=r"LAI-E512.*line 2.*no tag column"):
        read_tagged(bad)
    bad.write_text("EU ORG\n")
    with pytest.raises(LeptonError, match=r"LAI-E512.*line 1.*unknown tag 'ORG'"):
        read_tagged(bad)
    spans_file = tmp_path / "c.jsonl"
    spans_file.write_text(json.dumps({"text": "Ann", "entities": [[5, 9, "PER"]]}) + "\n")
    with pytest.raises(LeptonError, match=r"LAI-E512.*covers no token"):
        read_tagged(spans_file)


def _english(path: Path, n: int = 60) -> Path:
    rng = random.Random(0)
    lines = []
    for _ in range(n):
        name, org = rng.choice(["john", "mary", "smith"]), rng.choice(["bank", "market"])
        lines += [f"{name} B-PER", "sat O", "on O", "the O", f"{org} B-ORG", ""]
    path.write_text("\n".join(lines))
    return path


def _chinese(path: Path, n: int = 80) -> Path:
    rng = random.Random(0)
    lines = []
    for _ in range(n):
        name, org = rng.choice(["张三", "李四", "王五"]), rng.choice(["银行", "公司"])
        for ch, tag in [(name[0], "B-NAME"), (name[1], "E-NAME"), ("在", "O"), (org[0], "B-ORG"),
                        (org[1], "E-ORG"), ("工", "O"), ("作", "O")]:
            lines.append(f"{ch} {tag}")
        lines.append("")
    path.write_text("\n".join(lines))
    return path


def test_char_crf_tagger_learns_chinese_entities(quiet: Path, tmp_path: Path) -> None:
    out = tmp_path / "zh"
    tagger = train_tagger(_chinese(tmp_path / "zh.bmes"), out=out, epochs=8)
    assert tagger.manifest.method == "charcrf"
    assert tagger.metrics["f1"] >= 0.9
    history = [h["loss"] for h in tagger.manifest.history]
    assert history[-1] < history[0]
    again = lai.load(out)
    text = "王五在公司工作"
    assert again.predict(text) == tagger.predict(text)
    assert {"text": "王五", "label": "NAME", "start": 0, "end": 2} in again.predict(text)


def _english_names(path: Path, names: list[str]) -> Path:
    lines = []
    for index, name in enumerate(names):
        place = ["Paris", "Rome", "Oslo"][index % 3]
        lines += [f"{name} B-PER", "flew O", "to O", f"{place} B-LOC", ". O", ""]
    path.write_text("\n".join(lines))
    return path


def test_word_crf_tagger_tags_english_names_it_never_saw(quiet: Path, tmp_path: Path) -> None:
    """English text through charcrf: a word BiLSTM-CRF. Each training name is seen
    once; an unseen capitalised word before "flew" must still be a name, from its
    shape and the unknown-word row its once-seen words trained."""
    rng = random.Random(0)
    names = ["".join(rng.choice("bcdfgklmnprstvz") + rng.choice("aeiou") for _ in range(3))
             .capitalize() for _ in range(120)]
    out = tmp_path / "en-crf"
    tagger = train_tagger(_english_names(tmp_path / "en.conll", names), out=out,
                          method="charcrf", epochs=6)
    vocab = json.loads((out / "vocab.json").read_text())
    assert vocab["units"] == "words" and "Xx" in vocab["features"]
    assert "paris" in vocab["chars"] and "Paris" not in vocab["chars"]
    found = lai.load(out).predict("Quorbex flew to Rome .")
    assert {"text": "Quorbex", "label": "PER", "start": 0, "end": 7} in found
    assert {"text": "Rome", "label": "LOC", "start": 16, "end": 20} in found
    assert tagger.metrics["f1"] >= 0.9
    card = (out / "README.md").read_text()
    assert "--task ner --method charcrf --epochs 6" in card  # no --base, no --head
    assert "--base" not in card.split("## Reproduce")[1] and "--head" not in card


@pytest.mark.parametrize(("word", "shape"), [("IL-2", "X-d"), ("Lung", "Xx"), ("cells", "x"),
                                             ("3.5mg", "d.dx"), ("p53", "xd")])
def test_word_shapes(word: str, shape: str) -> None:
    from lepton_ai.models.char_network import word_shape

    assert word_shape(word) == shape


def test_word_vocabulary_lowercases_and_zeroes_digits() -> None:
    from lepton_ai.models.char_network import CharVocab

    vocab = CharVocab.build([["The", "p53", "gene"], ["the", "P54", "gene"]], ["O"],
                            units="words", min_bigram=1)
    assert vocab.chars == ["<pad>", "<unk>", "gene", "p00", "the"]
    words, suffixes, shapes = vocab.encode(["THE", "p99", "lung"])
    assert words == [4, 3, 1] and suffixes[2] == 1  # "ung" never seen
    assert [vocab.features[i] for i in shapes] == ["<unk>", "xd", "x"]  # "X": never seen


def test_transformer_tagger_trains_and_reloads(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "en"
    tagger = train_tagger(_english(tmp_path / "en.conll"), out=out, base=tiny_encoder_dir,
                          method="full", epochs=4, lr=2e-3)
    history = [h["loss"] for h in tagger.manifest.history]
    assert history[-1] < history[0]
    assert (out / "encoder" / "model.safetensors").is_file()
    again = lai.load(out)
    assert again.predict(["mary sat on the bank"]) == tagger.predict(["mary sat on the bank"])
    for entity in lai.ner("mary sat on the bank", model=out):
        assert entity.score is not None and 0.0 < entity.score <= 1.0
    report = again.evaluate(tmp_path / "en.conll")
    assert 0.0 <= report["f1"] <= 1.0 and report["sentences"] == 60
    # A manifest and a tagger file that disagree are named before the encoder loads.
    from safetensors.torch import load_file, save_file

    manifest_file, tagger_file = out / "lepton.json", out / "tagger.safetensors"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    manifest_file.write_text(json.dumps({**manifest, "labels": [*manifest["labels"], "B-X"]}),
                             encoding="utf-8")
    with pytest.raises(LeptonError, match=r"LAI-E606.*tagger\.safetensors.*but the manifest"):
        lai.load(out)
    manifest_file.write_text(json.dumps(manifest), encoding="utf-8")
    tensors = load_file(str(tagger_file))
    save_file({**tensors, "out.bias": tensors["out.bias"][:1].clone()}, str(tagger_file))
    with pytest.raises(LeptonError, match=r"LAI-E606.*do not fit together"):
        lai.load(out)


def test_lora_tagger_saves_only_its_adapter(
    quiet: Path, tiny_encoder_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "lora"
    tagger = train_tagger(_english(tmp_path / "en.conll"), out=out, base=tiny_encoder_dir,
                          method="lora", epochs=2, lr=5e-3)
    assert (out / "adapter" / "adapter_model.safetensors").is_file()
    assert not (out / "encoder").exists()
    assert tagger.manifest.encoder == "adapter" and tagger.manifest.base_checksum
    text = ["mary sat on the bank"]
    assert lai.load(out).predict(text) == tagger.predict(text)


def test_chinese_on_english_base_is_refused(quiet: Path, tmp_path: Path) -> None:
    with pytest.raises(LeptonError, match="LAI-E507"):
        train_tagger(_chinese(tmp_path / "zh.bmes"), out=tmp_path / "x", base="minilm",
                     method="full")


def test_a_tagged_file_not_in_utf8_gets_the_encoding_error(tmp_path: Path) -> None:
    from lepton_ai.data.tagged import read_tagged

    path = tmp_path / "people.bmes"
    path.write_bytes("张 B-PER\n三 E-PER\n\n".encode("gb18030"))
    with pytest.raises(LeptonError, match=r"LAI-E307.*GB18030.*people-utf8.bmes"):
        read_tagged(path)


def test_numpy_viterbi_finds_the_paths_torchcrf_finds() -> None:
    import torch
    from torchcrf import CRF

    from lepton_ai.models.char_network import viterbi

    torch.manual_seed(0)
    for _ in range(10):
        crf = CRF(5, batch_first=True)
        for parameter in (crf.transitions, crf.start_transitions, crf.end_transitions):
            torch.nn.init.normal_(parameter)
        emissions = torch.randn(6, 11, 5)
        lengths = torch.randint(1, 12, (6,))
        lengths[0] = 11
        mask = torch.arange(11)[None, :] < lengths[:, None]
        expected = crf.decode(emissions, mask=mask)
        found = viterbi(emissions.numpy(), mask.numpy(), crf.start_transitions.detach().numpy(),
                        crf.end_transitions.detach().numpy(), crf.transitions.detach().numpy())
        assert found == expected


@pytest.mark.parametrize("n_features", [0, 9])
def test_the_numpy_char_network_scores_as_the_torch_one(n_features: int) -> None:
    """Serving runs the character tagger without torch; it must tag as training saw it."""
    import numpy as np
    import torch

    from lepton_ai.models.char_network import CharTaggerNetwork, pad_rows
    from lepton_ai.models.char_tagger import CharBiLSTMCRF, pad_batch

    torch.manual_seed(1)
    network = CharBiLSTMCRF(n_chars=30, n_bigrams=40, n_tags=5, char_dim=8, bigram_dim=6,
                            hidden=12, n_features=n_features, feature_dim=4).eval()
    weights = {name: tensor.detach().half().numpy()  # saved in half precision
               for name, tensor in network.state_dict().items()}
    for tensor in network.state_dict().values():
        tensor.copy_(tensor.half().float())
    rng = np.random.default_rng(0)
    lengths = [7, 1, 4, 7, 3]
    chars = [list(rng.integers(1, 30, size)) for size in lengths]
    bigrams = [list(rng.integers(1, 40, size)) for size in lengths]
    hints = [list(rng.integers(1, n_features, size)) for size in lengths] if n_features else []
    with torch.no_grad():
        expected = network.emissions(pad_batch(chars), pad_batch(bigrams),
                                     pad_batch(hints) if hints else None).numpy()
    ours = CharTaggerNetwork(weights)
    found = ours.emissions(pad_rows(chars), pad_rows(bigrams), pad_rows(hints) if hints else None)
    for row, size in enumerate(lengths):
        np.testing.assert_allclose(found[row, :size], expected[row, :size], atol=1e-5)
    assert ours.decode(pad_rows(chars), pad_rows(bigrams), pad_rows(hints) if hints else None) \
        == network.decode(pad_batch(chars), pad_batch(bigrams), pad_batch(hints) if hints else None)


def test_chinese_entities_load_no_torch(heavy_imports) -> None:
    script = ("import lepton_ai as lai\n"
              "assert lai.ner(['马云于1999年在杭州创办了阿里巴巴集团'], lang='zh')[0]\n")
    assert "torch" not in heavy_imports(script)
