"""``lai train --task ner``: token taggers from CoNLL-style or JSONL span files.

Methods: ``full`` / ``lora`` fine-tune a transformer encoder with a token
classification layer (English, or any user-supplied HF folder, Chinese ones
included); ``charcrf`` trains a BiLSTM-CRF from scratch: over characters for
Chinese text, which no packaged encoder can be fine-tuned on (its default), over words
for other languages (several times the speed of a transformer tagger, with less
accuracy).
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import Manifest, check_output_folder
from lepton_ai.artifacts.staging import staged
from lepton_ai.data.tagged import TaggedSentence, entity_counts, read_tagged, tag_set
from lepton_ai.errors import E, LeptonError
from lepton_ai.evaluation.tagging import write_tagger_report
from lepton_ai.models.registry import DEFAULT_ENGLISH, HF_ENCODER, ModelSpec, resolve
from lepton_ai.tasks.tagger import Tagger, load_tagger
from lepton_ai.text.lang import has_cjk
from lepton_ai.training.backbone import base_checksum
from lepton_ai.training.checks import check_language
from lepton_ai.training.method_catalog import AUTO, training_method
from lepton_ai.training.method_choice import LENGTH_SAMPLE
from lepton_ai.training.run_log import evaluation_note, peak_rss_mb, say
from lepton_ai.training.train_config import TrainConfig


def train_tagger(
    data: str | Path | list[TaggedSentence],
    *,
    eval_data: str | Path | list[TaggedSentence] | None = None,
    base: str | Path | None = None,
    out: str | Path,
    resume: bool = False,
    **options: Any,
) -> Tagger:
    """Train an entity tagger and save it as a model directory; returns it loaded."""
    method = options.pop("method", AUTO)
    if method != AUTO:
        training_method(method, "ner")  # LAI-E508 names the methods that train taggers
    config = TrainConfig.from_options(**options)
    train_set = data if isinstance(data, list) else read_tagged(data)
    if eval_data is None:
        shuffled = list(train_set)
        random.Random(config.seed).shuffle(shuffled)
        cut = max(1, int(len(shuffled) * config.eval_fraction))
        evaluation, train_set = shuffled[:cut], shuffled[cut:]
    else:
        evaluation = eval_data if isinstance(eval_data, list) else read_tagged(eval_data)
    texts = ["".join(s.tokens) for s in train_set[:2000]]
    chinese = sum(has_cjk(t) for t in texts) / max(1, len(texts)) > 0.2
    if method == AUTO:
        method = "charcrf" if chinese and base is None else "full"
    config = config.resolved(method, "ner")
    spec = resolve(base or DEFAULT_ENGLISH) if training_method(method, "ner").changes_encoder \
        else None
    if spec is not None:
        if spec.kind != HF_ENCODER:
            raise LeptonError(E.E509, method=method, base=spec.name, kind=spec.kind)
        check_language(texts, spec.languages, spec.name, "a Chinese HF encoder folder")
    tags = tag_set(train_set + evaluation)
    final = Path(out)
    check_output_folder(final)
    say(f"Training [bold]{method}[/] tagger: {len(train_set)} sentences, "
         f"{len(tags) // 2} entity types, "
         + evaluation_note(len(evaluation), eval_data is not None, "sentences")
         + (f"; {_time_note(method, config, spec, train_set, len(evaluation))}" if spec else ""))
    with staged(final, resume=resume) as out:
        _train_into(out, final, method, spec, train_set, evaluation, tags, config, resume,
                    data, units="chars" if chinese else "words")
    tagger = load_tagger(final)
    say(f"Saved to {final}: entity F1 {tagger.metrics['f1']:.4f} on {len(evaluation)} "
         "sentences")
    return tagger


def _time_note(method: str, config: TrainConfig, spec: ModelSpec,
               train_set: list[TaggedSentence], evaluation: int) -> str:
    """``about N minutes here``: the run's time on this machine (see ``time_estimate``)."""
    from lepton_ai.training.threads import training_threads
    from lepton_ai.training.time_estimate import Pace, estimate_seconds, spoken

    sample = [" ".join(s.tokens) for s in train_set[:LENGTH_SAMPLE]]
    pace = Pace.of(spec.path(), sample, max_length=config.max_length,
                   threads=training_threads(), key=spec.name)
    seconds = estimate_seconds(method, config, pace, train=len(train_set), valid=evaluation,
                               task="ner")
    return f"{spoken(seconds)} here"


def _train_into(out: Path, final: Path, method: str, spec: ModelSpec | None,
                train_set: list[TaggedSentence], evaluation: list[TaggedSentence],
                tags: list[str], config: TrainConfig, resume: bool, data: Any,
                units: str) -> None:
    """Train, evaluate and describe the tagger in ``out`` (bound for ``final``)."""
    started = time.perf_counter()
    if method == "charcrf":
        from lepton_ai.training.ner.charcrf import train_charcrf

        result = train_charcrf(train_set, evaluation, tags, config, out, resume, units)
    else:
        from lepton_ai.training.ner.transformer import train_token_classifier

        assert spec is not None
        result = train_token_classifier(train_set, evaluation, tags, spec, method, config, out,
                                        resume)
    seconds = time.perf_counter() - started
    adapter = training_method(method, "ner").adapter
    manifest = Manifest(
        task="ner", labels=tags, method=method,
        base_model=spec.name if spec else "none (trained from scratch)",
        base_checksum=base_checksum(spec) if spec and adapter else None,
        encoder=("adapter" if adapter else "encoder") if spec else "none",
        head="token-linear" if spec else "bilstm-crf",
        config={**config.to_dict(), "method": method, **result.chosen},
        data={"train_sentences": len(train_set), "eval_sentences": len(evaluation),
              "entity_counts": dict(entity_counts(train_set)), "train_seconds": round(seconds, 1),
              "trainable_parameters": result.trainable_parameters,
              "peak_rss_mb": peak_rss_mb(), "source": str(data) if not isinstance(data, list)
              else "<memory>"},
        history=result.history,
    )
    manifest.write(out)
    tagger = load_tagger(out)
    report = tagger.evaluate(evaluation)
    write_tagger_report(report, out)
    manifest.metrics = {k: report[k] for k in ("precision", "recall", "f1")}
    manifest.write(out)
    from lepton_ai.training.card import write_model_card

    write_model_card(out, manifest, shown_as=final)
