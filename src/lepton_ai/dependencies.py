"""Optional packages: a coded error with the exact install line when one is missing."""

from __future__ import annotations

import importlib.util

from lepton_ai.errors import E, LeptonError


def require(package: str, purpose: str, requirement: str) -> None:
    """Raise LAI-E106 with the exact install line when ``package`` is missing."""
    if importlib.util.find_spec(package) is None:
        raise LeptonError(E.E106, package=package, purpose=purpose, requirement=requirement)
