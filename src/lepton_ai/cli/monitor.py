"""``lai monitor``: run a monitor over a stream, read its alerts and its numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from lepton_ai.cli.common import app, coded_errors, console

if TYPE_CHECKING:
    pass

monitor_app = typer.Typer(
    help="Monitoring: stream documents into a database, follow names, alert on surges.",
    no_args_is_help=True)
app.add_typer(monitor_app, name="monitor")

ConfigArg = Annotated[Path, typer.Argument(help="The monitor's YAML config (lai monitor example).")]
DaysOpt = Annotated[float, typer.Option("--days", help="How far back, from the newest document.")]


@monitor_app.command("example")
def example() -> None:
    """Print a complete, commented config to start from."""
    typer.echo((Path(__file__).parents[1] / "solutions/monitor/example.yaml").read_text(
        encoding="utf-8"), nl=False)


@monitor_app.command("check")
@coded_errors
def check(config: ConfigArg) -> None:
    """Check a config without running it."""
    from lepton_ai.solutions.monitor import load_config

    loaded = load_config(config)
    console.print(f"[green]ok[/] {loaded.name}: input {loaded.input.path}, "
                  f"{len(loaded.watch)} watched names{' + cashtags' if loaded.cashtags else ''}"
                  f", {len(loaded.rules)} rules, channels "
                  f"{', '.join(c.kind for c in loaded.channels)}; database "
                  f"{loaded.database_url(config.resolve().parent)}")


@monitor_app.command("run")
@coded_errors
def run(
    config: ConfigArg,
    follow: Annotated[bool | None, typer.Option(
        "--follow/--no-follow", help="Keep reading as the file grows (overrides the config).")
    ] = None,
    metrics_port: Annotated[int | None, typer.Option(
        "--metrics-port", help="Serve Prometheus metrics on 127.0.0.1:PORT/metrics.")] = None,
) -> None:
    """Read the configured input (from where the last run stopped), analyse, store, alert."""
    from rich.live import Live

    from lepton_ai.solutions.monitor import Monitor, load_config

    loaded = load_config(config)
    if follow is not None:
        loaded = loaded.model_copy(update={
            "input": loaded.input.model_copy(update={"follow": follow})})
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr="127.0.0.1")
    monitor = Monitor(loaded, config.resolve().parent)
    try:
        with Live(console=console, refresh_per_second=2, transient=False) as live:
            stats = monitor.run(progress=lambda s: live.update(_progress_line(s)))
    except KeyboardInterrupt:
        stats = monitor.stats
        console.print("[yellow]stopped[/]: the next run goes on from the stored checkpoint")
    finally:
        monitor.close()
    console.print(f"[green]done[/] {json.dumps(stats.as_dict())}")


def _progress_line(stats: object) -> str:
    numbers = stats.as_dict()  # type: ignore[attr-defined]
    return (f"{numbers['documents']:,} documents ({numbers['reposts']:,} reposts), "
            f"{numbers['documents_per_second']}/s, {numbers['alerts']} alerts, "
            f"{numbers['skipped_rows']} rows skipped")


@monitor_app.command("alerts")
@coded_errors
def alerts(
    config: ConfigArg,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines with the evidence.")
                       ] = False,
) -> None:
    """The alerts a monitor raised, oldest first."""
    from lepton_ai.solutions.monitor import MonitorStore, load_config

    loaded = load_config(config)
    store = MonitorStore(loaded.database_url(config.resolve().parent), loaded.name)
    found = store.alerts()
    if as_json:
        for alert in found:
            typer.echo(json.dumps(alert, ensure_ascii=False, default=str))
        return
    table = Table("fired at", "rule", "key", "negative / volume", "expected", "p", "key phrases")
    for alert in found:
        figures = alert["evidence"]["figures"]
        table.add_row(alert["fired_at"].isoformat(timespec="minutes"), alert["rule"],
                      f"{alert['kind']} {alert['key']}",
                      f"{figures['negative']} / {figures['volume']}",
                      f"{figures['expected_negative']:g}",
                      "" if figures["p_value"] is None else f"{figures['p_value']:.1e}",
                      ", ".join(alert["evidence"]["key_phrases"][:4]))
    console.print(table)


@monitor_app.command("top")
@coded_errors
def top(
    config: ConfigArg,
    by: Annotated[str, typer.Option("--by", help="entity, topic or source.")] = "entity",
    days: DaysOpt = 30.0,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 20,
) -> None:
    """The most mentioned watched names (or topics, sources) with their negative share."""
    from lepton_ai.solutions.monitor import MonitorStore, load_config

    loaded = load_config(config)
    store = MonitorStore(loaded.database_url(config.resolve().parent), loaded.name)
    since, until = store.span(days)
    table = Table(by, "mentions", "negative", "negative share")
    for key, volume, negative in store.top_keys(by, since, until, limit):
        table.add_row(key, f"{volume:,}", f"{negative:,}", f"{negative / volume:.1%}")
    console.print(table)


@monitor_app.command("timeline")
@coded_errors
def timeline(
    config: ConfigArg,
    key: Annotated[str, typer.Argument(help="The watched name (its id), topic or source.")],
    by: Annotated[str, typer.Option("--by", help="entity, topic or source.")] = "entity",
    bucket: Annotated[str, typer.Option("--bucket", help="minute, hour or day.")] = "day",
    days: DaysOpt = 30.0,
) -> None:
    """Volume, negative share and mean polarity of one key per bucket."""
    from lepton_ai.errors import E, LeptonError
    from lepton_ai.solutions.monitor import MonitorStore, load_config
    from lepton_ai.solutions.monitor.store import BUCKETS

    if bucket not in BUCKETS:
        raise LeptonError(E.E1102, path=config, problem=f"--bucket {bucket!r} is not one of "
                          "minute, hour, day", where="the command line")
    loaded = load_config(config)
    store = MonitorStore(loaded.database_url(config.resolve().parent), loaded.name)
    since, until = store.span(days)
    table = Table("from", "mentions", "negative share", "mean polarity")
    for row in store.timeline(by, key, since, until, BUCKETS[bucket]):
        table.add_row(row.start.isoformat(timespec="minutes"), str(row.volume),
                      f"{row.negative_share:.1%}", f"{row.mean_polarity:+.2f}")
    console.print(table)


@app.command("report")
@coded_errors
def report(
    data: Annotated[Path, typer.Argument(
        help="A monitor's YAML config (its database is read) or a CSV/JSONL/Parquet file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The HTML file to write.")
                   ] = Path("report.html"),
    by: Annotated[str, typer.Option("--by", help="Leaderboard of entity, topic or source.")
                  ] = "entity",
    time_column: Annotated[str, typer.Option(help="A file's time column.")] = "time",
    text_column: Annotated[str, typer.Option(help="A file's text column.")] = "text",
    time_format: Annotated[str, typer.Option(
        help="A file's time format: iso, unix or a strptime pattern.")] = "iso",
    topics: Annotated[int | None, typer.Option(
        "--topics", min=2, max=100, help="Topics to find (default: from the size).")] = None,
    title: Annotated[str, typer.Option(help="The report's title.")] = "Text analytics report",
    png: Annotated[bool, typer.Option("--png/--no-png", help="Also write the charts as PNG.")
                   ] = True,
) -> None:
    """A report of a collection: sentiment over time, leaderboard, topics, key phrases."""
    from rich.progress import Progress

    from lepton_ai.errors import E, LeptonError
    from lepton_ai.solutions.analytics import build_report, from_file, from_monitor, write_report

    if by not in ("entity", "topic", "source"):
        raise LeptonError(E.E1102, path=data, problem=f"--by {by!r} is not one of entity, "
                          "topic, source", where="the command line")
    if data.suffix.lower() in (".yaml", ".yml"):
        collection = from_monitor(data, by)
    else:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("analysing documents", total=None)
            collection = from_file(data, by, text_column=text_column, time_column=time_column,
                                   time_format=time_format,
                                   progress=lambda done, total: progress.update(
                                       task, completed=done, total=total))
    with console.status("finding topics and drawing charts…"):
        built = build_report(collection, title=title, topics=topics)
        written = write_report(built, out, png=png)
    console.print(f"[green]wrote[/] {out} ({built.documents:,} documents, "
                  f"{len(built.topics)} topics) and {len(written) - 1} files in "
                  f"{out.with_name(out.stem + '_files')}")
