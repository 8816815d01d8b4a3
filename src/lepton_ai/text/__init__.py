"""Language utilities: script detection and long-text chunking."""

from lepton_ai.text.chunking import token_windows
from lepton_ai.text.lang import has_cjk, needs_multilingual

__all__ = ["has_cjk", "needs_multilingual", "token_windows"]
