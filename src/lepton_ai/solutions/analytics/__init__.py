"""Text analytics: ``lai report`` turns a collection (a monitor's database or a file)
into a self-contained HTML report with charts. See docs/monitor.md, "Reports"."""

from lepton_ai.solutions.analytics.collection import Collection, from_file, from_monitor
from lepton_ai.solutions.analytics.html_report import Report, build_report, write_report

__all__ = ["Collection", "Report", "build_report", "from_file", "from_monitor", "write_report"]
