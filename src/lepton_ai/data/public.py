"""Readers for public evaluation datasets whose files have quirks.

The datasets themselves are never shipped; callers pass the path (for this
project's benchmarks and tests: ``../shared/data``).
"""

from __future__ import annotations

from pathlib import Path


def read_stsb(path: str | Path) -> list[tuple[float, str, str]]:
    """STS benchmark pairs as ``(gold score 0-5, sentence 1, sentence 2)``.

    The ``sts-*.csv`` files are tab-separated without quoting, and sentences hold
    unbalanced ``"``, so a CSV reader mis-parses them: split on tabs instead.
    """
    pairs = []
    with Path(path).open(encoding="utf-8") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            pairs.append((float(fields[4]), fields[5], fields[6]))
    return pairs
