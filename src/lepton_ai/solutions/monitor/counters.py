"""The monitor's Prometheus metrics (``lai monitor run --metrics-port`` serves them;
``lai serve`` has its own ``/metrics``)."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

ALERTS_TOTAL = Counter("lepton_monitor_alerts_total", "Alerts raised by a monitor.",
                       ["monitor", "rule", "kind"])
DOCUMENTS_TOTAL = Counter("lepton_monitor_documents_total",
                          "Documents a monitor stored, by whether they were reposts.",
                          ["monitor", "repost"])
WAITING = Gauge("lepton_monitor_waiting_documents",
                "Documents waiting in memory for the database.", ["monitor"])
