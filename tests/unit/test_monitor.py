"""The monitor's parts without models: config checks, reading, reposts, rules, storage,
channels, and the pipeline with a keyword analyser standing in for the models."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from lepton_ai.errors import LeptonError, LeptonWarning
from lepton_ai.solutions.monitor import (
    Document,
    DocumentReader,
    Monitor,
    MonitorStore,
    config_from_dict,
    load_config,
)
from lepton_ai.solutions.monitor import channels as channels_module
from lepton_ai.solutions.monitor.alerts import AlertEngine, Mention
from lepton_ai.solutions.monitor.analysis import DocumentAnalysis, WatchList
from lepton_ai.solutions.monitor.configuration import InputConfig, RuleConfig, WatchedName
from lepton_ai.solutions.monitor.dedup import NearDuplicates
from lepton_ai.solutions.monitor.rules import RollingCounts, evaluate

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
EXAMPLE = Path(__file__).resolve().parents[2] / "src/lepton_ai/solutions/monitor/example.yaml"


# --- config -----------------------------------------------------------------------


def test_the_packaged_example_config_is_valid() -> None:
    config = load_config(EXAMPLE)
    assert config.name == "fin-news" and config.cashtags and len(config.rules) == 2


def test_an_unknown_field_names_the_closest_one_and_where_it_is() -> None:
    with pytest.raises(LeptonError, match=r"'window_minute' at rules\.0\.window_minute "
                       r"\(did you mean 'window_minutes'\?\)") as caught:
        config_from_dict({"name": "m", "rules": [{"name": "r", "window_minute": 30}]})
    assert caught.value.code == "LAI-E1101"
    with pytest.raises(LeptonError, match="did you mean 'tasks'"):
        config_from_dict({"name": "m", "analysis": {"task": ["sentiment"]}})


@pytest.mark.parametrize(("data", "problem"), [
    ({"name": "m", "channels": [{"kind": "webhook"}]}, "needs url"),
    ({"name": "m", "analysis": {"tasks": ["topic"]}}, "analysis.topics"),
    ({"name": "m", "rules": [{"name": "r", "kind": "cusum"}]}, "rules.0.kind"),
    ({"name": "bad name!"}, "name"),
    (["not", "a", "mapping"], "mapping"),
])
def test_invalid_configs_say_what_and_where(data: object, problem: str) -> None:
    with pytest.raises(LeptonError, match=problem) as caught:
        config_from_dict(data)
    assert caught.value.code in ("LAI-E1101", "LAI-E1102")


def test_a_missing_config_file_says_how_to_start(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="lai monitor example"):
        load_config(tmp_path / "monitor.yaml")


# --- reading ----------------------------------------------------------------------


def _jsonl(path: Path, rows: Sequence[dict[str, object]], mode: str = "w") -> None:
    with path.open(mode, encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_all(reader: DocumentReader) -> list[Document]:
    return [d for batch in reader.batches() for d in batch.documents]


def test_rows_without_text_or_time_are_counted_and_reported_not_dropped_silently(
        tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    _jsonl(path, [{"id": "a", "time": "2026-11-02T09:00:00Z", "text": "fine"},
                  {"id": "b", "time": "2026-11-02T09:01:00Z"},
                  {"id": "c", "text": "no time"},
                  {"id": "d", "time": "02/11/2026 9am", "text": "odd time"}])
    path.write_text(path.read_text() + "not json\n")
    reader = DocumentReader(InputConfig(path="in.jsonl"), tmp_path)
    with pytest.warns(LeptonWarning, match=r"LAI-W1101.*4 row\(s\).*row 4 \(time "
                      r"'02/11/2026 9am'\).*ISO 8601"):
        documents = _read_all(reader)
    assert [d.id for d in documents] == ["a"]
    assert documents[0].time == T0
    assert dict(reader.skipped.reasons) == {"no text": 1, "no time": 1,
                                            "time not readable": 1, "not a JSON object": 1}


def test_csv_input_with_a_time_pattern_a_zone_and_generated_ids(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("when,body,site\n2026/11/02 17:00,招行 股价大跌,weibo\n"
                    "2026/11/02 17:05,\"quoted, with comma\",news", encoding="utf-8")
    config = InputConfig(path="in.csv", time_format="%Y/%m/%d %H:%M", timezone="Asia/Shanghai",
                         columns={"time": "when", "text": "body", "source": "site"})
    documents = _read_all(DocumentReader(config, tmp_path))
    assert [d.text for d in documents] == ["招行 股价大跌", "quoted, with comma"]
    assert documents[0].time == T0 and documents[0].source == "weibo"
    assert len(documents[0].id) == 32  # no id column: a content hash, stable on re-reading
    assert _read_all(DocumentReader(config, tmp_path))[0].id == documents[0].id


def test_a_csv_without_the_text_column_names_the_config_field(tmp_path: Path) -> None:
    (tmp_path / "in.csv").write_text("time,message\n2026-11-02T09:00:00Z,hi\n")
    with pytest.raises(LeptonError, match=r"no 'text' column.*input\.columns\.text") as caught:
        _read_all(DocumentReader(InputConfig(path="in.csv"), tmp_path))
    assert caught.value.code == "LAI-E1104"


def test_a_followed_file_is_read_as_it_grows_and_offsets_resume_it(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    _jsonl(path, [{"id": "1", "time": "2026-11-02T09:00:00Z", "text": "one"}])
    stop = threading.Event()
    reader = DocumentReader(InputConfig(path="in.jsonl", follow=True, poll_seconds=0.01),
                            tmp_path)
    seen: list[str] = []
    offsets: list[int | None] = []

    def read() -> None:
        for batch in reader.batches(stop.is_set):
            seen.extend(d.id for d in batch.documents)
            offsets.append(batch.offset)

    thread = threading.Thread(target=read)
    thread.start()
    time.sleep(0.1)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "2", "time": "2026-11-02T09:01:00Z", "text": "two"}))
        handle.flush()
        time.sleep(0.1)  # a line without its newline yet is not read half-written
        assert seen == ["1"]
        handle.write("\n")
    deadline = time.monotonic() + 5
    while seen != ["1", "2"] and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert seen == ["1", "2"] and offsets[-1] == path.stat().st_size
    _jsonl(path, [{"id": "3", "time": "2026-11-02T09:02:00Z", "text": "three"}], mode="a")
    resumed = DocumentReader(InputConfig(path="in.jsonl"), tmp_path, start_offset=offsets[-1])
    assert [d.id for d in _read_all(resumed)] == ["3"]


# --- reposts ----------------------------------------------------------------------


def test_reposts_are_found_across_handles_links_and_case_but_new_stories_are_not() -> None:
    reposts = NearDuplicates(threshold=0.8)
    original = "Tesla recalls 200,000 vehicles over a rear-view camera fault $TSLA"
    assert reposts.original_of("a", original, T0) is None
    assert reposts.original_of(
        "b", "RT @carnews: TESLA recalls 200,000 vehicles over a rear-view camera fault "
        "$TSLA https://t.co/xyz", T0) == "a"
    assert reposts.original_of("c", "Tesla shares rise after strong delivery numbers $TSLA",
                               T0) is None
    assert reposts.original_of("a", original, T0) == "a"  # read again: counted once
    assert reposts.original_of("z1", "招商银行股价今日大跌，投资者担忧其房地产贷款风险。", T0) is None
    assert reposts.original_of("z2", "转发：招商银行股价今日大跌，投资者担忧其房地产贷款风险", T0) == "z1"


def test_reposts_are_only_looked_for_within_the_horizon() -> None:
    reposts = NearDuplicates(horizon=timedelta(hours=1))
    text = "Central bank raises rates by half a point"
    assert reposts.original_of("a", text, T0) is None
    assert reposts.original_of("b", text, T0 + timedelta(hours=2)) is None
    assert len(reposts) == 1


# --- watched names ----------------------------------------------------------------


def test_watched_names_are_found_through_aliases_and_cashtags() -> None:
    watch = WatchList([WatchedName(name="招商银行", aliases=["招行"], id="cmb"),
                       WatchedName(name="Apple", aliases=["$AAPL", "AAPL"])], cashtags=True)
    assert watch.find("招行发布公告") == ("cmb",)
    assert watch.find("$AAPL and $msft fell; AAPL again; US$5 is no ticker") == ("Apple", "$MSFT")
    assert not WatchList([])


# --- rules ------------------------------------------------------------------------


def _counts(events: Sequence[tuple[float, bool]]) -> RollingCounts:
    counts = RollingCounts(timedelta(days=8))
    for minutes, negative in events:
        counts.add(T0 + timedelta(minutes=minutes), negative)
    return counts


def test_rolling_counts_sum_windows_and_forget_beyond_the_horizon() -> None:
    counts = _counts([(0, True), (30, False), (59, True), (-5, True)])  # one late arrival
    assert counts.between(T0, T0 + timedelta(minutes=59)) == (3, 2)
    assert counts.between(T0 - timedelta(minutes=10), T0 + timedelta(minutes=59)) == (4, 3)
    counts.forget_before(T0 + timedelta(days=8, minutes=20))
    assert counts.total == [2, 1]


def test_a_surge_fires_on_a_burst_but_not_at_the_usual_rate() -> None:
    rule = RuleConfig(name="s", kind="surge", min_negative=3)
    usual = [(-60 * 24 * d + h * 60, True) for d in range(1, 7) for h in (3, 15)]  # 2 a day
    quiet = _counts([*usual, (0, True), (40, True)])
    assert evaluate(rule, quiet, T0 + timedelta(minutes=40)) is None
    burst = _counts([*usual, (0, True), (10, True), (20, True), (25, False)])
    figures = evaluate(rule, burst, T0 + timedelta(minutes=25))
    assert figures is not None and figures.negative == 3 and figures.volume == 4
    assert figures.baseline_negative == 12 and figures.p_value < 1e-4


def test_a_busy_name_needs_many_more_negatives_to_surge() -> None:
    rule = RuleConfig(name="s", kind="surge", min_negative=3)
    busy = [(-60 * 24 * 6 + m, True) for m in range(0, 60 * 24 * 6, 15)]  # 4 an hour
    counts = _counts([*busy, *((m, True) for m in range(0, 60, 10))])  # 6 in the hour
    assert evaluate(rule, counts, T0 + timedelta(minutes=50)) is None


def test_share_and_threshold_rules_look_at_the_negative_share() -> None:
    history = [(-60 * 24 + m, m % 50 == 0) for m in range(0, 1000, 5)]  # 2% negative
    window = [(m, m % 2 == 0) for m in range(0, 60, 3)]  # 10 of 20 negative
    counts = _counts([*history, *window])
    now = T0 + timedelta(minutes=57)
    share = evaluate(RuleConfig(name="b", kind="share", min_volume=10), counts, now)
    assert share is not None and share.negative == 10 and share.p_value < 1e-4
    assert evaluate(RuleConfig(name="t", kind="threshold", negative_share=0.5), counts, now)
    assert evaluate(RuleConfig(name="t", kind="threshold", negative_share=0.6), counts,
                    now) is None
    assert evaluate(RuleConfig(name="b", kind="share", min_volume=30), counts, now) is None


def _mention(minutes: float, key: str = "$X", negative: bool = True) -> Mention:
    return Mention("entity", key, T0 + timedelta(minutes=minutes), negative, -0.9,
                   f"d{minutes}", f"text {minutes}")


def test_an_alert_waits_out_its_cool_down_and_quotes_the_most_negative_documents() -> None:
    engine = AlertEngine("m", [RuleConfig(name="s", min_negative=3, cooldown_minutes=120)])
    assert engine.observe([_mention(0), _mention(5)]) == []
    fired = engine.observe([_mention(10), _mention(12, negative=False)])
    assert [a.key for a in fired] == ["$X"] and fired[0].fired_at == T0 + timedelta(minutes=12)
    assert [d["id"] for d in fired[0].documents] == ["d0", "d5", "d10"]
    assert engine.observe([_mention(m) for m in range(20, 100, 5)]) == []  # cooling down
    later = engine.observe([_mention(m) for m in range(130, 160, 5)])
    assert len(later) == 1 and later[0].id != fired[0].id
    payload = later[0].payload()
    assert payload["figures"]["negative"] >= 3 and payload["key"] == "$X"


def test_rules_only_watch_their_kind_of_key() -> None:
    engine = AlertEngine("m", [RuleConfig(name="s", by="topic", min_negative=3)])
    assert engine.observe([_mention(m) for m in range(0, 30, 5)]) == []


# --- storage ----------------------------------------------------------------------


def _row(identifier: str, minutes: float = 0) -> dict[str, object]:
    return {"id": identifier, "time": T0 + timedelta(minutes=minutes), "source": "s",
            "lang": "en", "text": "t", "sentiment": "negative", "polarity": -0.5,
            "topic": None, "duplicate_of": None, "entities": "[]", "keywords": "[]",
            "fields": "{}"}


def test_writes_are_idempotent_and_checkpoints_are_kept(tmp_path: Path) -> None:
    store = MonitorStore(f"sqlite:///{tmp_path / 'm.db'}", "m")
    mention = {"document": "a", "kind": "entity", "key": "$X", "time": T0, "negative": True,
               "polarity": -0.5}
    for _ in range(2):  # the same batch read again after a crash
        store.write([_row("a"), _row("b", 5)], [mention], ("in.jsonl", 120))
    assert store.count() == 2 and store.checkpoint("in.jsonl") == 120
    assert store.checkpoint("other") == 0
    (bucket,) = store.timeline("entity", "$X", T0, T0 + timedelta(hours=1),
                               timedelta(minutes=30))
    assert (bucket.start, bucket.volume, bucket.negative_share) == (T0, 1, 1.0)
    assert store.top_keys("entity", T0, T0 + timedelta(hours=1)) == [("$X", 1, 1)]
    assert store.newest() == T0 + timedelta(minutes=5)
    store.close()


def test_documents_wait_while_the_database_is_away_and_none_is_lost(tmp_path: Path) -> None:
    folder = tmp_path / "not-yet"
    store = MonitorStore(f"sqlite:///{folder / 'm.db'}", "m", buffer_limit=100)
    with pytest.warns(LeptonWarning, match="LAI-W1103.*1 document"):
        assert not store.write([_row("a")], [], ("in", 10))
    assert store.waiting == 1
    assert not store.write([_row("b")], [], ("in", 20))  # warned once per outage
    folder.mkdir()
    assert store.write([_row("c")], [], ("in", 30))
    assert store.waiting == 0 and store.count() == 3 and store.checkpoint("in") == 30
    store.close()


def test_a_full_buffer_holds_the_reader_until_the_database_is_back(tmp_path: Path) -> None:
    folder = tmp_path / "later"
    store = MonitorStore(f"sqlite:///{folder / 'm.db'}", "m", buffer_limit=2)
    with pytest.warns(LeptonWarning, match="LAI-W1103"):
        store.write([_row("a")], [])
    threading.Timer(0.3, folder.mkdir).start()
    started = time.monotonic()
    assert store.write([_row("b")], [])  # blocks (back-pressure) until the folder exists
    assert time.monotonic() - started >= 0.25 and store.count() == 2
    store.close()


# --- channels ---------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[bytes, str]]] = []
    failures_left = 0
    delay = 0.0

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(type(self).delay)
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            self.send_response(500)
            self.end_headers()
            return
        type(self).received.append((body, self.headers.get("X-Lepton-Signature", "")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, type[_Receiver]]]:
    monkeypatch.setattr(channels_module, "FIRST_RETRY_SECONDS", 0.01)
    _Receiver.received, _Receiver.failures_left, _Receiver.delay = [], 0, 0.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", _Receiver
    server.shutdown()


def _alert() -> object:
    engine = AlertEngine("m", [RuleConfig(name="s", min_negative=3)])
    return engine.observe([_mention(0), _mention(1), _mention(2)])[0]


def test_webhooks_are_signed_and_retried(receiver: tuple[str, type[_Receiver]],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    url, handler = receiver
    monkeypatch.setenv("HOOK_SECRET", "s3cret")
    handler.failures_left = 2
    dispatcher = channels_module.Dispatcher(config_from_dict({"name": "m", "channels": [
        {"kind": "webhook", "url": url, "secret_env": "HOOK_SECRET", "retries": 3}]}).channels)
    dispatcher.send(_alert())
    dispatcher.close()
    (body, header), = handler.received
    assert header == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    payload = json.loads(body)
    assert payload["key"] == "$X" and payload["figures"]["negative"] == 3
    assert dispatcher.sent == 1 and dispatcher.failed == 0


def test_a_webhook_that_times_out_is_reported_and_the_monitor_goes_on(
        receiver: tuple[str, type[_Receiver]]) -> None:
    url, handler = receiver
    handler.delay = 0.5
    dispatcher = channels_module.Dispatcher(config_from_dict({"name": "m", "channels": [
        {"kind": "webhook", "url": url, "timeout_seconds": 0.1, "retries": 1},
        {"kind": "log"}]}).channels)
    started = time.monotonic()
    dispatcher.send(_alert())
    assert time.monotonic() - started < 0.05  # sending never holds up the caller
    with pytest.warns(LeptonWarning, match=r"LAI-W1102.*webhook channel after 2 attempt"):
        dispatcher.close()
    assert dispatcher.failed == 1 and dispatcher.sent == 1  # the log channel still got it


# --- the pipeline -----------------------------------------------------------------


def _keyword_analyser(texts: Sequence[str]) -> list[DocumentAnalysis]:
    """Stands in for the models: 'fell' or 'fraud' reads negative."""
    watch = WatchList([], cashtags=True)
    return [DocumentAnalysis("en", "negative" if ("fell" in t or "fraud" in t) else "neutral",
                             -0.8 if "fell" in t else 0.1, watch.find(t)) for t in texts]


def test_a_surge_in_a_file_is_stored_counted_once_and_alerted(tmp_path: Path) -> None:
    topics = ["dividend", "new plant", "board meeting", "product launch", "hiring plans",
              "bond issue", "annual report", "partnership", "store openings", "outlook"]
    rows = [{"id": f"n{i}", "time": (T0 - timedelta(hours=i * 7)).isoformat(),
             "text": f"$ACME news on its {topics[i - 1]}", "source": "wire"}
            for i in range(10, 0, -1)]
    rows += [{"id": f"s{i}", "time": (T0 + timedelta(minutes=4 * i)).isoformat(),
              "text": text, "source": "twitter"} for i, text in enumerate([
                  "$ACME fell 12% after the fraud report, call me at 555-123-4567",
                  "RT @x: $ACME fell 12% after the fraud report, call me at 555-123-4567",
                  "$ACME auditors resign as shares fell again",
                  "$ACME fraud probe widens, regulators say"])]
    _jsonl(tmp_path / "news.jsonl", rows)
    (tmp_path / "monitor.yaml").write_text(
        "name: acme\ncashtags: true\ninput: {path: news.jsonl}\nchannels: [{kind: log}]\n"
        "rules: [{name: surge, min_negative: 3}]\n")
    raised: list = []
    monitor = Monitor.from_file(tmp_path / "monitor.yaml", analyzer=_keyword_analyser,
                                on_alert=raised.append, summarize_alerts=False)
    stats = monitor.run()
    monitor.close()
    assert stats.documents == 14 and stats.reposts == 1 and stats.alerts == 1
    (alert,) = raised
    assert alert.key == "$ACME" and alert.figures.negative == 3  # the repost counted once
    store = MonitorStore(f"sqlite:///{tmp_path / 'acme.db'}", "acme")
    assert store.count() == 14 and store.count(duplicates=False) == 13
    (stored,) = store.alerts()
    assert stored["evidence"]["figures"]["volume"] == 3
    assert "555-123-4567" not in json.dumps(stored["evidence"])  # masked before storing
    again = Monitor.from_file(tmp_path / "monitor.yaml", analyzer=_keyword_analyser)
    assert again.run().documents == 0  # the checkpoint: nothing read twice
    again.close()


# --- served -----------------------------------------------------------------------


def test_a_served_monitor_takes_batches_reports_skips_and_pushes_back(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from lepton_ai.serve import ServeConfig, build_app

    release = threading.Event()

    def slow_analyser(texts: Sequence[str]) -> list[DocumentAnalysis]:
        if any("wait" in t for t in texts):
            release.wait(10)
        return _keyword_analyser(texts)

    config = config_from_dict({"name": "news", "database": f"sqlite:///{tmp_path / 'n.db'}",
                               "cashtags": True, "channels": [],
                               "rules": [{"name": "surge", "min_negative": 3}]})
    monitor = Monitor(config, analyzer=slow_analyser, summarize_alerts=False)
    serve_config = ServeConfig(warm=False, monitor_max_waiting=1)
    with TestClient(build_app(serve_config)) as client:
        client.app.state.lai.monitors["news"] = monitor
        documents = [{"id": f"d{i}", "time": (T0 + timedelta(minutes=i)).isoformat(),
                      "text": f"$ACME fell {i}0% on fraud claims number {'abcd'[i]}"}
                     for i in range(4)]
        answer = client.post("/v1/monitor/news/documents", json={"documents": [
            *documents, {"id": "x", "text": "no time"}, {"time": "2026-11-02T10:00:00Z"}]})
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert (body["accepted"], body["skipped"]) == (4, 2)
        assert body["skipped_reasons"] == {"no time": 1, "no text": 1}
        assert [a["key"] for a in body["alerts"]] == ["$ACME"]
        assert client.get("/v1/monitor/news/alerts").json()["data"][0]["key"] == "$ACME"
        assert client.get("/v1/monitor/news").json()["documents"] == 4
        again = client.post("/v1/monitor/news/documents", json={"documents": documents})
        assert again.json()["accepted"] == 4 and monitor.store.count() == 4  # idempotent

        blocked = threading.Thread(target=client.post, args=("/v1/monitor/news/documents",),
                                   kwargs={"json": {"documents": [
                                       {"time": T0.isoformat(), "text": "wait for it"}]}})
        blocked.start()
        deadline = time.monotonic() + 5
        while not client.app.state.lai.line("monitor").waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        refused = client.post("/v1/monitor/news/documents", json={"documents": documents})
        release.set()
        blocked.join(10)
        assert refused.status_code == 429 and refused.headers["Retry-After"]
        assert refused.json()["error"]["code"] == "LAI-E801"
        unknown = client.post("/v1/monitor/other/documents", json={"documents": documents})
        assert unknown.status_code == 404 and "news" in unknown.json()["error"]["message"]
        typo = client.post("/v1/monitor/news/documents", json={"document": documents})
        assert typo.status_code == 422


def test_a_restarted_monitor_counts_the_stored_history(tmp_path: Path) -> None:
    config = config_from_dict({"name": "r", "database": f"sqlite:///{tmp_path / 'r.db'}",
                               "cashtags": True, "channels": [],
                               "rules": [{"name": "surge", "min_negative": 3}]})
    texts = ["$ACME fell on weak sales", "$ACME fraud charges filed", "$ACME fell again today"]
    first = Monitor(config, analyzer=_keyword_analyser, summarize_alerts=False)
    assert first.ingest([Document(f"d{i}", T0 + timedelta(minutes=i), t, "")
                         for i, t in enumerate(texts[:2])]) == []
    first.close()
    second = Monitor(config, analyzer=_keyword_analyser, summarize_alerts=False)
    fired = second.ingest([Document("d2", T0 + timedelta(minutes=5), texts[2], "")])
    second.close()
    assert [(a.key, a.figures.negative) for a in fired] == [("$ACME", 3)]


def test_the_cli_prints_the_example_and_checks_a_config(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from lepton_ai.cli.main import app

    runner = CliRunner()
    example = runner.invoke(app, ["monitor", "example"])
    assert example.exit_code == 0 and "name: fin-news" in example.output
    (tmp_path / "ok.yaml").write_text(example.output, encoding="utf-8")
    checked = runner.invoke(app, ["monitor", "check", str(tmp_path / "ok.yaml")])
    assert checked.exit_code == 0 and "2 watched names + cashtags" in checked.output
    (tmp_path / "typo.yaml").write_text("name: m\nrules: [{name: r, cooldown: 5}]\n")
    typo = runner.invoke(app, ["monitor", "check", str(tmp_path / "typo.yaml")])
    assert typo.exit_code != 0 and "LAI-E1101" in typo.output
    assert "cooldown_minutes" in typo.output


def test_topics_can_come_from_a_trained_classifier_beside_the_config(
        tmp_path: Path, tiny_encoder_dir: Path, tmp_cache: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from lepton_ai.settings import settings
    from lepton_ai.solutions.monitor.analysis import DocumentAnalyzer
    from lepton_ai.training.pipeline import train

    from .test_train_tiny import write_topics

    monkeypatch.setattr(settings, "show_progress", False)
    train(write_topics(tmp_path / "topics.csv"), base=tiny_encoder_dir,
          out=tmp_path / "topic-model", method="head")
    config = config_from_dict({"name": "t", "analysis": {
        "tasks": ["topic"], "topic_model": "topic-model"}})
    analyzer = DocumentAnalyzer(config.analysis, WatchList([], cashtags=True), tmp_path)
    found = analyzer(["stocks fell at the bank", "the cat sat on the mat $CAT"])
    assert [a.topic for a in found] == ["market", "pets"]
    assert found[1].watched == ("$CAT",) and found[0].sentiment is None


def test_standard_input_is_read_as_json_lines() -> None:
    import io

    stream = io.StringIO('{"id": "a", "time": "2026-11-02T09:00:00Z", "text": "one"}\n\n'
                         '{"id": "b", "time": 1793610000, "text": "two"}\n')
    reader = DocumentReader(InputConfig(path="-"), stdin=stream)
    with pytest.warns(LeptonWarning, match="LAI-W1101.*standard input.*time not readable"):
        documents = _read_all(reader)
    assert [d.id for d in documents] == ["a"]  # ISO times expected; "b" is counted


def test_the_retention_keeps_the_streams_own_window(tmp_path: Path) -> None:
    store = MonitorStore(f"sqlite:///{tmp_path / 'r.db'}", "r")
    store.write([_row("old", -60 * 24 * 40), _row("new")], [])
    assert store.prune(30) == 1 and store.count() == 1  # 30 days before the newest
    assert store.prune(None) == 0
    store.close()


def test_alerts_go_by_email_through_a_real_smtp_server(monkeypatch: pytest.MonkeyPatch) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Sink

    class Inbox(Sink):
        messages: ClassVar[list[bytes]] = []

        async def handle_DATA(self, server: object, session: object,  # noqa: N802
                              envelope: object) -> str:
            type(self).messages.append(envelope.content)  # type: ignore[attr-defined]
            return "250 OK"

    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        dispatcher = channels_module.Dispatcher(config_from_dict({"name": "m", "channels": [{
            "kind": "email", "smtp_host": "127.0.0.1", "smtp_port": port, "starttls": False,
            "sender": "monitor@example.com", "recipients": ["risk@example.com"]}]}).channels)
        dispatcher.send(_alert())
        dispatcher.close()
    finally:
        controller.stop()
    (message,) = Inbox.messages
    assert b"Subject: [m] s: entity '$X'" in message and b'"negative": 3' in message
    assert dispatcher.sent == 1


def test_the_prometheus_channel_counts_alerts() -> None:
    from lepton_ai.solutions.monitor.counters import ALERTS_TOTAL

    counter = ALERTS_TOTAL.labels("m", "s", "entity")
    before = counter._value.get()
    channels_module.PrometheusChannel().send(_alert())
    assert counter._value.get() == before + 1


def test_served_trends_and_the_documents_behind_a_key(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from lepton_ai.serve import ServeConfig, build_app

    config = config_from_dict({"name": "news", "database": f"sqlite:///{tmp_path / 'n.db'}",
                               "cashtags": True, "channels": [], "rules": []})
    monitor = Monitor(config, analyzer=_keyword_analyser, summarize_alerts=False)
    with TestClient(build_app(ServeConfig(warm=False))) as client:
        client.app.state.lai.monitors["news"] = monitor
        documents = [{"id": f"d{i}", "time": (T0 + timedelta(hours=i)).isoformat(),
                      "text": f"$ACME fell {i}0% on fraud claims" if i % 2 else
                      f"$BOLT rose {i}% after results"} for i in range(5)]
        documents.append({"id": "d9", "time": (T0 + timedelta(hours=9)).isoformat(),
                          "text": "$ACME fell again on fraud claims"})
        assert client.post("/v1/monitor/news/documents",
                           json={"documents": documents}).status_code == 200
        top = client.get("/v1/monitor/news/top", params={"by": "entity"}).json()
        assert sorted((row["key"], row["volume"]) for row in top["data"]) == [
            ("$ACME", 3), ("$BOLT", 3)]
        acme = next(row for row in top["data"] if row["key"] == "$ACME")
        assert acme["negative"] == 3
        timeline = client.get("/v1/monitor/news/timeline", params={
            "key": "$ACME", "bucket": "hour"}).json()["data"]
        assert [row["volume"] for row in timeline] == [1, 1, 1]
        assert all(row["negative_share"] == 1.0 for row in timeline)
        assert [row["start"][11:16] for row in timeline] == ["10:00", "12:00", "18:00"]
        (day,) = client.get("/v1/monitor/news/timeline", params={"key": "$ACME"}).json()["data"]
        assert (day["start"], day["volume"]) == ("2026-11-02T00:00:00+00:00", 3)
        behind = client.get("/v1/monitor/news/documents", params={"key": "$ACME"}).json()
        assert [d["id"] for d in behind["data"]] == ["d9", "d3", "d1"]  # newest first
        assert behind["data"][0]["text"] == "$ACME fell again on fraud claims"
        assert client.get("/v1/monitor/news/documents", params={
            "key": "$ACME", "limit": 1}).json()["data"][0]["id"] == "d9"
        bad = client.get("/v1/monitor/news/top", params={"by": "people"})
        assert bad.status_code == 422
        missing = client.get("/v1/monitor/nope/top")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "LAI-E1105"
