"""Scoring trained models on labelled data and writing the reports.

Used by :meth:`TextClassifier.evaluate`, ``lai eval`` and training alike; it knows
models only by the few methods it calls (see the ``Protocol`` classes), so it sits
below :mod:`lepton_ai.tasks` and :mod:`lepton_ai.training`.
"""
