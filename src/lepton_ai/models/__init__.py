"""Where weights come from and the runtimes that run them.

Nothing here imports from the task, serving or application layers.
"""

from lepton_ai.models.encoders import Encoder, TransformerEncoder
from lepton_ai.models.loader import load_encoder, prepare
from lepton_ai.models.registry import PACKAGED, ModelSpec, resolve

__all__ = [
    "PACKAGED",
    "Encoder",
    "ModelSpec",
    "TransformerEncoder",
    "load_encoder",
    "prepare",
    "resolve",
]
