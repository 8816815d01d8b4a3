"""Shared fixtures: a tiny random BERT encoder folder built inside the test session."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lepton_ai.models.loader import clear_cache
from lepton_ai.settings import settings

WORDS = (
    "the a cat dog sat on mat stocks fell rose market bank card password reset "
    "money transfer hotel room clean dirty good bad music guitar play man woman "
    "is are was were and or of to in for with"
).split()


def build_tiny_encoder(folder: Path, max_seq_length: int = 16) -> Path:
    """Write a randomly initialised 2-layer BERT with a WordPiece tokenizer to ``folder``."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *WORDS, *"abcdefghijklmnopqrstuvwxyz"]
    vocab += [f"##{c}" for c in "abcdefghijklmnopqrstuvwxyz"]
    ids = {token: i for i, token in enumerate(vocab)}
    tokenizer = Tokenizer(models.WordPiece(ids, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.BertProcessing(("[SEP]", ids["[SEP]"]), ("[CLS]", ids["[CLS]"]))
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=64,
    )
    BertModel(config).eval().save_pretrained(str(folder), safe_serialization=True)
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": max_seq_length}))
    return folder


CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def build_tiny_causal_lm(folder: Path, context: int = 96) -> Path:
    """Write a randomly initialised 2-layer Llama with a word-level tokenizer and a
    ChatML template to ``folder``. It has no end-of-text token, so it always writes
    ``max_tokens`` tokens unless stopped."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    specials = ["[PAD]", "[UNK]", "<|im_start|>", "<|im_end|>"]
    vocab = [*specials, *WORDS, "user", "assistant", "system", ".", ",", ":"]
    tokenizer = Tokenizer(models.WordLevel({t: i for i, t in enumerate(vocab)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]",
                                   pad_token="[PAD]", additional_special_tokens=specials[2:])
    fast.chat_template = CHAT_TEMPLATE
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(str(folder))

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=64,
                         num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                         max_position_embeddings=context, bos_token_id=None,
                         eos_token_id=None, pad_token_id=0)
    model = LlamaForCausalLM(config).eval()
    model.generation_config.eos_token_id = None
    model.save_pretrained(str(folder), safe_serialization=True)
    return folder


@pytest.fixture(scope="session")
def tiny_lm_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_causal_lm(tmp_path_factory.mktemp("tiny") / "tiny-llama")


@pytest.fixture(scope="session")
def tiny_encoder_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_encoder(tmp_path_factory.mktemp("tiny") / "tiny-bert")


@pytest.fixture
def tmp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Send ONNX exports to a temporary cache and forget loaded encoders after.

    Precision is pinned to fp32: ``"auto"`` picks int8 on CPUs with VNNI, whose
    vectors depend slightly on their batch-mates; int8 is tested explicitly.
    """
    monkeypatch.setattr(settings, "cache_dir", tmp_path / "cache")
    monkeypatch.setattr(settings, "precision", "fp32")
    clear_cache()
    yield settings.cache_dir
    clear_cache()


@pytest.fixture
def quiet(monkeypatch: pytest.MonkeyPatch, tmp_cache: Path) -> Path:
    """No progress bars, and ``tmp_cache`` (training tests print nothing, cache nothing)."""
    monkeypatch.setattr(settings, "show_progress", False)
    return tmp_cache


#: Libraries a serving process should not hold unless it trains or exports.
HEAVY_MODULES = ("torch", "transformers")


@pytest.fixture
def heavy_imports() -> Callable[[str], set[str]]:
    """Runs a script in a fresh Python process; which of :data:`HEAVY_MODULES` it imported
    (the script's own failures fail the test with its output)."""

    def run(script: str) -> set[str]:
        probe = (f"{script}\nimport json, sys\n"
                 f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n")
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              timeout=180, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return set(json.loads(done.stdout.strip().splitlines()[-1]))

    return run
