"""The web console in Debian's chromium: first page load, bytes, a sentiment round trip.

    .venv/bin/python bench/console_browser.py

Starts ``lai serve`` (defaults, warmed), opens ``/ui`` in a fresh headless chromium
(Playwright) and measures: the time from navigation start until the page has built
itself from ``/openapi.json`` (``main[data-ready]``, "interactive"); the bytes the
first page transferred (HTML, JS, CSS and the API answers it read); then, on the
Playground, the time from clicking Run on the English sentiment example until the
label is on screen, 20 times (the first, cold, apart); then, on the Train page, a
LoRA run of 2 epochs on 120 rows, measuring the longest delay between a training event
being written by the run and the page showing it. The server's resident memory is read
before the browser opens and after the session. Appends a JSON line to
bench/results/console_browser.jsonl with the cores other processes used.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import LoadMeter, code_version, record

ROUNDS = 20


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(port: int, data: Path) -> subprocess.Popen[bytes]:
    lai = Path(sys.executable).with_name("lai")
    process = subprocess.Popen([str(lai), "serve", "--port", str(port), "--no-access-log",
                                "--data-dir", str(data)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.25)
    process.kill()
    raise RuntimeError("lai serve did not become ready")


def main() -> None:
    from playwright.sync_api import sync_playwright

    port = 8765
    server = start_server(port, Path(os.environ.get("TMPDIR", "/tmp")) / "console-bench-data")
    base = f"http://127.0.0.1:{port}"
    try:
        before_mb = resident_mb(server.pid)
        with LoadMeter([os.getpid()]) as meter, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=shutil.which("chromium"),
                args=["--no-sandbox", "--disable-dev-shm-usage"])
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            sizes: list[int] = []
            page.on("response", lambda response: sizes.append(len(response.body())))
            page.goto(f"{base}/ui")
            page.wait_for_selector("main[data-ready='true'] ul")
            # The page notes when its first render ended (ms since navigation start).
            interactive_ms = float(page.get_attribute("body", "data-ready-ms"))
            first_page_bytes = sum(sizes)
            static = {name: len(httpx.get(f"{base}/ui/{name}").content)
                      for name in ("index.html", "console.js", "console.css")}
            page.goto(f"{base}/ui#playground/sentiment")
            page.wait_for_selector("#run")
            trips = []
            for _ in range(ROUNDS + 1):
                started = time.perf_counter()
                page.click("#run")
                page.wait_for_selector("#result[data-done='true'] [data-testid='labels']")
                trips.append(1000 * (time.perf_counter() - started))
            table = Path(os.environ.get("TMPDIR", "/tmp")) / "console-bench-intents.csv"
            table.write_text("text,label\n" + "".join(
                f"complaint number {i} about my {kind},{kind}\n"
                for i in range(60) for kind in ("card", "bill")), encoding="utf-8")
            page.goto(f"{base}/ui#train")
            page.wait_for_selector("#train-file")
            page.set_input_files("#train-file", str(table))
            page.wait_for_selector("#train-start:not([disabled])")
            page.select_option("#train-method", "lora")
            page.click("#train-start")
            page.wait_for_selector("#train-live[data-done]", timeout=600_000)
            training_lag_ms = float(page.get_attribute("#train-live", "data-max-lag-ms") or "nan")
            training_status = page.get_attribute("#train-live", "data-done")
            browser.close()
        after_mb = resident_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    warm = sorted(trips[1:])
    record("console_browser", {
        "interactive_ms": round(interactive_ms, 1), "first_page_bytes": first_page_bytes,
        "static_bytes": static, "sentiment_cold_ms": round(trips[0], 1),
        "sentiment_p50_ms": round(statistics.median(warm), 1),
        "sentiment_p90_ms": round(warm[int(0.9 * len(warm)) - 1], 1),
        "training_event_max_lag_ms": training_lag_ms, "training_status": training_status,
        "server_rss_mb_before": round(before_mb, 1), "server_rss_mb_after": round(after_mb, 1),
        "foreign_cores": round(meter.foreign_cores, 2), "code": code_version()})


if __name__ == "__main__":
    main()
