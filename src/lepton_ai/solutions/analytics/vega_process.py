"""vl-convert in a child process: ``python -m lepton_ai.solutions.analytics.vega_process``
reads a job as JSON on standard input — ``{"bundle": FILE or null, "pngs": {FILE:
VEGA_LITE_SPEC}, "fonts": [FOLDER]}`` — and writes the Vega-Embed script bundle and
the PNGs to those files. With nothing on standard input it checks that vl-convert
runs.

Why a child: vl-convert runs JavaScript in Deno's V8, started on a thread of its own
inside whatever process calls it, and upstream reports V8 started that way crashing
on some machines (memory protection keys; a V8 platform not made on the main
thread). A test run here once died with a segmentation fault as its interpreter
exited, after every test had passed; V8 is the suspect, not a proven cause. A child
that exits after drawing keeps such a crash away from the caller, which retries once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main() -> None:
    """Do the job read from standard input."""
    import vl_convert

    job = json.loads(sys.stdin.read() or "{}")
    if not job:  # no job: check that the renderer runs at all
        vl_convert.vegalite_to_svg({"mark": "point", "data": {"values": [{}]}})
        print(f"vl-convert {vl_convert.get_vegalite_versions()[-1]} draws charts")
        return
    for folder in job.get("fonts", []):
        vl_convert.register_font_directory(folder)
    if job.get("bundle"):
        bundle = vl_convert.javascript_bundle().replace("</script", "<\\/script")
        Path(job["bundle"]).write_text(bundle, encoding="utf-8")
    for file, spec in job.get("pngs", {}).items():
        Path(file).write_bytes(vl_convert.vegalite_to_png(spec, scale=2))


if __name__ == "__main__":
    main()
