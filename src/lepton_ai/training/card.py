"""The model card (README.md) of a trained model directory."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import Manifest


def write_model_card(folder: Path, manifest: Manifest, shown_as: Path | None = None) -> None:
    """Describe the model: what it predicts, data, metrics, how to use and reproduce it.

    ``shown_as``: the directory the card names, when ``folder`` is where the model is
    written before it is put there (see :mod:`lepton_ai.artifacts.staging`).
    """
    card = folder / "README.md"
    kept_data = (folder / "eval.jsonl").exists()
    folder = shown_as or folder
    data = manifest.data
    metrics = manifest.metrics
    config = manifest.config
    # --head is a classifier's option; a tagger trained from scratch has no --base.
    shown_options = ("epochs", "lr", "batch_size", "seed",
                     *(("head",) if manifest.task == "classify" else ()))
    options = " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in config.items()
        if k in shown_options and v not in (None, 0, 0.0)
    )
    task = f" --task {manifest.task}" if manifest.task != "classify" else ""
    base = f" --base {manifest.base_model}" if manifest.encoder != "none" else ""
    lines = [
        f"# {folder.name}",
        "",
        f"A {manifest.task} model trained with lepton-ai {manifest.library_version} "
        f"({manifest.created}).",
        "",
        "| | |",
        "|---|---|",
        f"| method | {manifest.method} |",
        f"| base model | {manifest.base_model} (weights sha256 "
        f"{(manifest.base_checksum or 'n/a')[:16]}) |",
        f"| labels | {len(manifest.labels)}{' (multi-label)' if manifest.multi_label else ''} |",
        *([f"| label descriptions | {len(data['label_descriptions'])}, each trained on as one "
           "more example of its label (`data.label_descriptions` in lepton.json) |"]
          if data.get("label_descriptions") else []),
        f"| training examples | {data.get('train_examples')} |",
        f"| evaluation examples | {data.get('eval_examples')} |",
        f"| training time | {data.get('train_seconds')} s |",
        f"| trainable parameters | {data.get('trainable_parameters')} |",
    ]
    if "accuracy" in metrics:
        lines.append(f"| accuracy | {metrics['accuracy']:.4f} |")
    if "macro" in metrics:
        lines.append(f"| macro F1 | {metrics['macro']['f1']:.4f} |")
    if "f1" in metrics:
        lines.append(f"| entity F1 | {metrics['f1']:.4f} |")
    if "forgetting" in metrics:
        f = metrics["forgetting"]
        lines.append(
            f"| old evaluation set | {f['accuracy_before']} before → "
            f"{f['accuracy_after']:.4f} after this update |"
        )
    counts = data.get("label_counts") or {}
    if counts:
        shown = sorted(counts.items(), key=lambda item: -item[1])
        lines += ["", "## Training data", "", f"Source: `{data.get('source')}`", "",
                  "| label | examples |", "|---|---|"]
        lines += [f"| {name} | {n} |" for name, n in shown[:100]]
    lines += [
        "",
        "## Use",
        "",
        "```python",
        "import lepton_ai as lai",
        f'model = lai.load("{folder}")',
        'model.predict("some text")',
        "```",
        "",
        f"Or `lai predict {folder} --file FILE`, `lai serve {folder}`.",
        "",
        "## Reproduce",
        "",
        "```",
        f"lai train {data.get('source')}{_column_options(data.get('columns') or {})}{task} "
        f"--method {manifest.method}{base} {options}".rstrip()
        + (" --label-descriptions FILE" if data.get("label_descriptions") else ""),
        "```",
        "",
        "The evaluation report is in `report.md` (figures in `report.json`).",
        "The directory holds JSON and safetensors only: loading it runs no stored code.",
    ]
    if kept_data:
        lines.append(
            "`eval.jsonl` and `memory.jsonl` keep the evaluation split and a small sample "
            "of the training data for continual learning (`lai train --from`); delete them "
            "or train with `--no-keep-data` if the data must not travel with the model."
        )
    card.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _column_options(columns: dict[str, Any]) -> str:
    """``--text``/``--label``/``--label-sep`` where training read other columns than the
    defaults."""
    parts = [f" --{flag} {shlex.quote(str(columns[key]))}" for key, flag, default in (
        ("text", "text", "text"), ("label", "label", "label"), ("label_sep", "label-sep", None))
        if columns.get(key) not in (None, default)]
    return "".join(parts)
