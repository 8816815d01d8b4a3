"""lai.embed / lai.similarity: one call shape, model tags, coded input errors."""

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.models.registry import DEFAULT_ENGLISH, DEFAULT_MULTILINGUAL
from lepton_ai.tasks.embed import Embedding, choose_model


@pytest.fixture
def tiny(tiny_encoder_dir, tmp_cache):
    return str(tiny_encoder_dir)


def test_one_text_gives_a_vector_and_a_list_gives_a_matrix(tiny):
    one = lai.embed("the cat", model=tiny)
    many = lai.embed(["the cat", "stocks fell"], model=tiny)
    assert one.shape == (32,) and many.shape == (2, 32)
    assert isinstance(one, Embedding) and one.model == tiny
    assert many[0].model == tiny  # slices keep their tag
    np.testing.assert_allclose(one, many[0], atol=1e-5)


def test_empty_list_gives_an_empty_matrix(tiny):
    assert lai.embed([], model=tiny).shape == (0, 32)


def test_similarity_shapes(tiny):
    assert isinstance(lai.similarity("the cat", "the cat", model=tiny), float)
    assert lai.similarity("the cat", "the cat", model=tiny) == pytest.approx(1.0, abs=1e-5)
    assert lai.similarity(["a", "b", "c"], ["a", "b"], model=tiny).shape == (3, 2)
    assert lai.similarity("a", ["a", "b"], model=tiny).shape == (2,)
    assert lai.similarity(["a", "b"], "a", model=tiny).shape == (2,)


def test_seed_style_lookup_by_text(tiny):
    # The original product documents' code: word_embeddings["人工智能"].
    words = ["the cat", "the dog", "stocks", "the cat"]
    vectors = lai.embed(words, model=tiny)
    score = lai.similarity(vectors["the cat"], vectors["the dog"])
    assert isinstance(score, float) and -1.0 <= score <= 1.0
    np.testing.assert_array_equal(vectors["stocks"], vectors[2])
    assert vectors["the cat"].model == tiny and vectors["the cat"].shape == (32,)
    with pytest.raises(LeptonError, match=r"LAI-E207.*'the bird'.*4 texts"):
        vectors["the bird"]
    with pytest.raises(LeptonError, match=r"LAI-E207.*no texts"):
        vectors[1:]["the dog"]  # a slice no longer lines up with the texts
    assert vectors[1:].shape == (3, 32) and (vectors @ vectors.T).shape == (4, 4)


def test_a_vector_against_a_text_uses_the_vectors_model(tiny):
    vector = lai.embed("the cat", model=tiny)
    assert lai.similarity(vector, "the cat") == pytest.approx(1.0, abs=1e-5)


def test_vectors_of_two_models_are_never_compared():
    a = Embedding(np.ones(4) / 2, "model-a")
    b = Embedding(np.ones(4) / 2, "model-b")
    with pytest.raises(LeptonError, match="LAI-E205"):
        lai.similarity(a, b)
    with pytest.raises(LeptonError, match="LAI-E204"):
        lai.similarity(np.ones(4, np.float32), np.ones(3, np.float32))


@pytest.mark.parametrize(
    ("bad", "code"), [(42, "LAI-E201"), (["ok", None], "LAI-E202"), ({"a": 1}, "LAI-E201")]
)
def test_bad_input_is_coded(tiny, bad, code):
    with pytest.raises(LeptonError, match=code):
        lai.embed(bad, model=tiny)


def test_lang_rule_routes_whole_calls():
    assert choose_model(["hello", "world"], None, "auto") == DEFAULT_ENGLISH
    assert choose_model(["hello", "世界"], None, "auto") == DEFAULT_MULTILINGUAL
    assert choose_model(["hello"], None, "zh") == DEFAULT_MULTILINGUAL
    assert choose_model(["世界"], None, "en") == DEFAULT_ENGLISH
    assert choose_model(["世界"], "my-model", "auto") == "my-model"
    with pytest.raises(LeptonError, match="LAI-E203"):
        choose_model(["x"], None, "fr")


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, lepton_ai; print('torch' in sys.modules, 'onnxruntime' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_starting_the_server_loads_no_heavy_library():
    import subprocess
    import sys

    # Each would add tens of MB to every server process before any request needs it.
    heavy = ("torch", "onnxruntime", "sklearn", "scipy", "pandas", "transformers")
    code = ("import sys, lepton_ai.serve.app; "
            f"print(*[name for name in {heavy!r} if name in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_embed_chunks_gives_one_row_per_window(tiny):
    short, long = "the cat", "the cat sat on the mat " * 10
    chunks = lai.embed_chunks([short, long], model=tiny)
    assert chunks[0].shape == (1, 32) and chunks[1].shape[0] > 1
    assert chunks[1].model == tiny
    np.testing.assert_allclose(chunks[0][0], lai.embed(short, model=tiny), atol=1e-5)


def test_public_functions_survive_importing_every_subpackage():
    """A subpackage named like a public function (``lepton_ai.train``) would replace it."""
    import importlib
    import pkgutil

    for info in pkgutil.walk_packages(lai.__path__, prefix="lepton_ai."):
        importlib.import_module(info.name)
    for name in lai.__all__:
        value = getattr(lai, name)
        assert not isinstance(value, type(lai)), f"lai.{name} is a module, not the public API"
