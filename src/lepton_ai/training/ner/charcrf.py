"""Training the BiLSTM-CRF tagger from scratch: over characters for Chinese, over words
for other languages (``models.char_network`` says what it reads)."""

from __future__ import annotations

from pathlib import Path

import torch

from lepton_ai.artifacts.tagger_weights import save_tensors, save_vocab
from lepton_ai.data.tagged import TaggedSentence
from lepton_ai.evaluation.tagging import validation_f1
from lepton_ai.models.char_network import CharVocab
from lepton_ai.models.char_tagger import CharBiLSTMCRF, batch_tensors, pad_batch
from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed
from lepton_ai.training.outcome import Outcome
from lepton_ai.training.train_config import TrainConfig

#: For a network trained from scratch: patience over many cheap epochs, small batches.
#: Its epochs and learning rate are declared in training/method_catalog.py.
PATIENCE, BATCH = 5, 16
#: Share of a words-mode tagger's once-seen words read as unknown at each step.
WORD_DROPOUT = 0.5


def train_charcrf(
    train: list[TaggedSentence],
    evaluation: list[TaggedSentence],
    tags: list[str],
    config: TrainConfig,
    out: Path,
    resume: bool,
    units: str = "chars",
) -> Outcome:
    """Train, keep the epoch with the best validation F1, save weights + vocabulary.
    ``units``: ``"chars"`` (Chinese) or ``"words"``."""
    set_seed(config.seed)
    vocab = CharVocab.build([s.tokens for s in train], tags, hints=True, units=units)
    model = CharBiLSTMCRF(len(vocab.chars), len(vocab.bigrams), len(tags),
                          n_features=len(vocab.features))
    tag_index = {t: i for i, t in enumerate(tags)}
    encoded = [vocab.encode(s.tokens) for s in train]
    gold = [[tag_index[t] for t in s.tags] for s in train]
    epochs = config.epochs
    batch_size = BATCH if config.batch_size == TrainConfig.batch_size else config.batch_size
    steps = -(-len(train) // batch_size) * epochs
    loop = TrainingLoop(
        model, adamw([(list(model.named_parameters()), config.lr)], 0.0), steps,
        out / "checkpoints", warmup=0.02, grad_clip=5.0,
        patience=max(config.patience, PATIENCE), checkpoint_every=config.checkpoint_every,
        description="BiLSTM-CRF tagger",
    )

    rare = torch.tensor(sorted(_rare_units(encoded))) if vocab.units == "words" \
        else torch.tensor([], dtype=torch.long)
    generator = torch.Generator().manual_seed(config.seed)

    def step_loss(batch: list[int]) -> torch.Tensor:
        chars, bigrams, hints = batch_tensors([encoded[i] for i in batch])
        if len(rare):  # the unknown-word row learns from words seen once (Lample et al., 2016)
            singles = torch.isin(chars, rare)
            dropped = singles & (torch.rand(chars.shape, generator=generator) < WORD_DROPOUT)
            chars = torch.where(dropped, torch.ones_like(chars), chars)
        return model.loss(chars, bigrams, pad_batch([gold[i] for i in batch]), hints)

    def validate() -> float:
        model.eval()
        predicted = []
        for start in range(0, len(evaluation), 64):
            chunk = [vocab.encode(s.tokens) for s in evaluation[start : start + 64]]
            paths = model.decode(*batch_tensors(chunk))
            predicted.extend([tags[t] for t in path] for path in paths)
        model.train()
        return validation_f1(evaluation, predicted)

    lengths = [len(s.tokens) for s in train]
    state = loop.run(
        epochs, lambda epoch: length_batches(lengths, batch_size, config.seed + epoch),
        step_loss, validate if evaluation else None, resume=resume,
    )
    save_tensors(out, dict(model.state_dict()), half=True)
    save_vocab(out, {**vocab.to_dict(), "network": model.config})
    return Outcome(trainable_parameters=sum(p.numel() for p in model.parameters()),
                   history=state.history,
                   chosen={"epochs": epochs, "lr": config.lr, "batch_size": batch_size})


def _rare_units(encoded: list[tuple[list[int], list[int], list[int]]]) -> set[int]:
    """Indices of the words seen once in training."""
    from collections import Counter

    counts = Counter(index for row in encoded for index in row[0])
    return {index for index, count in counts.items() if count == 1 and index > 1}
