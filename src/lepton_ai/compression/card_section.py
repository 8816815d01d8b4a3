"""What a compressed model folder says about its compression: the report files and the
model card's section (teacher, method, the measured table, the command)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lepton_ai.artifacts.manifest import Manifest
from lepton_ai.compression.measurement import Row, draw_chart, markdown_table

REPORT_JSON = "compress-report.json"
REPORT_PNG = "compress-report.png"


def write_report(staging: Path, manifest: Manifest, target: Path, rows: list[Row],
                 record: dict[str, Any]) -> None:
    """``compress-report.json``, ``compress-report.png`` and the model card."""
    (staging / REPORT_JSON).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    draw_chart(rows, staging / REPORT_PNG)
    write_card(staging, manifest, target, rows, record)


def write_card(staging: Path, manifest: Manifest, target: Path, rows: list[Row],
               record: dict[str, Any]) -> None:
    """The model card, with a Compression section."""
    from lepton_ai.training.card import write_model_card

    write_model_card(staging, manifest, shown_as=target)
    card = staging / "README.md"
    plan = record["plan"]
    options = " ".join(
        part for part in (
            f"--distil --layers {plan['layers']}" if plan["layers"] is not None else "",
            f"--prune-heads {plan['prune_heads']}" if plan["prune_heads"] is not None else "",
            f"--prune-layers {plan['prune_layers']}" if plan["prune_layers"] is not None
            else "",
            "--static" if plan["static"] else "",
            f"--quantize {plan['quantize']}" if plan["quantize"] != "auto" else "") if part)
    drop_note = (f"**Written with --force: it loses {record['drop']} points, more than "
                 f"--max-drop {record['max_drop']}.**\n\n" if record["forced"] else "")
    section = (
        f"\n## Compression\n\n{drop_note}Compressed from `{record['teacher']}` "
        f"({record['teacher_method']}) by {record['method']} in {record['seconds']} s; "
        f"measured on {record['evaluated_on']} ({record['examples']} examples), "
        f"each row in a fresh process on this machine:\n\n{markdown_table(rows)}\n\n"
        f"![before and after]({REPORT_PNG})\n\n"
        f"    lai compress {record['teacher']} --out {target} {options}\n")
    card.write_text(card.read_text(encoding="utf-8") + section, encoding="utf-8")
