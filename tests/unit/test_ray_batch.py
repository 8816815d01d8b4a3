"""Ray Data batch jobs on a small local Ray: same vectors as in-process, input order
and columns kept, output readable without Ray, coded errors before Ray starts."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

import lepton_ai as lai
from lepton_ai.errors import LeptonError
from lepton_ai.serve.ray_batch import embed_file_ray


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    import ray

    yield
    ray.shutdown()


def write_rows(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "body"])
        for i in range(count):
            writer.writerow([i, f"the cat sat on the mat {i}" if i % 3 else f"stocks fell {i}"])
    return path


def test_vectors_equal_the_in_process_ones_in_input_order(
        tmp_path: Path, tiny_encoder_dir: Path, tmp_cache: Path, local_ray: None) -> None:
    import pyarrow.parquet as pq

    source = write_rows(tmp_path / "rows.csv", 37)
    job = embed_file_ray(source, tmp_path / "out.parquet", column="body",
                         model=tiny_encoder_dir, actors=2, batch_size=5)
    assert job.rows == 37 and job.model == tiny_encoder_dir.name
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.column("id").to_pylist() == list(range(37))
    assert str(table.schema.field("vector").type).startswith("fixed_size_list<element: float>")
    vectors = np.asarray(table.column("vector").to_pylist(), dtype=np.float32)
    expected = lai.embed(table.column("body").to_pylist(), model=tiny_encoder_dir)
    np.testing.assert_allclose(vectors, expected, atol=1e-5)


def test_a_wrong_column_or_output_is_named_before_ray_starts(tmp_path: Path) -> None:
    source = write_rows(tmp_path / "rows.csv", 3)
    with pytest.raises(LeptonError, match=r"LAI-E303.*body"):
        embed_file_ray(source, tmp_path / "out.parquet", column="bdy")
    from typer.testing import CliRunner

    from lepton_ai.cli.main import app

    result = CliRunner().invoke(app, ["embed", str(source), "--column", "body", "--out",
                                      str(tmp_path / "v.npy"), "--ray"])
    assert result.exit_code != 0 and "LAI-E306" in result.output


def test_coded_errors_raised_in_ray_workers_arrive_whole(local_ray: None) -> None:
    import ray

    from lepton_ai.errors import E

    @ray.remote
    def refuse() -> None:
        raise LeptonError(E.E101, name="nope", known="a, b")

    with pytest.raises(LookupError, match=r"LAI-E101.*'nope'") as caught:
        ray.get(refuse.remote())
    assert isinstance(caught.value, LeptonError) and caught.value.code == "LAI-E101"


def test_without_an_address_a_new_local_ray_starts_never_a_recorded_one(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Ray alone would try /tmp/ray/ray_current_cluster, and hang when it is gone."""
    import ray

    from lepton_ai.serve.ray_cluster import start_ray

    calls: list[dict] = []
    monkeypatch.setattr(ray, "is_initialized", lambda: False)
    monkeypatch.setattr(ray, "init", lambda **kwargs: calls.append(kwargs))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    start_ray(None, cpus=2, purpose="a test")
    assert calls[-1]["address"] == "local" and calls[-1]["num_cpus"] == 2
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.5:6379")
    start_ray(None, cpus=2, purpose="a test")
    assert calls[-1]["address"] == "10.0.0.5:6379" and calls[-1]["num_cpus"] is None
    start_ray("10.0.0.6:6379", cpus=2, purpose="a test")
    assert calls[-1]["address"] == "10.0.0.6:6379"
