"""Fine-tuning a transformer encoder for token tagging (full or LoRA)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from lepton_ai.artifacts.tagger_weights import save_tensors
from lepton_ai.data.tagged import TaggedSentence
from lepton_ai.evaluation.tagging import validation_f1
from lepton_ai.models.registry import ModelSpec
from lepton_ai.training.backbone import SentenceBackbone
from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed
from lepton_ai.training.outcome import Outcome
from lepton_ai.training.train_config import TrainConfig

IGNORE = -100


def align(backbone: SentenceBackbone, sentences: list[TaggedSentence],
          tag_index: dict[str, int]) -> tuple[list[list[int]], list[list[int]]]:
    """Sub-word ids per sentence, and the tag of each word on its first sub-word."""
    ids, labels = [], []
    for sentence in sentences:
        encoding = backbone.tokenizer.encode(sentence.tokens, is_pretokenized=True)
        row, seen = [], set()
        for word in encoding.word_ids:
            if word is None or word in seen:
                row.append(IGNORE)
            else:
                seen.add(word)
                row.append(tag_index[sentence.tags[word]])
        ids.append(encoding.ids)
        labels.append(row)
    return ids, labels


def train_token_classifier(
    train: list[TaggedSentence],
    evaluation: list[TaggedSentence],
    tags: list[str],
    spec: ModelSpec,
    method: str,
    config: TrainConfig,
    out: Path,
    resume: bool,
) -> Outcome:
    """Encoder + linear layer over token states, cross-entropy on first sub-words."""
    set_seed(config.seed)
    backbone = SentenceBackbone(Path(spec.path()), config.max_length)
    lr = config.lr
    if method == "lora":
        from peft import LoraConfig

        from lepton_ai.training.methods import lora_targets, with_adapter

        backbone.model = with_adapter(backbone.model, LoraConfig(
            r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
            target_modules=lora_targets(backbone.model)))
    head = torch.nn.Sequential(torch.nn.Dropout(config.dropout),
                               torch.nn.Linear(backbone.dim, len(tags)))
    tag_index = {t: i for i, t in enumerate(tags)}
    ids, labels = align(backbone, train, tag_index)
    module = torch.nn.ModuleDict({"backbone": backbone, "head": head})
    epochs = config.epochs
    steps = -(-len(ids) // config.batch_size) * epochs
    loop = TrainingLoop(
        module, adamw([(list(backbone.named_parameters()), lr),
                       (list(head.named_parameters()), config.head_lr)], config.weight_decay),
        steps, out / "checkpoints", warmup=config.warmup, grad_clip=config.grad_clip,
        patience=config.patience, checkpoint_every=config.checkpoint_every,
        description=f"{method} token tagger",
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=IGNORE)

    def logits(batch_ids: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        input_ids, mask = backbone.pad(batch_ids)
        return head(backbone.token_states(input_ids, mask)), mask

    def step_loss(batch: list[int]) -> torch.Tensor:
        scores, _ = logits([ids[i] for i in batch])
        target = torch.full(scores.shape[:2], IGNORE, dtype=torch.long)
        for row, i in enumerate(batch):
            target[row, : len(labels[i])] = torch.tensor(labels[i])
        return loss_fn(scores.reshape(-1, len(tags)), target.reshape(-1))

    eval_ids, eval_labels = align(backbone, evaluation, tag_index)

    @torch.no_grad()
    def validate() -> float:
        module.eval()
        predicted = []
        for start in range(0, len(eval_ids), 64):
            scores, _ = logits(eval_ids[start : start + 64])
            best = scores.argmax(-1).numpy()
            for row, i in enumerate(range(start, min(start + 64, len(eval_ids)))):
                first = [p for p, lab in enumerate(eval_labels[i]) if lab != IGNORE]
                words = [tags[int(best[row, p])] for p in first]
                words += ["O"] * (len(evaluation[i].tokens) - len(words))  # truncated tail
                predicted.append(words)
        module.train()
        return validation_f1(evaluation, predicted)

    lengths = [len(i) for i in ids]
    state = loop.run(
        epochs, lambda epoch: length_batches(lengths, config.batch_size, config.seed + epoch),
        step_loss, validate if evaluation else None, resume=resume,
    )
    if method == "lora":  # only the adapter: a few hundred kB beside the named base model
        backbone.model.save_pretrained(str(out / "adapter"))
    else:
        backbone.save(out / "encoder")
    linear = head[1]
    save_tensors(out, {"out.weight": linear.weight, "out.bias": linear.bias})
    trainable = sum(p.numel() for p in module.parameters() if p.requires_grad)
    return Outcome(trainable_parameters=trainable, history=state.history,
                   chosen={"epochs": epochs, "lr": lr, "best_epoch": state.best_epoch + 1,
                           "max_length": int(np.int64(config.max_length))})
