"""The encoder runtime on a tiny random BERT: both backends, export check, chunking."""

import shutil
import threading
import time

import numpy as np
import pytest

from lepton_ai.errors import LeptonError, LeptonWarning
from lepton_ai.models import load_encoder, resolve
from lepton_ai.models.encoders import TransformerEncoder
from lepton_ai.models.folder import inspect_folder
from lepton_ai.models.runtimes import TorchRuntime

TEXTS = ["the cat sat on the mat", "stocks fell", "a", "the bank card password reset"]


def test_torch_backend_gives_unit_vectors(tiny_encoder_dir, tmp_cache):
    encoder = load_encoder(tiny_encoder_dir, backend="torch")
    vectors = encoder.encode(TEXTS)
    assert vectors.shape == (4, 32) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert encoder.backend == "torch"


def test_padding_does_not_change_a_vector(tiny_encoder_dir, tmp_cache):
    encoder = load_encoder(tiny_encoder_dir, backend="torch")
    alone = encoder.encode(["stocks fell"])[0]
    batched = encoder.encode(TEXTS)[1]
    np.testing.assert_allclose(alone, batched, atol=1e-5)


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_onnx_export_is_checked_and_cached(tiny_encoder_dir, tmp_cache, precision):
    reference = load_encoder(tiny_encoder_dir, backend="torch").encode(TEXTS)
    encoder = load_encoder(tiny_encoder_dir, backend="onnx", precision=precision)
    assert encoder.backend in (f"onnx-{precision}", "onnx-fp32", "torch")
    cosines = np.sum(encoder.encode(TEXTS) * reference, axis=1)
    assert cosines.min() > (0.9999 if precision == "fp32" else 0.9)
    report = next(tmp_cache.glob("onnx/*/check.json"))
    assert "fp32" in report.read_text() and "int8" in report.read_text()


def test_concurrent_builds_of_one_cache_export_once(tiny_encoder_dir, tmp_cache, monkeypatch):
    """Two Ray actors once raced on the same ``.partial`` file; the lock serialises them."""
    from lepton_ai.models import loader, onnx_cache

    calls = []
    real_build = onnx_cache._build_unlocked

    def slow_build(*args):
        calls.append(threading.get_ident())
        time.sleep(0.5)  # widen the window in which a second caller would collide
        return real_build(*args)

    monkeypatch.setattr(onnx_cache, "_build_unlocked", slow_build)
    info = inspect_folder(tiny_encoder_dir)
    reference = loader._reference(resolve(tiny_encoder_dir), info)
    start = threading.Barrier(3)
    results: list[dict] = []

    def build() -> None:
        start.wait()
        results.append(onnx_cache.build(info, tmp_cache, reference))

    workers = [threading.Thread(target=build) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=300)
    assert len(calls) == 1
    assert [sorted(result) for result in results] == [["fp32", "int8"]] * 3
    assert all(result["int8"].passed for result in results)


def test_a_failed_int8_check_falls_back_with_a_coded_warning(tiny_encoder_dir, tmp_cache, monkeypatch):
    from lepton_ai.models import onnx_cache

    monkeypatch.setattr(onnx_cache, "INT8_MIN_COSINE", 1.01)  # impossible to meet
    with pytest.warns(LeptonWarning, match="LAI-W101"):
        encoder = load_encoder(tiny_encoder_dir, backend="onnx", precision="int8")
    assert encoder.backend == "onnx-fp32"


def test_long_texts_are_chunked_not_truncated(tiny_encoder_dir, tmp_cache):
    encoder = load_encoder(tiny_encoder_dir, backend="torch")
    assert isinstance(encoder, TransformerEncoder)
    head = "the cat sat on the mat " * 3
    tail = "stocks fell and market rose " * 6
    with pytest.warns(LeptonWarning, match="LAI-W103"):
        whole = encoder.encode([head + tail])[0]
    pieces = encoder.encode_pieces([head + tail])[0]
    assert len(pieces) > 1
    # The tail (beyond the first window) moves the vector: nothing was dropped.
    with pytest.warns(LeptonWarning):
        other = encoder.encode([head + "good bad hotel room " * 6])[0]
    assert float(whole @ other) < 0.9999
    np.testing.assert_allclose(np.linalg.norm(whole), 1.0, rtol=1e-5)


def test_counted_encoding_gives_the_same_vectors_and_the_tokenizers_counts(
        tiny_encoder_dir, tmp_cache):
    encoder = load_encoder(tiny_encoder_dir, backend="torch")
    assert isinstance(encoder, TransformerEncoder)
    long_text = "stocks fell and market rose " * 12  # chunked: counts the whole text
    texts = [*TEXTS, long_text]
    with pytest.warns(LeptonWarning, match="LAI-W103"):
        vectors, counts = encoder.encode_counted(texts)
    with pytest.warns(LeptonWarning, match="LAI-W103"):
        np.testing.assert_allclose(vectors, encoder.encode(texts), atol=1e-6)
    assert counts == [len(e.ids) for e in encoder.tokenizer.encode_batch(texts)]


def test_token_vectors_include_special_tokens(tiny_encoder_dir, tmp_cache):
    encoder = load_encoder(tiny_encoder_dir, backend="torch")
    tokens = encoder.encode_tokens(["the cat"])[0]
    assert tokens.shape == (4, 32)  # [CLS] the cat [SEP]


def test_a_folder_without_tokenizer_names_what_is_missing(tiny_encoder_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_encoder_dir, broken)
    (broken / "tokenizer.json").unlink()
    with pytest.raises(LeptonError, match=r"LAI-E102.*tokenizer.json is missing"):
        resolve(broken)


def test_pickle_weights_are_refused(tmp_path):
    folder = tmp_path / "pickled"
    folder.mkdir()
    (folder / "config.json").write_text('{"hidden_size": 8}')
    (folder / "tokenizer.json").write_text("{}")
    (folder / "pytorch_model.bin").write_bytes(b"not really")
    with pytest.raises(LeptonError, match="LAI-E107"):
        inspect_folder(folder)


def test_unknown_names_list_the_registered_models():
    with pytest.raises(LeptonError, match=r"LAI-E101.*all-MiniLM-L6-v2"):
        resolve("no-such-model")


def test_unknown_backend_is_coded(tiny_encoder_dir):
    with pytest.raises(LeptonError, match="LAI-E105"):
        load_encoder(tiny_encoder_dir, backend="tensorflow")


def test_torch_runtime_forward_shape(tiny_encoder_dir):
    runtime = TorchRuntime(inspect_folder(tiny_encoder_dir).path, threads=1)
    out = runtime.forward(np.array([[2, 5, 3]]), np.array([[1, 1, 1]]))
    assert out.shape == (1, 3, 32)


def test_auto_precision_follows_the_cpu(monkeypatch):
    from lepton_ai.models import loader

    monkeypatch.setattr(loader, "cpu_has_int8_dot", lambda: True)
    assert loader._effective_precision("auto") == "int8"
    monkeypatch.setattr(loader, "cpu_has_int8_dot", lambda: False)
    assert loader._effective_precision("auto") == "fp32"
    assert loader._effective_precision("int8") == "int8"


def test_a_process_without_torch_exports_in_a_child_and_stays_without_it(
        tiny_encoder_dir, tmp_path):
    """A serving process (ONNX Runtime only) must not keep torch and the model's torch
    weights resident after a first export (a fresh lai serve reached 1.15 GB)."""
    import json
    import os
    import subprocess
    import sys

    script = (
        "import json, sys\n"
        "from lepton_ai.models import load_encoder\n"
        f"encoder = load_encoder({str(tiny_encoder_dir)!r}, precision='fp32')\n"
        "vector = encoder.encode(['a cat sat on the mat'])[0]\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'norm': float((vector ** 2).sum())}))\n"
    )
    env = {**os.environ, "LEPTON_CACHE_DIR": str(tmp_path / "cache"), "LEPTON_PROGRESS": "0"}
    completed = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                               text=True, timeout=300, check=True)
    seen = json.loads(completed.stdout.strip().splitlines()[-1])
    assert seen["torch"] is False and abs(seen["norm"] - 1.0) < 1e-4
    assert list((tmp_path / "cache" / "onnx").glob("*/model-fp32.onnx"))  # built, checked
    assert list((tmp_path / "cache" / "onnx").glob("*/check.json"))


def test_files_of_an_older_export_recipe_are_built_again_and_removed(
        tiny_encoder_dir, tmp_cache, monkeypatch):
    from lepton_ai.models import onnx_cache

    info = inspect_folder(tiny_encoder_dir)
    monkeypatch.setattr(onnx_cache, "RECIPE_VERSION", 1)
    load_encoder(tiny_encoder_dir, backend="onnx", precision="fp32")
    old = onnx_cache.cache_folder(info, tmp_cache)
    assert old.name.endswith("-r1") and (old / "check.json").is_file()
    monkeypatch.setattr(onnx_cache, "RECIPE_VERSION", 2)
    assert onnx_cache.cached(info, tmp_cache, "fp32") is None  # not reused
    from lepton_ai.model_memory import LOADED

    LOADED.forget()
    load_encoder(tiny_encoder_dir, backend="onnx", precision="fp32")
    assert (onnx_cache.cache_folder(info, tmp_cache) / "check.json").is_file()
    assert not old.exists()


def test_a_server_exports_in_a_child_even_after_torch_was_imported(
        tiny_encoder_dir, tmp_cache, monkeypatch):
    """spaCy imports torch; lai serve still keeps exports out of its own memory."""
    from lepton_ai.models import onnx_cache
    from lepton_ai.settings import settings

    def not_here(*args, **kwargs):
        raise AssertionError("exported in the serving process")

    monkeypatch.setattr(onnx_cache, "build", not_here)
    monkeypatch.setattr(settings, "export_in_child", True)
    encoder = load_encoder(tiny_encoder_dir, backend="onnx", precision="fp32")
    assert encoder.backend == "onnx-fp32"
    assert list(tmp_cache.glob("onnx/*/check.json"))


def test_runs_over_many_tokens_hand_their_arena_memory_back(tiny_encoder_dir, tmp_cache,
                                                            monkeypatch):
    """Without it a served model keeps the memory of its largest batch (+133 MB each)."""
    from lepton_ai.models import runtimes
    from lepton_ai.settings import settings

    monkeypatch.setattr(settings, "release_arena", True)
    encoder = load_encoder(tiny_encoder_dir, backend="onnx", precision="fp32")
    runtime = encoder.runtime
    seen: list[object] = []
    real = runtime._session

    class Spy:
        def run(self, outputs, feed, options=None):
            seen.append(options)
            return real.run(outputs, feed, options)

    runtime._session = Spy()
    small = np.ones((2, 8), dtype=np.int64)
    large = np.ones((runtimes.SHRINK_AFTER_TOKENS // 8 + 1, 8), dtype=np.int64)
    runtime.forward(small, small)
    runtime.forward(large, large)
    assert seen[0] is None
    assert seen[1] is not None
    assert seen[1].get_run_config_entry("memory.enable_memory_arena_shrinkage") == "cpu:0"


def test_only_lone_calls_worth_a_second_thread_get_the_threaded_session(
        tiny_encoder_dir, tmp_cache, monkeypatch):
    """At int8, waking a second thread costs more than a short call gains (and a session
    of its own: ~28 MB for MiniLM); fp32 calls and long int8 calls still get it."""
    from lepton_ai.models import runtimes

    ids = np.ones((1, 8), dtype=np.int64)
    runtime = load_encoder(tiny_encoder_dir, backend="onnx", precision="int8").runtime
    assert runtime.name == "onnx-int8"
    monkeypatch.setattr(runtime, "workers", 2)
    single = [runtime.forward(ids, ids, alone=True) for _ in range(3)][-1]
    assert runtime._lone_session is None  # a tiny model: microseconds on one thread
    runtime._ms_per_token = runtimes.LONE_THREADS_FROM_MS["int8"]  # as slow as 1 ms/token
    threaded = runtime.forward(ids, ids, alone=True)
    assert runtime._lone_session is not None
    np.testing.assert_allclose(threaded, single, atol=1e-5)

    fp32 = load_encoder(tiny_encoder_dir, backend="onnx", precision="fp32").runtime
    monkeypatch.setattr(fp32, "workers", 2)
    fp32.forward(ids, ids, alone=True)
    assert fp32._lone_session is not None


def test_the_onnx_file_leaves_the_slow_fusions_out(tiny_encoder_dir, tmp_cache):
    import onnx

    from lepton_ai.models import onnx_cache

    encoder = load_encoder(tiny_encoder_dir, backend="onnx", precision="fp32")
    model_file = encoder.runtime.model_file  # type: ignore[attr-defined]
    ops = {node.op_type for node in onnx.load(str(model_file)).graph.node}
    assert "LayerNormalization" in ops  # the residual layer norms stay plain operators
    assert not ops & {"SkipLayerNormalization", "BiasGelu"}
    assert onnx_cache.SLOW_FUSIONS == ("SkipLayerNormFusion", "BiasGeluFusion")


def test_a_long_list_is_tokenized_a_slice_ahead_with_the_same_vectors(
        tiny_encoder_dir, tmp_cache, monkeypatch):
    from lepton_ai.tasks import embed as embed_task

    encoder = load_encoder(tiny_encoder_dir, backend="torch")
    monkeypatch.setattr(embed_task, "SLICE", 3)
    threads: list[str] = []
    prepare = encoder.prepare

    def watched(texts, *, role="query"):
        threads.append(threading.current_thread().name)
        return prepare(texts, role=role)

    monkeypatch.setattr(encoder, "prepare", watched)
    texts = [f"{text} {n}" for n in range(2) for text in TEXTS]  # 8 texts: 3 slices
    vectors = embed_task.encode_texts(encoder, texts, show_progress=False)
    np.testing.assert_allclose(vectors, encoder.encode(texts), atol=1e-6)
    assert len(threads) == 3 and all(name.startswith("lepton-tokenize") for name in threads)


def test_token_ids_come_chunk_by_chunk_from_a_cache_and_equal_the_tokenizers(
        tiny_encoder_dir, tmp_cache):
    from lepton_ai.models.chunk_token_ids import ChunkTokenIds

    encoder = load_encoder(tiny_encoder_dir, backend="torch")
    assert isinstance(encoder, TransformerEncoder) and encoder._chunk_ids is not None
    texts = [*TEXTS, "", "  \t ", "Café, DÉJÀ-vu!", "stocks\x0bfell", "bank\u00a0card\u3000mat",
             "银行card", "x" * (ChunkTokenIds.MAX_CHUNK_CHARS + 5), "the cat " * 50]
    plain = [e.ids for e in encoder.tokenizer.encode_batch(texts, add_special_tokens=False)]
    for _ in range(2):  # the cache empty, then holding the chunks
        assert encoder._token_ids(texts) == plain
    held = encoder._chunk_ids._ids
    assert "cat" in held and not any(len(chunk) > ChunkTokenIds.MAX_CHUNK_CHARS for chunk in held)
    assert not ChunkTokenIds.fits(_metaspace_tokenizer())


def _metaspace_tokenizer():  # a SentencePiece-style pipeline: "▁" starts words, not chunks
    from tokenizers import Tokenizer, models, pre_tokenizers

    tokenizer = Tokenizer(models.Unigram([("<unk>", 0.0), ("▁a", -1.0)], 0))
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    return tokenizer
