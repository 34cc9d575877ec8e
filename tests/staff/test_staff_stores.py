"""The staff's state on SQLite and on PostgreSQL: handoffs, export of a chat, retention purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.answers import Answer
from bot.conversation import ConversationStore, Turn
from bot.db.schema import feedback_archive
from bot.feedback import FeedbackStore
from bot.staff.gaps import THUMBS_DOWN, collect
from bot.staff.handoff import HandoffStore
from bot.staff.privacy import export_chat, purge_older_than
from bot.storage import Database

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
MEMBER = 6_000_000_001  # Telegram user ids need more than 32 bits


def test_a_handoff_round_trip_survives_a_new_store(database_target: str | Path) -> None:
    store = HandoffStore(Database(database_target))
    handoff, new = store.open(str(MEMBER), MEMBER, 1, "Qui préside CUF ?", "fr", NOW)
    again, new_again = store.open(str(MEMBER), MEMBER, 1, "Qui préside CUF ?", "fr", NOW)
    assert new and not new_again and again.id == handoff.id
    other, _ = store.open(str(MEMBER), MEMBER, 2, "Et le siège ?", "fr", NOW)
    assert other.id > handoff.id
    store.forwarded(handoff.id, "-1002000000000", 5_000_000_000)

    reopened = HandoffStore(Database(database_target))  # a restart
    found = reopened.by_staff_message("-1002000000000", 5_000_000_000)
    assert found is not None and found.id == handoff.id and found.user_id == MEMBER
    assert found.question == "Qui préside CUF ?" and found.answered_at is None
    reopened.answered(handoff.id, NOW)
    reopened.answered(handoff.id, NOW + timedelta(hours=1))  # the first reply's time stays
    answered = reopened.by_staff_message("-1002000000000", 5_000_000_000)
    assert answered is not None and answered.answered_at == NOW.isoformat()
    assert reopened.count_since(MEMBER, NOW - timedelta(days=1)) == 2
    assert not reopened.allowed(MEMBER, NOW, per_day=2)
    reopened.cancel(other.id)
    assert reopened.allowed(MEMBER, NOW, per_day=2)
    reopened.forget(str(MEMBER))
    assert reopened.by_staff_message("-1002000000000", 5_000_000_000) is None
    assert reopened.count_since(MEMBER, NOW - timedelta(days=1)) == 0


def test_export_then_purge_on_either_database(database_target: str | Path) -> None:
    database = Database(database_target)
    conversations = ConversationStore(database, 6, 60 * 24 * 365)
    feedback = FeedbackStore(database)
    handoffs = HandoffStore(database)
    answer = Answer("CUF est une association.", answered=True)
    old = NOW - timedelta(days=200)
    for chat, user, moment in (("old", MEMBER, old), ("new", MEMBER + 1, NOW)):
        conversations.record(chat, Turn("Qui est CUF ?", "Qui est CUF ?", "…", moment))
        answer_id = feedback.record_answer(chat, "Qui est CUF ?", answer, moment)
        feedback.rate(answer_id, chat, user, -1, moment)
        handoffs.open(chat, user, answer_id, "Qui est CUF ?", "fr", moment)

    exported = export_chat(database, "old", MEMBER, NOW)["tables"]
    assert {"conversation_turns", "answer_log", "feedback", "handoffs"} <= set(exported)
    assert exported["feedback"][0]["user_id"] == MEMBER
    assert all(row["chat_id"] == "old" for row in exported["answer_log"])

    report = purge_older_than(database, NOW, 180)

    assert (report.conversation_turns, report.answers, report.ratings_archived) == (1, 1, 1)
    assert export_chat(database, "old", MEMBER, NOW)["tables"] == {}
    kept = export_chat(database, "new", MEMBER + 1, NOW)["tables"]
    assert {"conversation_turns", "answer_log", "feedback", "handoffs"} <= set(kept)
    with database.transaction() as connection:
        archived = connection.execute(
            select(feedback_archive.c.question, feedback_archive.c.rating)
        ).all()
    assert [tuple(row) for row in archived] == [("Qui est CUF ?", -1)]
    reasons = [gap.reason for gap in collect(database, old - timedelta(days=1))]
    assert reasons.count(THUMBS_DOWN) == 2
    assert purge_older_than(database, NOW, 180).answers == 0  # idempotent
