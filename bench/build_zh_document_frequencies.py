"""Build the Chinese document-frequency table that ships with lepton-ai.

    .venv/bin/python bench/build_zh_document_frequencies.py

Counts, for every jieba word, how many documents contain it, over the permissively
licensed Chinese text in ../shared/data (see ../shared/data/README.md):

- UNER Chinese GSDSIMP (Chinese Wikipedia sentences of the UD Chinese GSD treebank,
  CC BY-SA 4.0): every sentence of train, dev and test is a document (4,997);
- CrossWOZ val and test (travel dialogues, Apache-2.0): every dialogue is a document (1,000).

Writes src/lepton_ai/defaults/lexicons/zh_document_frequencies.json: word counts only, no
sentence of either set. NOTICE names both sources. Segmentation: jieba 0.42.1, ``jieba.cut``
with its HMM on, as ``lai.keywords`` segments at run time.
"""

from __future__ import annotations

import json
import sys
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import SHARED_DATA

TARGET = (Path(__file__).resolve().parents[1] / "src" / "lepton_ai" / "defaults" / "lexicons"
          / "zh_document_frequencies.json")


def wikipedia_sentences() -> list[str]:
    """Every sentence of UNER Chinese GSDSIMP (the ``# text =`` lines)."""
    folder = SHARED_DATA / "uner_zh_gsdsimp"
    sentences = []
    for split in ("train", "dev", "test"):
        for line in (folder / f"zh_gsdsimp-ud-{split}.iob2").read_text("utf-8").splitlines():
            if line.startswith("# text = "):
                sentences.append(line.removeprefix("# text = ").strip())
    return sentences


def travel_dialogues() -> list[str]:
    """Every CrossWOZ val and test dialogue, its turns joined."""
    dialogues = []
    for split in ("val", "test"):
        with zipfile.ZipFile(SHARED_DATA / "crosswoz" / f"{split}.json.zip") as archive:
            data = json.loads(archive.read(archive.namelist()[0]))
        dialogues.extend("".join(m["content"] for m in d["messages"]) for d in data.values())
    return dialogues


def main() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    sources = {"uner_zh_gsdsimp (CC BY-SA 4.0), sentences": wikipedia_sentences(),
               "crosswoz val+test (Apache-2.0), dialogues": travel_dialogues()}
    frequencies: Counter[str] = Counter()
    documents = 0
    for texts in sources.values():
        for text in texts:
            frequencies.update({w for w in jieba.cut(text) if w.strip()})
        documents += len(texts)
    table = {
        "documents": documents,
        "sources": {name: len(texts) for name, texts in sources.items()},
        "segmenter": f"jieba {jieba.__version__} cut, HMM on",
        "frequencies": dict(sorted(frequencies.items(), key=lambda pair: (-pair[1], pair[0]))),
    }
    TARGET.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    print(f"{TARGET}: {documents} documents, {len(frequencies)} words, "
          f"{TARGET.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
