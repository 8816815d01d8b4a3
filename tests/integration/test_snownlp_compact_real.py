"""The compact SnowNLP sentiment gives SnowNLP's own probabilities (on ChnSentiCorp's
dev texts and hand-made edge cases)."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path

import pytest

from lepton_ai.text.snownlp_compact import load_sentiment

from .conftest import SHARED_DATA

DEV = SHARED_DATA / "chnsenticorp" / "dev.tsv"
EDGES = ["我很喜欢", "不好不好，非常差！", "abc 你好 def", "𠀀𠀁 unknown 鿿", "   ", "",
         "招商银行股价今日大跌，投资者担忧其房地产贷款风险。", "房间 干净\n早餐\t丰富",
         "的的的的的的的的的的的", "123 456", "ＡＢＣ全角字符，还可以。"]


def _texts() -> list[str]:
    texts = list(EDGES)
    if DEV.is_file():
        with DEV.open(encoding="utf-8") as handle:
            rows = list(csv.reader(handle, delimiter="\t"))[1:]
        texts += [row[-1] for row in rows[:150]]
    return texts


def test_probabilities_equal_snownlp(tmp_path: Path) -> None:
    snownlp = pytest.importorskip("snownlp.sentiment")
    spec = importlib.util.find_spec("snownlp")
    assert spec is not None and spec.submodule_search_locations
    ours = load_sentiment(Path(spec.submodule_search_locations[0]), tmp_path)
    texts = _texts()
    assert len(texts) > 100 or not DEV.is_file()
    for text in texts:
        assert ours.positive(text) == pytest.approx(snownlp.classifier.classify(text),
                                                    abs=1e-12), text
    again = load_sentiment(Path(spec.submodule_search_locations[0]), tmp_path)  # converted
    assert again.positive(texts[0]) == ours.positive(texts[0])
    assert (tmp_path / "snownlp" / "layout-1" / "segmenter.npz").is_file()
