"""Trained entity taggers: load a model directory, find entities in text.

Two kinds share one interface (:class:`Tagger`): a transformer encoder with a
token-classification layer (English; any user HF folder), and the BiLSTM-CRF trained
from scratch (over characters for Chinese, over words otherwise). Neither needs torch
to tag: ONNX Runtime runs the encoder, NumPy the rest.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lepton_ai.artifacts.head_weights import affine, check_linear_layer, softmax
from lepton_ai.artifacts.manifest import Manifest, require_file
from lepton_ai.artifacts.tagger_weights import TAGGER_FILE, VOCAB_FILE
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.folder import checked_safetensors, read_json_file
from lepton_ai.tasks.embed import as_text_list
from lepton_ai.tasks.trained import TrainedModel, encoder_source
from lepton_ai.text.bio import spans, tokenize

BATCH = 32
#: The BiLSTM steps through a batch position by position: wider batches take fewer
#: steps, but pad more (AnEM pages, tagging only: 32 → 119, 64 → 125, 128 → 114 pages/s;
#: ``bench/crf_batch.py``).
CRF_BATCH = 64


class Tagger(TrainedModel):
    """Finds entities: ``predict(text)`` → ``[{"text", "label", "start", "end"}, ...]``."""

    def __init__(self, manifest: Manifest, folder: Path) -> None:
        super().__init__(manifest, folder)
        self.tags: list[str] = list(manifest.labels)

    @property
    def entity_types(self) -> list[str]:
        """The entity labels this tagger knows."""
        return sorted({t[2:] for t in self.tags if t != "O"})

    @abstractmethod
    def tag_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        """BIO tags for pre-tokenized sentences."""

    def tag_tokens_scored(
        self, sentences: Sequence[Sequence[str]]
    ) -> tuple[list[list[str]], list[list[float]] | None]:
        """BIO tags and, where the model has them, each token's tag probability."""
        return self.tag_tokens(sentences), None

    def predict(self, texts: str | Sequence[str]) -> Any:
        """Entities with character offsets; one text in, one list out.

        Taggers with per-token probabilities add ``score``: the mean probability
        of the entity's token tags.
        """
        items, single = as_text_list(texts)
        tokenized = [tokenize(text) for text in items]
        tag_lists, confidences = self.tag_tokens_scored([tokens for tokens, _ in tokenized])
        results = []
        for row, (text, (tokens, starts), tags) in enumerate(
            zip(items, tokenized, tag_lists, strict=True)
        ):
            entities = []
            for first, last, label in spans(tags):
                start, end = starts[first], starts[last - 1] + len(tokens[last - 1])
                entity: dict[str, Any] = {"text": text[start:end], "label": label,
                                          "start": start, "end": end}
                if confidences is not None:
                    entity["score"] = round(float(np.mean(confidences[row][first:last])), 6)
                entities.append(entity)
            results.append(entities)
        return results[0] if single else results

    def evaluate(self, data: Any, *, out: str | Path | None = None,
                 **columns: Any) -> dict[str, Any]:
        """Entity-level precision/recall/F1 (seqeval) on a tagged file (CoNLL, BMES,
        JSONL) or a list of tagged sentences; ``out`` writes a report there."""
        from lepton_ai.evaluation.tagging import evaluate_tagger

        return evaluate_tagger(self, data, out=out)


class TransformerTagger(Tagger):
    """A Hugging Face encoder + linear token classifier over first sub-word tokens.

    ``precision``: the encoder's; default the one the folder records (``lai compress``
    chooses it), else ``settings.precision``.
    """

    def __init__(self, manifest: Manifest, folder: Path, precision: str | None = None) -> None:
        super().__init__(manifest, folder)
        # NumPy, not torch: a server that only tags keeps torch out of its memory.
        from safetensors.numpy import load_file

        from lepton_ai.models.folder import inspect_folder
        from lepton_ai.models.loader import load_encoder

        tagger_file = require_file(folder, TAGGER_FILE)
        weights = load_file(str(checked_safetensors(tagger_file)))
        self.weight, self.bias = _linear_layer(weights, tagger_file, len(self.tags))
        encoder_folder = Path(encoder_source(folder, manifest))
        self.info = inspect_folder(encoder_folder)
        if self.weight.shape[1] != self.info.hidden_size:
            raise LeptonError(E.E606, path=tagger_file, why=f"the tagger reads "
                              f"{self.weight.shape[1]}-dimensional token vectors but the "
                              f"encoder gives {self.info.hidden_size}")
        # The encoder's runtime: the checked ONNX export (int8 where the CPU has VNNI),
        # as for embeddings; token vectors come from the same forward pass.
        self.runtime = load_encoder(
            encoder_folder, precision=precision or manifest.config.get("precision")).runtime
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(self.info.tokenizer_file))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(self.info.max_seq_length)

    def tag_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        return self.tag_tokens_scored(sentences)[0]

    def tag_tokens_scored(
        self, sentences: Sequence[Sequence[str]]
    ) -> tuple[list[list[str]], list[list[float]] | None]:
        encodings = [self.tokenizer.encode(list(words), is_pretokenized=True) if words else None
                     for words in sentences]
        # Batches of similar lengths pad little: short texts (tweets, headlines) vary
        # a lot in length, and a batch runs at the length of its longest member.
        order = sorted((i for i, e in enumerate(encodings) if e is not None),
                       key=lambda i: len(encodings[i].ids))  # type: ignore[union-attr]
        scores: dict[int, np.ndarray] = {}
        for start in range(0, len(order), BATCH):
            chosen = order[start : start + BATCH]
            batch = self.token_scores([encodings[i].ids for i in chosen])  # type: ignore[union-attr]
            scores.update(zip(chosen, batch, strict=True))
        results: list[list[str]] = []
        confidences: list[list[float]] = []
        for index, (words, encoding) in enumerate(zip(sentences, encodings, strict=True)):
            if encoding is None:
                results.append([])
                confidences.append([])
                continue
            tags = ["O"] * len(words)
            confidence = [1.0] * len(words)  # words cut off by truncation stay "O"
            probabilities = softmax(scores[index])
            seen: set[int] = set()
            for position, word in enumerate(encoding.word_ids):
                if word is not None and word not in seen:
                    seen.add(word)
                    best = int(probabilities[position].argmax())
                    tags[word] = self.tags[best]
                    confidence[word] = float(probabilities[position, best])
            results.append(_repair(tags))
            confidences.append(confidence)
        return results, confidences

    def token_scores(self, ids: list[list[int]]) -> list[np.ndarray]:
        """Tag scores ``(length, tags)`` at every sub-word of each id list (one batch)."""
        scores = affine(self._hidden(ids), self.weight, self.bias)  # one product per batch
        return [scores[row, : len(sequence)] for row, sequence in enumerate(ids)]

    def token_states(self, ids: list[list[int]]) -> list[np.ndarray]:
        """The encoder's last hidden states ``(length, dim)`` of each id list (one batch)."""
        hidden = self._hidden(ids)
        return [hidden[row, : len(sequence)] for row, sequence in enumerate(ids)]

    def _hidden(self, ids: list[list[int]]) -> np.ndarray:
        """Hidden states of the padded batch, ``(batch, longest, dim)``."""
        length = max(len(i) for i in ids)
        input_ids = np.zeros((len(ids), length), dtype=np.int64)
        mask = np.zeros((len(ids), length), dtype=np.int64)
        for row, sequence in enumerate(ids):
            input_ids[row, : len(sequence)] = sequence
            mask[row, : len(sequence)] = 1
        return self.runtime.forward(input_ids, mask, alone=True)  # every core on each batch


class CharCRFTagger(Tagger):
    """The character BiLSTM-CRF (``models.char_tagger``)."""

    def __init__(self, manifest: Manifest, folder: Path) -> None:
        super().__init__(manifest, folder)
        # NumPy, not torch (as the transformer tagger): a server keeps torch out.
        from safetensors.numpy import load_file

        from lepton_ai.models.char_network import CharTaggerNetwork, CharVocab

        vocab = read_json_file(require_file(folder, VOCAB_FILE))
        self.vocab = CharVocab(vocab["chars"], vocab["bigrams"], vocab["tags"],
                               vocab.get("features", []), vocab.get("units", "chars"))
        weights = load_file(str(checked_safetensors(require_file(folder, TAGGER_FILE))))
        self.network = CharTaggerNetwork(weights)

    def tag_tokens(self, sentences: Sequence[Sequence[str]]) -> list[list[str]]:
        from lepton_ai.models.char_network import pad_rows

        results: list[list[str]] = [[] for _ in sentences]
        # Sorted by length: a batch pads to its longest sentence, and the LSTM runs that far.
        order = sorted((i for i in range(len(sentences)) if sentences[i]),
                       key=lambda i: len(sentences[i]))
        for start in range(0, len(order), CRF_BATCH):
            chosen = order[start : start + CRF_BATCH]
            encoded = [self.vocab.encode(sentences[i]) for i in chosen]
            hints = [row[2] for row in encoded]
            paths = self.network.decode(pad_rows([row[0] for row in encoded]),
                                        pad_rows([row[1] for row in encoded]),
                                        pad_rows(hints) if any(hints) else None)
            for index, path in zip(chosen, paths, strict=True):
                results[index] = [self.vocab.tags[t] for t in path]
        return results


def _repair(tags: list[str]) -> list[str]:
    """Sub-word decisions can leave an ``I-`` with no start; make it a ``B-``."""
    out, previous = [], "O"
    for tag in tags:
        if tag.startswith("I-") and previous[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        previous = tag
    return out


def load_tagger(folder: str | Path, precision: str | None = None, **_options: Any) -> Tagger:
    """Load a tagger directory written by ``lai train --task ner`` (``precision``: of a
    transformer tagger's encoder)."""
    folder = Path(folder)
    manifest = Manifest.read(folder)
    if manifest.task != "ner":
        raise LeptonError(E.E605, path=folder, found=manifest.task, expected="ner")
    if manifest.method == "charcrf":
        return CharCRFTagger(manifest, folder)
    return TransformerTagger(manifest, folder, precision)


def _linear_layer(weights: dict[str, Any], file: Path, tags: int) -> tuple[Any, Any]:
    """``out.weight`` and ``out.bias`` as float32 arrays, checked against the manifest's
    ``tags`` (LAI-E606 naming ``file``) before the encoder loads."""
    if "out.weight" not in weights or "out.bias" not in weights:
        raise LeptonError(E.E606, path=file, why="no out.weight / out.bias tensors")
    weight = np.asarray(weights["out.weight"], dtype=np.float32)
    bias = np.asarray(weights["out.bias"], dtype=np.float32)
    check_linear_layer(file, weight, bias, tags, "tags")
    return weight, bias
