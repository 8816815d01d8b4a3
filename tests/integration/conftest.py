"""Integration tests run the real packaged models and read ../shared/data."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from lepton_ai.data.public import read_stsb

from .postgres import PostgresServer, postgres_server

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def stsb_test() -> list[tuple[float, str, str]]:
    """STS-B test pairs (gold, sentence1, sentence2); tab-separated, no quoting."""
    path = SHARED_DATA / "stsb" / "sts-test.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found: ../shared/data must sit beside the repository")
    return read_stsb(path)


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the tests of one module."""
    yield from postgres_server()
