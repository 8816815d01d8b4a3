"""``lai assistant``: build a knowledge base, talk to it, read its report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from lepton_ai.cli.common import app, coded_errors, console

if TYPE_CHECKING:
    from lepton_ai.solutions.assistant import BuildReport, Reply

assistant_app = typer.Typer(
    help="Customer service over your FAQ and documents: build, chat, report.",
    no_args_is_help=True)
app.add_typer(assistant_app, name="assistant")

KbDir = Annotated[Path, typer.Argument(help="The knowledge-base folder.")]
FaqOpt = Annotated[Path | None, typer.Option(
    "--faq", help="FAQ table (CSV, TSV, JSONL, JSON, Parquet): question and answer "
    "columns; optional alternatives (|-separated), category, url, id, human_only.")]
DocsOpt = Annotated[Path | None, typer.Option(
    "--docs", help="Folder of Markdown, TXT, HTML or PDF documents.")]
SessionOpt = Annotated[str | None, typer.Option(
    "--session", help="Conversation id (default: a new one).")]
LogOpt = Annotated[str | None, typer.Option(
    "--log", help="The conversation log's database URL (default: KB/conversations.db).")]
IntentOpt = Annotated[Path | None, typer.Option(
    "--intent-model", help="A classifier from lai train whose labels are the FAQ categories.")]


def _print_build(report: BuildReport) -> None:
    console.print(
        f"[green]built[/] {report.path} version {report.version}: {report.entries} entries "
        f"({report.sources.faq_entries} FAQ, {report.sources.chunks} document chunks), "
        f"{report.passages} passages, {report.embedded} vectors computed, {report.reused} "
        f"reused, models {report.models}, {report.seconds:.1f}s")
    for space, calibration in report.calibration.items():
        if not calibration.get("prior"):
            console.print(
                f"self-test ({space}): {100 * calibration['hit_at_1']:.1f}% of "
                f"{calibration['examples']} FAQ phrasings find their own entry with that "
                "phrasing left out (what to expect from customers' wording)")
        else:
            console.print(f"[yellow]{space}: {calibration.get('note')}[/]: add alternative "
                          "phrasings (alternatives column) for a calibrated confidence.")


@assistant_app.command("build")
@coded_errors
def build(
    kb: KbDir, faq: FaqOpt = None, docs: DocsOpt = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Embedding model (default: English or multilingual by content).")
    ] = None,
    question_column: Annotated[str | None, typer.Option(help="FAQ question column.")] = None,
    answer_column: Annotated[str | None, typer.Option(help="FAQ answer column.")] = None,
) -> None:
    """Build the knowledge base KB from a FAQ table and/or a folder of documents."""
    from lepton_ai.solutions.assistant import build_knowledge_base

    _print_build(build_knowledge_base(kb, faq=faq, docs=docs, model=model,
                                      question_column=question_column,
                                      answer_column=answer_column))


@assistant_app.command("update")
@coded_errors
def update(kb: KbDir, faq: FaqOpt = None, docs: DocsOpt = None) -> None:
    """Update KB: re-read the sources given (the others stay), embed only what changed."""
    from lepton_ai.solutions.assistant import build_knowledge_base

    _print_build(build_knowledge_base(kb, faq=faq, docs=docs, update=True))


@assistant_app.command("show")
@coded_errors
def show(kb: KbDir) -> None:
    """What KB holds: version, model, counts, calibration and build history."""
    from lepton_ai.solutions.assistant import KnowledgeBase

    base = KnowledgeBase.load(kb)
    manifest = dict(base.manifest)
    history = manifest.pop("history", [])
    console.print_json(json.dumps(manifest, ensure_ascii=False))
    table = Table("version", "built at", "embedded", "added", "changed", "removed")
    for item in history[-10:]:
        table.add_row(*(str(item.get(key, "")) for key in
                        ("version", "built_at", "embedded", "added", "changed", "removed")))
    console.print(table)


def _print_reply(reply: Reply, as_json: bool) -> None:
    if as_json:
        console.print_json(json.dumps(reply.as_json(), ensure_ascii=False))
        return
    console.print(f"[bold]assistant[/] ({reply.action}, confidence {reply.confidence:.2f}): "
                  f"{reply.answer}", highlight=False)
    for citation in reply.citations:
        console.print(f"  [dim]source: {citation.id} — {citation.title}"
                      f"{' ' + citation.url if citation.url else ''}[/]", highlight=False)
    if reply.summary:
        console.print(f"[yellow]hand-over note for the agent:[/]\n{reply.summary}",
                      highlight=False)


@assistant_app.command("ask")
@coded_errors
def ask(
    kb: KbDir,
    message: Annotated[str, typer.Argument(help="The customer's message.")],
    session: SessionOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the whole reply as JSON.")
                       ] = False,
    intent_model: IntentOpt = None,
) -> None:
    """Send one message to KB and print the reply."""
    from lepton_ai.solutions.assistant import Assistant

    bot = Assistant(kb, intent_model=intent_model)
    try:
        _print_reply(bot.reply(message, session=session), as_json)
    finally:
        bot.close()


@assistant_app.command("chat")
@coded_errors
def chat(kb: KbDir, session: SessionOpt = None, intent_model: IntentOpt = None) -> None:
    """Talk to KB in the terminal (an empty line or Ctrl-D ends)."""
    from lepton_ai.errors import LeptonError
    from lepton_ai.solutions.assistant import Assistant

    with console.status("loading the knowledge base and models…"):
        bot = Assistant(kb, intent_model=intent_model)
        session_id = bot.sessions.get(session).id
    console.print(f"[dim]session {session_id}; an empty line ends[/]")
    try:
        while True:
            try:
                message = console.input("[bold cyan]you[/]: ")
            except EOFError:
                break
            if not message.strip():
                break
            try:
                _print_reply(bot.reply(message, session=session_id), as_json=False)
            except LeptonError as error:
                console.print(f"[red]{error.code}[/] {error}")
    finally:
        bot.close()


@assistant_app.command("report")
@coded_errors
def report(
    kb: KbDir,
    log: LogOpt = None,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Also write report.json, report.md and report.png here.")] = None,
    top: Annotated[int, typer.Option(help="Suggested FAQ entries to list.")] = 15,
) -> None:
    """Deflection and hand-over rates, and the unanswered questions grouped into
    suggested FAQ entries."""
    from lepton_ai.solutions.assistant.report import build_report, write_report

    result = build_report(kb, log=log)
    if not result.turns:
        console.print("no conversations logged yet")
        return
    console.print(f"{result.turns} turns in {result.conversations} conversations")
    console.print(f"answered (deflected): {result.answered_share:.1%} of turns; "
                  f"conversations handed over: {result.handed_over_share:.1%}")
    table = Table("action", "turns", "share")
    for action, count in result.actions.items():
        table.add_row(action, str(count), f"{count / result.turns:.1%}")
    console.print(table)
    if result.suggestions:
        listing = Table("suggested FAQ question (personal data masked)", "asked",
                        "also asked as")
        for suggestion in result.suggestions[:top]:
            listing.add_row(suggestion.question, str(suggestion.times),
                            "; ".join(suggestion.examples[:3]))
        console.print(listing)
    feedback = result.feedback
    console.print(f"feedback: {feedback['up']} up, {feedback['down']} down, "
                  f"{feedback['corrections']} corrections")
    if out is not None:
        written = write_report(result, out)
        console.print(f"[green]wrote[/] {', '.join(str(path) for path in written)}")


@assistant_app.command("learn")
@coded_errors
def learn(
    kb: KbDir,
    log: LogOpt = None,
    intent_model: IntentOpt = None,
) -> None:
    """Take feedback from the log into KB: corrected and confirmed messages become
    phrasings of their entries (and update --intent-model)."""
    from lepton_ai.solutions.assistant.learning import learn as learn_from_log

    result = learn_from_log(kb, log=log, intent_model=intent_model)
    console.print(f"{result.examples} examples from feedback, {result.new_phrasings} new "
                  f"phrasings; knowledge base version {result.version}")
    if result.intent_model:
        console.print(f"intent model {result.intent_model} updated: accuracy "
                      f"{result.intent_accuracy:.4f}")
