"""Copy a trained model directory into the package as a shipped default (weights only).

    .venv/bin/python bench/ship_default.py MODEL_DIR sentiment/goemotions-minilm

Only models trained on sets that ../shared/data/README.md lists as permissive may be
shipped (tests/unit/test_model_store.py checks the registry's entries).

Copies the manifest, the head and the adapter (or whatever weights the manifest
needs) into src/lepton_ai/defaults/<task>/<name>/ and leaves out the evaluation
reports (they quote dataset sentences). The model card (README.md there) is
written by hand with the measured figures and the training data's license.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

DEFAULTS = Path(__file__).resolve().parents[1] / "src" / "lepton_ai" / "defaults"
KEEP = ("lepton.json", "head.safetensors", "tagger.safetensors", "vocab.json",
        "adapter/adapter_model.safetensors",
        "adapter/adapter_config.json")
LIMIT_BYTES = 2 * 1024 * 1024  # repository rule: no file over 2 MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", help="task/name under src/lepton_ai/defaults")
    args = parser.parse_args()
    target = DEFAULTS / args.target
    target.mkdir(parents=True, exist_ok=True)
    for name in KEEP:
        source = args.source / name
        if not source.is_file():
            continue
        if source.stat().st_size > LIMIT_BYTES:
            raise SystemExit(f"{source} is {source.stat().st_size:,} bytes: too large to ship")
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name)
        print(f"copied {name} ({source.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
