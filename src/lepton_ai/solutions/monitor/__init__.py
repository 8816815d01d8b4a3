"""Monitoring and text analytics: ``lai monitor`` streams documents into a database,
follows watched names and topics, and raises alerts on surges of negative talk.

    from lepton_ai.solutions.monitor import Monitor
    Monitor.from_file("monitor.yaml").run()

See docs/monitor.md.
"""

from lepton_ai.solutions.monitor.alerts import Alert, AlertEngine, Mention
from lepton_ai.solutions.monitor.configuration import MonitorConfig, config_from_dict, load_config
from lepton_ai.solutions.monitor.documents import Document, DocumentReader
from lepton_ai.solutions.monitor.store import MonitorStore
from lepton_ai.solutions.monitor.stream_monitor import IngestStats, Monitor

__all__ = ["Alert", "AlertEngine", "Document", "DocumentReader", "IngestStats", "Mention",
           "Monitor", "MonitorConfig", "MonitorStore", "config_from_dict", "load_config"]
