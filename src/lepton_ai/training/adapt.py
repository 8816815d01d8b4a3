"""Domain adaptation: continued masked-language-model pre-training on unlabelled text.

``lai adapt corpus.txt --out models/bank-encoder`` teaches the encoder the
vocabulary and style of a domain (Gururangan et al., 2020, "Don't stop
pretraining"). The result is a plain encoder folder usable as ``--base`` by
every training method and by ``lai.embed``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import check_output_folder
from lepton_ai.artifacts.staging import staged
from lepton_ai.data.tables import read_rows, text_column, texts_of
from lepton_ai.errors import E, LeptonError
from lepton_ai.models.folder import copy_side_files, inspect_folder
from lepton_ai.models.registry import DEFAULT_ENGLISH, HF_ENCODER, resolve

#: Share of tokens masked (BERT's recipe: 80% [MASK], 10% random, 10% kept).
MASK_PROBABILITY = 0.15
HELD_OUT = 200


def adapt_encoder(
    corpus: str | Path,
    out: str | Path,
    *,
    base: str | Path | None = None,
    column: str | None = None,
    epochs: int = 1,
    lr: float = 5e-5,
    batch_size: int = 32,
    max_length: int = 128,
    seed: int = 42,
    resume: bool = False,
    checkpoint_every: int = 200,
) -> dict[str, Any]:
    """Continue MLM pre-training of ``base`` on ``corpus``; save the encoder to ``out``.

    Returns the masked-LM loss on held-out corpus lines before and after.
    """
    import torch
    from transformers import (
        AutoModelForMaskedLM,
        BertTokenizerFast,
        DataCollatorForLanguageModeling,
    )
    from transformers.utils import logging as hf_logging

    from lepton_ai.training.loop import TrainingLoop, adamw, length_batches, set_seed

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    final = Path(out)
    check_output_folder(final, ours=("config.json",))  # a previous adapted encoder may go
    spec = resolve(base or DEFAULT_ENGLISH)
    if spec.kind != HF_ENCODER:
        raise LeptonError(E.E509, method="adapt", base=spec.name, kind=spec.kind)
    folder = inspect_folder(spec.path()).path
    texts = texts_of(read_rows(corpus), text_column(corpus, column), corpus)
    set_seed(seed)
    random.Random(seed).shuffle(texts)
    held_out, texts = texts[: min(HELD_OUT, len(texts) // 10)], texts[min(HELD_OUT,
                                                                          len(texts) // 10):]
    tokenizer = BertTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"))
    model = AutoModelForMaskedLM.from_pretrained(str(folder), use_safetensors=True)
    collator = DataCollatorForLanguageModeling(tokenizer, mlm_probability=MASK_PROBABILITY)
    encoded = tokenizer(texts, truncation=True, max_length=max_length)["input_ids"]

    def loss_on(ids: list[list[int]]) -> torch.Tensor:
        batch = collator([{"input_ids": i} for i in ids])
        return model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"],
                     labels=batch["labels"]).loss

    def held_out_loss() -> float:
        if not held_out:
            return float("nan")
        model.eval()
        state = torch.get_rng_state()
        torch.manual_seed(seed)  # the same masks before and after
        ids = tokenizer(held_out, truncation=True, max_length=max_length)["input_ids"]
        with torch.no_grad():
            losses = [float(loss_on(ids[i : i + batch_size])) for i in range(0, len(ids),
                                                                           batch_size)]
        torch.set_rng_state(state)
        model.train()
        return sum(losses) / len(losses)

    before = held_out_loss()
    steps = -(-len(encoded) // batch_size) * epochs
    with staged(final, resume=resume) as out:  # the base may be ``final`` itself: read above
        loop = TrainingLoop(
            model, adamw([(list(model.named_parameters()), lr)], 0.01), steps,
            out / "checkpoints", checkpoint_every=checkpoint_every,
            description="domain adaptation",
        )
        lengths = [len(i) for i in encoded]
        loop.run(
            epochs, lambda epoch: length_batches(lengths, batch_size, seed + epoch),
            lambda batch: loss_on([encoded[i] for i in batch]), resume=resume,
        )
        after = held_out_loss()
        model.base_model.save_pretrained(str(out), safe_serialization=True)
        copy_side_files(folder, out)
    return {"loss_before": before, "loss_after": after, "texts": len(texts), "steps": steps}
