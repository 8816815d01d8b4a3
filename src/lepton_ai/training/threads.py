"""How many threads training uses: ``LEPTON_THREADS``, fewer when another process holds
a core.

torch's kernels split each operation across their threads and wait for the slowest;
when another process holds one of two cores, a two-thread run waits on the busy core at
every operation and slows 5-13x, while one thread on the free core slows little. So
training measures the other processes' load before it starts and over each epoch, and
leaves their cores to them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from lepton_ai.settings import settings

#: How long the load of other processes is sampled before the first epoch (seconds).
SAMPLE_SECONDS = 0.25
#: A core counts as taken by others when they use at least this share of one.
TAKEN = 0.6


def busy_ticks() -> int:
    """CPU time (clock ticks) the whole machine has spent busy since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values[:8]) - values[3] - values[4]  # all but idle and iowait


def process_ticks(pids: Iterable[int | str] = ("self",)) -> int:
    """CPU time (clock ticks) used by these processes and their waited-for children."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total


class OtherLoad:
    """Cores' worth of CPU time other processes used since the last reading (Linux;
    0 elsewhere)."""

    def __init__(self) -> None:
        self._last = self._now()

    @staticmethod
    def _now() -> tuple[float, int, int] | None:
        try:
            return time.monotonic(), busy_ticks(), process_ticks()
        except OSError:  # pragma: no cover - no /proc
            return None

    def cores(self) -> float:
        """Other processes' cores since the previous call (or since construction)."""
        before, self._last = self._last, self._now()
        if before is None or self._last is None or self._last[0] <= before[0]:
            return 0.0
        seconds = self._last[0] - before[0]
        others = (self._last[1] - before[1]) - (self._last[2] - before[2])
        return max(0.0, others / (os.sysconf("SC_CLK_TCK") * seconds))


def threads_for(others: float) -> int:
    """``settings.threads`` (``LEPTON_THREADS``), less the cores other processes hold."""
    taken = int(others + (1 - TAKEN))
    return max(1, min(settings.threads, settings.threads - taken))


def training_threads() -> int:
    """Threads for a run about to start: other processes' load sampled briefly."""
    load = OtherLoad()
    time.sleep(SAMPLE_SECONDS)
    return threads_for(load.cores())
