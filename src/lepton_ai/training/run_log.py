"""What a training run tells the person running it (stderr, when progress is shown)."""

from __future__ import annotations

import resource
import sys

from lepton_ai.progress import event_log
from lepton_ai.settings import settings


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def evaluation_note(count: int, given: bool, unit: str) -> str:
    """What the run is evaluated on, for the opening line of training."""
    if given:
        return f"evaluated on the {count} given {unit}"
    if count:
        return f"{count} held out for evaluation"
    return "none held out (too few; metrics are on the training data)"


def say(message: str) -> None:
    """Tell the person running the training (and the event log, when one is set)."""
    if message and (events := event_log()) is not None:
        from rich.text import Text

        events.write("note", message=Text.from_markup(message).plain)
    if message and settings.show_progress:
        from rich.console import Console

        Console(stderr=True).print(message)
