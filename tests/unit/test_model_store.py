"""One model store: every shipped model registered once, one bounded cache of loaded models."""

from __future__ import annotations

from pathlib import Path

import pytest

from lepton_ai.model_memory import LOADED, ModelMemory
from lepton_ai.models.generator import DEFAULT_GENERATOR
from lepton_ai.models.loader import load_encoder
from lepton_ai.models.registry import PACKAGED, SHIPPED, encoder_names, resolve, shipped
from lepton_ai.tasks.ner import DEFAULT_MODELS as NER_DEFAULTS
from lepton_ai.tasks.relations import DEFAULT_MODEL as RELATION_DEFAULT
from lepton_ai.tasks.sentiment import DEFAULT_MODELS as SENTIMENT_DEFAULTS


def test_every_default_a_task_names_is_registered_with_licence_and_languages() -> None:
    named = {*SENTIMENT_DEFAULTS.values(), *NER_DEFAULTS.values(), RELATION_DEFAULT,
             DEFAULT_GENERATOR, *(spec.name for spec in PACKAGED)}
    for name in named:
        spec = shipped(name)
        assert spec.license and spec.languages and spec.trained_on and spec.source, name
    assert len({spec.name for spec in SHIPPED}) == len(SHIPPED)


def test_one_alias_map_for_every_surface() -> None:
    for alias, name in encoder_names().items():
        assert resolve(alias).name == name
    with pytest.raises(LookupError, match="LAI-E101"):
        resolve("vader")  # a task model is registered, but never embeds


def test_least_recently_used_models_go_past_the_bound() -> None:
    memory = ModelMemory(100)
    loads: list[str] = []

    def build(name: str) -> object:
        loads.append(name)
        return object()

    first = memory.load("a", lambda: build("a"), size_mb=60)
    assert memory.load("a", lambda: build("a"), size_mb=60) is first
    memory.load("b", lambda: build("b"), size_mb=30)
    memory.load("a", lambda: build("a"), size_mb=60)  # a is now the most recent
    memory.load("c", lambda: build("c"), size_mb=30)  # 120 MB: b goes, not a
    assert memory.held() == ["a", "c"] and loads == ["a", "b", "c"]
    memory.load("huge", lambda: build("huge"), size_mb=500)
    assert memory.held() == ["huge"]  # the one just loaded always stays


def test_a_new_stamp_loads_the_model_again() -> None:
    memory = ModelMemory(1000)
    first = memory.load("m", object, stamp=1)
    assert memory.load("m", object, stamp=1) is first
    assert memory.load("m", object, stamp=2) is not first


def test_encoders_live_in_the_one_store(tiny_encoder_dir: Path, tmp_cache: Path) -> None:
    encoder = load_encoder(tiny_encoder_dir)
    assert load_encoder(tiny_encoder_dir) is encoder
    assert any(key[0] == "encoder" and key[1] == str(tiny_encoder_dir.resolve())
               for key in LOADED.held() if isinstance(key, tuple))


def permissive_sets() -> set[str]:
    """The folders of ../shared/data/README.md's table of sets that may train shipped models."""
    readme = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "README.md"
    if not readme.is_file():
        pytest.skip("../shared/data must sit beside the repository")
    text = readme.read_text(encoding="utf-8")
    permissive = text[:text.index("## Evaluation, benchmarks and recipes only")]
    return {line.split("|")[1].strip().split(" ")[0] for line in permissive.splitlines()
            if line.startswith("| ") and not line.startswith("| folder")}


def test_every_model_we_trained_and_ship_was_trained_on_permissive_data() -> None:
    allowed = permissive_sets()
    ours = [spec for spec in SHIPPED if spec.local_path is not None]
    assert ours, "the models shipped inside the package"
    for spec in ours:
        assert spec.data_sets, f"{spec.name} must name the data it was trained on"
        assert set(spec.data_sets) <= allowed, (spec.name, spec.data_sets)
        assert spec.local_path.is_dir(), spec.name
    assert {"goemotions", "semeval2010_task8", "banking77"} <= allowed
    assert "sst2" not in allowed and "conll2003" not in allowed
