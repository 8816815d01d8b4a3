"""Write a model directory beside its destination, then put it in place in one step.

Training writes for minutes, and a run can die at any point (a kill, a full disk,
a bad batch). Written straight into ``models/intents``, a run that dies while the
new encoder is saved but before the new head and manifest leaves the previous
model's head beside the new encoder: a directory that loads and predicts wrongly.
So a run writes into ``models/.intents.partial`` (same filesystem: checkpoints for
``--resume`` live there too) and only a finished model replaces ``models/intents``:
atomically on Linux (``renameat2(RENAME_EXCHANGE)``), elsewhere by two renames
(for an instant there is no directory, never a mixed one).
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: The folder of a run's checkpoints inside the folder it writes.
CHECKPOINTS = "checkpoints"
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def staging_folder(out: Path) -> Path:
    """Where a model bound for ``out`` is written until it is complete."""
    out = out.resolve()
    return out.with_name(f".{out.name}.partial")


@contextmanager
def staged(out: Path, *, resume: bool = False) -> Iterator[Path]:
    """A staging folder for ``out``; when the block finishes, it becomes ``out``.

    Without ``resume`` a previous run's leftovers are cleared first. When the block
    finishes, its checkpoints are dropped and the folder replaces ``out``. When it
    raises, ``out`` keeps what it held, and the staging folder stays if it holds
    checkpoints to resume from (an error before training, such as a data check,
    leaves no trace).
    """
    staging = staging_folder(out)
    if not resume:
        shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True, exist_ok=True)
    try:
        yield staging
    except BaseException:
        if not (staging / CHECKPOINTS).exists():
            shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging / CHECKPOINTS, ignore_errors=True)  # finished: nothing to resume
    publish(staging, out)


def publish(staging: Path, out: Path) -> None:
    """Put the finished folder ``staging`` at ``out``, replacing what was there."""
    if out.is_dir() and any(out.iterdir()):
        if not _exchange(staging, out):
            replaced = out.resolve().with_name(f".{out.resolve().name}.replaced")
            shutil.rmtree(replaced, ignore_errors=True)
            out.rename(replaced)
            staging.rename(out)
            staging = replaced
        shutil.rmtree(staging)  # now the previous contents
        return
    if out.is_dir():
        out.rmdir()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(out)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two directories atomically (Linux); False where the system cannot."""
    if sys.platform != "linux":
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):  # not glibc ≥ 2.28 (e.g. musl)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]
    return renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                     _RENAME_EXCHANGE) == 0
