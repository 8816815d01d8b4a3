"""The monitor's configuration: one YAML file, validated before anything runs.

Every section is a pydantic model that forbids unknown fields, so a typo
(``window_minute``) is an error naming the closest field, not a silently ignored
setting. ``docs/monitor.md`` has a complete, commented example; ``lai monitor
example`` prints it.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from lepton_ai.errors import E, LeptonError

#: What each document's analysis can include ("watched" is always on when names are).
ANALYSIS_TASKS = ("sentiment", "entities", "topic", "keywords")


class Section(BaseModel):
    """A config section: unknown fields are errors, values are checked."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Columns(Section):
    """Which input column holds each part of a document."""

    id: str = "id"
    time: str = "time"
    text: str = "text"
    source: str = "source"


class InputConfig(Section):
    """Where documents come from: a CSV/JSONL file (optionally followed as it grows)
    or ``-`` for standard input (JSON lines)."""

    path: str = "-"
    format: Literal["auto", "csv", "jsonl"] = "auto"
    follow: bool = Field(False, description="Keep reading as the file grows (tail -f).")
    poll_seconds: float = Field(1.0, gt=0, le=60)
    columns: Columns = Columns()
    time_format: str = Field(
        "iso", description="'iso' (ISO 8601), 'unix' (seconds) or a strptime pattern.")
    timezone: str = Field("UTC", description="The zone of times that carry none.")


class WatchedName(Section):
    """A name to follow, with the other ways people write it."""

    name: str = Field(min_length=1)
    aliases: list[str] = []
    id: str | None = None


class AnalysisConfig(Section):
    """What is worked out for each document (in one batched ``lai.analyze`` pass)."""

    tasks: list[Literal["sentiment", "entities", "topic", "keywords"]] = [
        "sentiment", "entities"]
    topics: list[str] | dict[str, str] | None = None
    topic_model: str | None = Field(
        None, description="A classifier folder from lai train whose labels are the topics "
        "(instead of zero-shot over topics); relative to the config's folder.")
    sentiment_domain: Literal["general", "finance", "reviews", "social"] | None = Field(
        None, description="The default sentiment model for this kind of text.")
    sentiment_model: str | None = Field(
        None, description="A sentiment model name (lai models) or a trained folder.")
    keywords_per_document: int = Field(5, ge=1, le=20)
    batch_size: int = Field(256, ge=1, le=4096, description="Documents read, analysed and "
                            "stored together at most.")

    @model_validator(mode="after")
    def _topics_with_topic_task(self) -> AnalysisConfig:
        if "topic" in self.tasks and not (self.topics or self.topic_model):
            raise ValueError("the topic task needs analysis.topics (your label names) or "
                             "analysis.topic_model (a trained classifier folder)")
        return self


class DedupConfig(Section):
    """Near-duplicate reposts (MinHash over character shingles) are stored once."""

    enabled: bool = True
    threshold: float = Field(0.8, gt=0, le=1, description="Estimated Jaccard similarity.")
    horizon_hours: float = Field(72, gt=0, description="How far back a repost is looked for.")


class RuleConfig(Section):
    """One alert rule. ``kind``:

    - ``surge``: more negative documents in the window than the key's rolling baseline
      rate makes plausible (one-sided Poisson test, p < ``p_value``);
    - ``share``: the window's negative share significantly above the baseline share
      (one-sided binomial test, p < ``p_value``);
    - ``threshold``: the negative share at least ``negative_share``.

    All need at least ``min_negative`` negative and ``min_volume`` documents in the
    window; an alert for the same rule and key waits ``cooldown_minutes``.
    """

    name: str = Field(min_length=1)
    kind: Literal["surge", "share", "threshold"] = "surge"
    by: Literal["entity", "topic", "source", "all"] = "entity"
    window_minutes: float = Field(60, gt=0)
    baseline_days: float = Field(7, gt=0)
    min_baseline_per_day: float = Field(
        1.0, ge=0, description="surge: the rate assumed when a key's history is thinner.")
    p_value: float = Field(1e-4, gt=0, lt=1)
    negative_share: float = Field(0.6, gt=0, le=1)
    min_negative: int = Field(3, ge=1)
    min_volume: int = Field(1, ge=1)
    cooldown_minutes: float = Field(360, ge=0)


class ChannelConfig(Section):
    """Where alerts go: ``log``, ``webhook`` (JSON POST, HMAC-SHA256 signed with the
    secret in the environment variable ``secret_env``), ``email`` (SMTP) or
    ``prometheus`` (a counter; ``lai monitor run --metrics-port``)."""

    kind: Literal["log", "webhook", "email", "prometheus"]
    url: str | None = None
    secret_env: str | None = None
    timeout_seconds: float = Field(5.0, gt=0, le=120)
    retries: int = Field(3, ge=0, le=10)
    smtp_host: str | None = None
    smtp_port: int = 587
    starttls: bool = True
    username_env: str | None = None
    password_env: str | None = None
    sender: str | None = None
    recipients: list[str] = []

    @model_validator(mode="after")
    def _needs(self) -> ChannelConfig:
        if self.kind == "webhook" and not self.url:
            raise ValueError("a webhook channel needs url")
        if self.kind == "email" and not (self.smtp_host and self.sender and self.recipients):
            raise ValueError("an email channel needs smtp_host, sender and recipients")
        return self


class MonitorConfig(Section):
    """A whole monitor: its input, analysis, watched names, storage, rules, channels."""

    name: str = Field(min_length=1, max_length=200, pattern=r"^[\w.-]+$")
    database: str | None = Field(
        None, description="A SQLAlchemy URL; default sqlite:///NAME.db beside the config.")
    retention_days: float | None = Field(None, gt=0)
    mask_personal_data: bool = True
    lang: Literal["en", "zh"] | None = None
    input: InputConfig = InputConfig()
    analysis: AnalysisConfig = AnalysisConfig()
    watch: list[WatchedName] = []
    cashtags: bool = Field(False, description="Every $TICKER is a watched name.")
    dedup: DedupConfig = DedupConfig()
    rules: list[RuleConfig] = []
    channels: list[ChannelConfig] = [ChannelConfig(kind="log")]
    buffer_limit: int = Field(
        10_000, ge=1, description="Documents held in memory while the database is away.")

    def database_url(self, folder: Path) -> str:
        """The configured URL, or a SQLite file named after the monitor in ``folder``."""
        return self.database or f"sqlite:///{(folder / f'{self.name}.db').resolve()}"


def load_config(path: str | Path) -> MonitorConfig:
    """Read and check a YAML (or JSON) config; LAI-E1101/E1102/E1103 name the fix."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise LeptonError(E.E1103, path=path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise LeptonError(E.E1102, path=path, problem=f"not YAML ({error})",
                          where="the file") from None
    return config_from_dict(data, source=str(path))


def config_from_dict(data: Any, source: str = "passed in") -> MonitorConfig:
    """Check ``data`` (a mapping, as read from YAML) and build the config."""
    if not isinstance(data, dict):
        raise LeptonError(E.E1102, path=source, problem="it must be a mapping of fields",
                          where="the top level")
    try:
        return MonitorConfig.model_validate(data)
    except ValidationError as error:
        raise _explained(error, source) from None


def _explained(error: ValidationError, source: str) -> LeptonError:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "the top level"
    if first["type"] == "extra_forbidden":
        field = str(first["loc"][-1])
        allowed = _fields_at(first["loc"][:-1])
        close = difflib.get_close_matches(field, allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return LeptonError(E.E1101, path=source, field=field, where=where, hint=hint,
                           allowed=", ".join(allowed))
    return LeptonError(E.E1102, path=source, problem=first["msg"], where=where)


def _fields_at(location: tuple[Any, ...]) -> list[str]:
    """The field names of the section at ``location`` (list indexes skipped)."""
    model: type[BaseModel] = MonitorConfig
    for part in location:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[str(part)].annotation
        inner = getattr(annotation, "__args__", None) or (annotation,)
        model = next(t for t in inner if isinstance(t, type) and issubclass(t, BaseModel))
    return list(model.model_fields)
