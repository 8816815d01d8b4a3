"""The assistant's parts on a tiny random encoder: sources, builds, updates, sessions,
hand-over rules, calibration, the conversation log and personal-data masking.

What the real models decide is tested in tests/integration/test_assistant_real.py.
"""

from __future__ import annotations

import json
import threading
import warnings
from pathlib import Path

import numpy as np
import pytest

from lepton_ai.errors import LeptonError, LeptonWarning
from lepton_ai.solutions.assistant import Assistant, KnowledgeBase, build_knowledge_base
from lepton_ai.solutions.assistant.build import LOCK
from lepton_ai.solutions.assistant.calibration import fit_logistic
from lepton_ai.solutions.assistant.conversation_log import ConversationLog
from lepton_ai.solutions.assistant.dialogue import ACTIONS
from lepton_ai.solutions.assistant.handoff import asks_for_person, is_angry
from lepton_ai.solutions.assistant.lexical import LexicalIndex, analyse
from lepton_ai.solutions.assistant.retrieval import HybridRetriever
from lepton_ai.solutions.assistant.session import SessionStore, is_follow_up
from lepton_ai.solutions.assistant.sources import chunk_document, read_documents, read_faq

FAQ = """question,answer,alternatives,category,human_only
How much is the annual card fee?,The standard card is free.,What does the card cost per year?|Yearly fee?,fees,
How do I reset my password?,Use Settings › Security.,I forgot my password,account,
How do I close my account?,An agent closes accounts.,I want to close my account,closure,yes
信用卡年费是多少？,普通卡免年费。,信用卡一年要交多少钱,fees,
"""


@pytest.fixture
def faq(tmp_path: Path) -> Path:
    path = tmp_path / "faq.csv"
    path.write_text(FAQ, encoding="utf-8")
    return path


pytestmark = pytest.mark.filterwarnings("ignore:.*LAI-W103")  # the tiny encoder's 16 tokens


@pytest.fixture
def kb(tmp_path: Path, faq: Path, tiny_encoder_dir: Path, tmp_cache: Path,
       quiet: None) -> Path:
    build_knowledge_base(tmp_path / "kb", faq=faq, model=str(tiny_encoder_dir))
    return tmp_path / "kb"


# ------------------------------------------------------------------ sources
def test_faq_columns_alternatives_and_flags_are_read(faq: Path) -> None:
    entries = read_faq(faq)
    assert [e.id for e in entries] == ["faq-1", "faq-2", "faq-3", "faq-4"]
    assert entries[0].alternatives == ("What does the card cost per year?", "Yearly fee?")
    assert entries[0].category == "fees" and entries[2].human_only and not entries[0].human_only


def test_a_faq_without_a_question_column_names_the_columns_found(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("prompt,answer\nhi,hello\n", encoding="utf-8")
    with pytest.raises(LeptonError) as caught:
        read_faq(path)
    assert caught.value.code == "LAI-E1002"
    assert "prompt, answer" in str(caught.value) and "question" in str(caught.value)


def test_duplicate_questions_with_different_answers_are_warned_and_both_kept(
        tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("id,question,answer\n7,Fee?,Free.\n7,fee?,10 EUR.\n", encoding="utf-8")
    with pytest.warns(LeptonWarning, match="LAI-W1001"):
        entries = read_faq(path)
    assert [e.id for e in entries] == ["7-1", "7-2"]


def test_markdown_chunks_remember_their_headings() -> None:
    text = "# Guide\n\nIntro.\n\n## Abroad\n\nFees abroad are 1%.\n\n## Lost card\n\nFreeze it."
    chunks = list(chunk_document(text, "guide"))
    assert chunks == [("guide › Guide", "Intro."), ("guide › Guide › Abroad",
                                                     "Fees abroad are 1%."),
                      ("guide › Guide › Lost card", "Freeze it.")]


def test_documents_of_each_kind_are_read_and_others_skipped(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nAlpha text.", encoding="utf-8")
    (docs / "b.html").write_text("<html><head><style>x{}</style></head><body><h2>B</h2>"
                                 "<p>Beta <b>text</b>.</p><script>no()</script></body></html>",
                                 encoding="utf-8")
    (docs / "c.txt").write_text("Gamma text.", encoding="utf-8")
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with (docs / "scan.pdf").open("wb") as handle:
        writer.write(handle)
    (docs / "image.png").write_bytes(b"\x89PNG")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        entries = read_documents(docs)
    codes = {str(w.message)[1:10] for w in caught}
    assert codes == {"LAI-W1002", "LAI-W1003"}
    by_source = {e.source: e for e in entries}
    assert set(by_source) == {"a.md", "b.html", "c.txt"}
    assert by_source["b.html"].question == "b › B" and by_source["b.html"].answer == "Beta text."


# ------------------------------------------------------------- build/update
def test_build_writes_a_versioned_base_and_update_embeds_only_what_changed(
        kb: Path, faq: Path) -> None:
    base = KnowledgeBase.load(kb)
    assert base.version == 1 and len(base.entries) == 4
    assert list(base.vectors) == ["all"]  # model= given: one space
    assert len(base.passages) == len(base.vectors["all"]) == 4 * 2 + 5  # q + a + alternatives
    faq.write_text(FAQ + "Where is my card?,It arrives in 5 days.,,cards,\n", encoding="utf-8")
    report = build_knowledge_base(kb, faq=faq, update=True)
    assert report.version == 2 and report.embedded == 2 and report.reused == 13
    history = KnowledgeBase.load(kb).manifest["history"]
    assert history[-1]["added"] == 1 and history[-1]["changed"] == 0


def test_update_keeps_the_sources_not_given_again(kb: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# Abroad\n\nFees abroad are 1%.", encoding="utf-8")
    report = build_knowledge_base(kb, docs=docs, update=True)
    assert report.entries == 5 and report.embedded == 1
    kinds = [e.kind for e in KnowledgeBase.load(kb).entries.values()]
    assert kinds.count("faq") == 4 and kinds.count("doc") == 1


@pytest.mark.parametrize(("call", "code"), [
    (lambda root: build_knowledge_base(root / "x"), "LAI-E1003"),
    (lambda root: build_knowledge_base(root / "x", update=True, faq=root / "faq.csv"),
     "LAI-E1001"),
    (lambda root: KnowledgeBase.load(root), "LAI-E1001"),
])
def test_building_or_loading_nothing_is_refused_with_a_code(tmp_path: Path, faq: Path,
                                                            call, code) -> None:
    with pytest.raises(LeptonError) as caught:
        call(tmp_path)
    assert caught.value.code == code


def test_a_second_build_of_one_base_at_a_time_is_refused(kb: Path, faq: Path) -> None:
    from filelock import FileLock

    with FileLock(str(kb / LOCK)), pytest.raises(LeptonError) as caught:
        build_knowledge_base(kb, faq=faq)
    assert caught.value.code == "LAI-E1004"


@pytest.mark.parametrize("damage", ["entries.jsonl", "vectors-all.npy", "kb.json"])
def test_a_damaged_base_file_gets_a_code(kb: Path, damage: str) -> None:
    (kb / damage).write_bytes(b"{not json or numpy")
    with pytest.raises(LeptonError) as caught:
        KnowledgeBase.load(kb)
    assert caught.value.code in ("LAI-E1011", "LAI-E606")


def test_a_base_from_a_newer_version_is_refused(kb: Path) -> None:
    manifest = json.loads((kb / "kb.json").read_text(encoding="utf-8"))
    (kb / "kb.json").write_text(json.dumps({**manifest, "format": 99}), encoding="utf-8")
    with pytest.raises(LeptonError) as caught:
        KnowledgeBase.load(kb)
    assert caught.value.code == "LAI-E1007"


# ---------------------------------------------------------------- retrieval
def test_lexical_terms_cover_both_languages() -> None:
    assert analyse("Resetting the passwords") == ["reset", "password"]
    assert {"信用卡", "年费"} <= set(analyse("信用卡年费"))
    index = LexicalIndex(["reset password", "信用卡年费", "unrelated words"])
    scores = index.scores("password resets")
    assert scores[0] > 0 and scores[1] == scores[2] == 0
    assert not index.scores("!!!").any()


def test_an_entry_scores_as_its_best_passage_and_modes_differ(kb: Path) -> None:
    base = KnowledgeBase.load(kb)
    lexical = HybridRetriever(base, "lexical").rank("I forgot my password", k=2)
    assert lexical[0].entry.id == "faq-2" and lexical[0].field == "alternative"
    with pytest.raises(LeptonError) as caught:
        HybridRetriever(base, "fuzzy")
    assert caught.value.code == "LAI-E1010"


def test_logistic_fit_recovers_the_direction_of_a_signal() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 1))
    y = (x[:, 0] + rng.normal(scale=0.5, size=400) > 0).astype(float)
    weights = fit_logistic(x, y)
    assert weights[0] > 2 and abs(weights[1]) < 0.5


# --------------------------------------------------------- sessions, rules
def test_sessions_are_created_for_unknown_ids_and_evicted_oldest_first() -> None:
    store = SessionStore(max_sessions=2)
    first = store.get("a")
    assert store.get("a") is first and store.get(None).id != "a"
    store.get("c")
    assert store.find("a") is None and len(store) == 2


@pytest.mark.parametrize(("message", "follows"), [
    ("and abroad?", True), ("What about premium cards?", True), ("那国外呢", True),
    ("fees?", True), ("How long does a transfer to Germany take?", False),
    ("我的信用卡什么时候寄到家里", False)])
def test_follow_ups_are_recognised(message: str, follows: bool) -> None:
    assert is_follow_up(message) is follows


@pytest.mark.parametrize(("message", "asks"), [
    ("I want to talk to a human", True), ("can I speak to an agent please", True),
    ("转人工", True), ("请帮我转接人工客服", True), ("a person stole my card", False),
    ("how do humans top up? no: how do I", False), ("What is the fee?", False),
    ("Operator please", True), ("put me through to someone", True),
    ("The human resources department pays me", False), ("我在学人工智能", False),
    ("the agent transfer service fee", False), ("my travel agent charged me", False)])
def test_requests_for_a_person_are_recognised(message: str, asks: bool) -> None:
    assert asks_for_person(message) is asks


def test_anger_needs_more_than_a_negative_problem() -> None:
    assert not is_angry("My card was stolen yesterday", "negative", 0.97)
    assert is_angry("This is ridiculous, my card was stolen", "negative", 0.9)
    assert is_angry("太离谱了，我要投诉", None, 0.0)  # a strong cue alone
    assert is_angry("WHERE IS MY MONEY?? answer me", None, 0.0)  # shouting + ??
    assert not is_angry("ridiculous how fast that was", "positive", 0.9)


@pytest.mark.parametrize(("message", "lang", "social"), [
    ("Thanks, that worked", "en", True), ("hi", "en", True), ("已经改好了，谢谢", "zh", True),
    ("好的，那信用卡年费多少", "zh", False), ("Okay, and will I get my money back?", "en", False),
    ("Thanks, and what is the transfer limit for business accounts?", "en", False)])
def test_greetings_and_thanks_are_not_searched(message: str, lang: str, social: bool) -> None:
    from lepton_ai.solutions.assistant.social import social_reply

    assert (social_reply(message, lang) is not None) is social


# ------------------------------------------------------------- the assistant
def test_a_reply_has_the_documented_fields_and_a_new_session(kb: Path) -> None:
    bot = Assistant(kb, log=False, sentiment=False)
    reply = bot.reply("I forgot my password")
    assert reply.action in ACTIONS
    assert reply.session and reply.turn_id and 0.0 <= reply.confidence <= 1.0
    assert set(reply.as_json()) >= {"answer", "citations", "confidence", "handoff"}


def test_asking_for_a_person_hands_over_with_a_summary_by_turns(kb: Path) -> None:
    bot = Assistant(kb, log=False, sentiment=False)
    bot.reply("I forgot my password, order 12345", session="s")
    reply = bot.reply("let me talk to a human", session="s")
    assert reply.handoff and reply.handoff_reason == "requested" and reply.action == "handoff"
    assert "Customer: I forgot my password, order 12345" in reply.summary
    assert "Customer: let me talk to a human" in reply.summary


def test_bad_messages_are_refused_with_codes(kb: Path) -> None:
    bot = Assistant(kb, log=False, sentiment=False)
    for message, code in (("", "LAI-E209"), ("x" * 5000, "LAI-E1006"), (None, "LAI-E201")):
        with pytest.raises(LeptonError) as caught:
            bot.reply(message)  # type: ignore[arg-type]
        assert caught.value.code == code


def test_feedback_is_checked_and_logged(kb: Path, tmp_path: Path) -> None:
    bot = Assistant(kb, log=f"sqlite:///{tmp_path / 'log.db'}", sentiment=False)
    reply = bot.reply("Yearly fee?", session="s")
    bot.feedback("s", reply.turn_id, rating=1, correct_entry="faq-1")
    for kwargs, code in (({"rating": 5}, "LAI-E1010"), ({"correct_entry": "faq-99"},
                                                         "LAI-E1009")):
        with pytest.raises(LeptonError) as caught:
            bot.feedback("s", reply.turn_id, **kwargs)
        assert caught.value.code == code
    with pytest.raises(LeptonError) as caught:
        bot.feedback("s", "no-such-turn", rating=1)
    assert caught.value.code == "LAI-E1005"
    assert bot.log is not None and bot.log.feedback(bot.name)[0]["correct_entry"] == "faq-1"
    bot.close()


def test_turns_of_many_threads_are_all_logged(kb: Path, tmp_path: Path) -> None:
    bot = Assistant(kb, log=f"sqlite:///{tmp_path / 'log.db'}", sentiment=False)
    threads = [threading.Thread(target=lambda n=n: [bot.reply("Yearly fee?", session=f"s{n}")
                                                    for _ in range(5)]) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert bot.log is not None and len(list(bot.log.turns(bot.name))) == 20
    bot.close()


# ------------------------------------------------------- log and masking
def test_personal_data_is_masked_before_it_is_stored(tmp_path: Path) -> None:
    log = ConversationLog(f"sqlite:///{tmp_path / 'log.db'}")
    log.write_turn({"id": "t1", "kb": "kb", "session": "s", "message":
                    "I'm ann@example.com, card 4111 1111 1111 1111, call +44 20 7946 0958",
                    "reply": "ok", "action": "answer", "confidence": 0.9, "handoff": False})
    stored = next(log.turns("kb"))["message"]
    assert stored == "I'm [EMAIL_ADDRESS], card [CREDIT_CARD], call [PHONE_NUMBER]"
    # The database and its write-ahead log (SQLite files run in WAL mode).
    raw = b"".join(path.read_bytes() for path in tmp_path.glob("log.db*"))
    assert (tmp_path / "log.db-wal").exists()
    assert b"ann@example.com" not in raw and b"4111 1111" not in raw
    assert b"lepton_assistant_version" in raw  # the schema came from the migrations


def test_retention_deletes_old_turns(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    log = ConversationLog(f"sqlite:///{tmp_path / 'log.db'}", retention_days=30)
    row = {"kb": "kb", "session": "s", "message": "m", "reply": "r", "action": "answer",
           "confidence": 0.5, "handoff": False}
    log.write_turn({**row, "id": "old", "created_at": datetime.now(UTC) - timedelta(days=40)})
    log.write_turn({**row, "id": "new"})
    assert log.prune() == 1 and [t["id"] for t in log.turns("kb")] == ["new"]


def test_an_unreachable_database_queues_turns_and_loses_none(tmp_path: Path) -> None:
    later = tmp_path / "later"
    log = ConversationLog(f"sqlite:///{later / 'log.db'}")  # the folder does not exist yet
    row = {"kb": "kb", "session": "s", "message": "m", "reply": "r", "action": "answer",
           "confidence": 0.5, "handoff": False}
    with pytest.warns(LeptonWarning, match="LAI-W1004"):
        log.write_turn({**row, "id": "t1"})
    assert log.pending == 1
    later.mkdir()
    log.write_turn({**row, "id": "t2"})
    assert log.pending == 0 and [t["id"] for t in log.turns("kb")] == ["t1", "t2"]


def test_an_intent_model_answers_when_surer_and_must_share_the_categories(
        kb: Path, tmp_path: Path, tiny_encoder_dir: Path) -> None:
    import csv

    from lepton_ai.training.pipeline import train

    rows = [("yearly fee card cost", "fees"), ("annual fee price", "fees"),
            ("password forgot reset", "account"), ("login password lost", "account"),
            ("close account delete", "closure"), ("shut my account", "closure")] * 8
    data = tmp_path / "intents.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("text", "label"), *rows])
    train(data, base=tiny_encoder_dir, out=tmp_path / "intents", method="head")
    bot = Assistant(kb, log=False, sentiment=False, intent_model=tmp_path / "intents")
    ranked, sure = bot.candidates("annual fee price")
    assert ranked and 0.0 <= sure <= 1.0
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("text", "label"), *[(t, "x" + name) for t, name in rows]])
    train(data, base=tiny_encoder_dir, out=tmp_path / "other", method="head")
    with pytest.raises(LeptonError) as caught:
        Assistant(kb, log=False, sentiment=False, intent_model=tmp_path / "other")
    assert caught.value.code == "LAI-E1012"
