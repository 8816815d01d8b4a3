"""Small models: distil, prune and quantize a trained classifier (``lai compress``).

See :mod:`lepton_ai.compression.compressor` for the steps and ``docs/compression.md``.
"""
