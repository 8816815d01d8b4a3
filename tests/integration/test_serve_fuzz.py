"""Schemathesis fuzzes every documented route of a running ``lai serve``: no 500s.

The stateful phase chains calls along the links Schemathesis infers from the schema
(18: uploads → checks and jobs, jobs → their events, cancel and chart, …); generated
uploads are rarely valid tables, so few chains get past their first call.

Run through the ``st`` command (its pytest plugin does not load under pytest 9).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from .serve_process import running_server


def test_no_route_answers_500(tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    # Tight limits keep each generated request small and the run short. The deadline is
    # raised from 10 s: generated summaries and answers (/v1/summarize, /v1/answer) queue
    # for the one local LM, and a 503 for a missed deadline, right under load, would
    # count here as a server error.
    with running_server("--max-texts", "4", "--max-chars", "120", "--timeout", "60") as base:
        run = subprocess.run(
            [str(st), "run", f"{base}/openapi.json", "--checks", "not_a_server_error",
             "--max-examples", "25", "--seed", "7", "--generation-deterministic",
             "--request-timeout", "60", "--phases", "examples,coverage,fuzzing,stateful",
             "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=1500)
        alive = subprocess.run([sys.executable, "-c", "import httpx,sys; sys.exit("
                                f"httpx.get('{base}/healthz').status_code != 200)"])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert alive.returncode == 0
