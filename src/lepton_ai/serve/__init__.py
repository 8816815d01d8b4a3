"""``lai serve``: the HTTP service (FastAPI). Nothing outside this package imports FastAPI.

    from lepton_ai.serve import ServeConfig, build_app
    app = build_app(ServeConfig(api_keys=frozenset({"secret"})))
"""

from lepton_ai.serve.app import build_app
from lepton_ai.serve.config import ModelSource, ServeConfig

__all__ = ["ModelSource", "ServeConfig", "build_app"]
