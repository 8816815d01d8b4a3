"""deploy/: the Prometheus rules and the Grafana dashboard read metrics the server has."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from lepton_ai.serve.observe import Metrics

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SUFFIXES = re.compile(r"_(total|bucket|sum|count|created)$")


def _served_metrics() -> set[str]:
    return {metric.name for metric in Metrics().registry.collect()}


def _named(text: str) -> set[str]:
    return {SUFFIXES.sub("", name) for name in re.findall(r"\blai_[a-z_]+", text)}


def test_alert_rules_parse_and_read_only_served_metrics() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus/alerts.yml").read_text())
    alerts = {rule["alert"]: rule for group in rules["groups"] for rule in group["rules"]}
    assert {"LeptonLatencyP99High", "LeptonErrorRateHigh", "LeptonOverloaded",
            "LeptonModelDrift"} <= set(alerts)
    used = set().union(*(_named(rule["expr"]) for rule in alerts.values()))
    assert used and used <= _served_metrics(), used - _served_metrics()


def test_the_dashboard_parses_and_reads_only_served_metrics() -> None:
    dashboard = json.loads((DEPLOY / "grafana/lepton-ai-serve.json").read_text())
    expressions = [t["expr"] for panel in dashboard["panels"] for t in panel["targets"]]
    used = set().union(*(_named(e) for e in expressions))
    assert "lai_drift_psi" in used and used <= _served_metrics(), used - _served_metrics()
