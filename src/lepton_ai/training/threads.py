"""How many threads training uses: ``LEPTON_THREADS``, fewer when another process holds
a core.

torch's kernels split each operation across their threads and wait for the slowest;
when another process holds one of two cores, a two-thread run waits on the busy core at
every operation and slows 5-13x, while one thread on the free core slows little. So
training measures the other processes' load before it starts (and again each epoch) and
leaves their cores to them.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from lepton_ai.settings import settings

#: How long the load of other processes is sampled (seconds).
SAMPLE_SECONDS = 0.25
#: A core counts as taken by others when they use at least this share of one.
TAKEN = 0.6


def others_busy_cores(seconds: float = SAMPLE_SECONDS) -> float:
    """Cores' worth of CPU time used by other processes over ``seconds`` (Linux; 0 elsewhere)."""
    try:
        before_all, before_own = _busy_ticks(), _own_ticks()
        time.sleep(seconds)
        after_all, after_own = _busy_ticks(), _own_ticks()
    except OSError:  # pragma: no cover - no /proc
        return 0.0
    ticks = os.sysconf("SC_CLK_TCK") * seconds
    return max(0.0, ((after_all - before_all) - (after_own - before_own)) / ticks)


def training_threads() -> int:
    """``settings.threads`` (``LEPTON_THREADS``), less the cores other processes hold."""
    taken = int(others_busy_cores() + (1 - TAKEN))
    return max(1, min(settings.threads, settings.threads - taken))


def _busy_ticks() -> int:
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values[:8]) - values[3] - values[4]  # all but idle and iowait


def _own_ticks() -> int:
    fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
