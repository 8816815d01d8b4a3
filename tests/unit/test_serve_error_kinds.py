"""Every route answers a coded error with the status of its kind (one test per kind)."""

from __future__ import annotations

import re
import string

import pytest
from fastapi.testclient import TestClient

from lepton_ai.errors import E, Kind, LeptonError
from lepton_ai.serve import ServeConfig, build_app


def some_code(kind: Kind) -> E:
    return next(code for code in E if code.kind is kind)


def raised(code: E) -> LeptonError:
    names = [f for _, f, _, _ in string.Formatter().parse(code.template) if f]
    return LeptonError(code, **{re.split(r"[!:.\[]", n)[0]: 1.0 for n in names})


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = build_app(ServeConfig(warm=False))

    async def fail(code: str) -> None:
        raise raised(E[code])

    app.add_api_route("/test/raise/{code}", fail, methods=["GET"])
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.label)
def test_the_status_follows_the_kind(client: TestClient, kind: Kind) -> None:
    code = some_code(kind)
    answer = client.get(f"/test/raise/{code.name}")
    assert answer.status_code == kind.status
    error = answer.json()["error"]
    assert (error["code"], error["type"]) == (f"LAI-{code.name}", kind.api_type)
    if kind.status in (429, 503):
        assert "retry-after" in answer.headers
