"""Conversation memory in a real SQLite file: a window of turns per chat that expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from answering_helpers import MONDAY_9AM, PARIS

from bot.conversation import ConversationStore, Turn
from bot.storage import Database


def turn(number: int, at: datetime) -> Turn:
    return Turn(f"question {number}", f"standalone {number}", f"answer {number}", at)


def store(tmp_path: Path, max_turns: int = 6, ttl_minutes: int = 30) -> ConversationStore:
    return ConversationStore(Database(tmp_path / "cuf.sqlite3"), max_turns, ttl_minutes)


def test_recent_returns_the_last_turns_oldest_first(tmp_path: Path) -> None:
    conversations = store(tmp_path, max_turns=3)
    for number in range(1, 6):
        conversations.record("chat", turn(number, MONDAY_9AM + timedelta(minutes=number)))

    recent = conversations.recent("chat", MONDAY_9AM + timedelta(minutes=6))

    assert [t.question for t in recent] == ["question 3", "question 4", "question 5"]
    assert recent[-1] == Turn(
        "question 5", "standalone 5", "answer 5", MONDAY_9AM + timedelta(minutes=5)
    )


def test_turns_beyond_the_window_are_deleted_not_just_hidden(tmp_path: Path) -> None:
    store(tmp_path, max_turns=2).record("chat", turn(1, MONDAY_9AM))
    small = store(tmp_path, max_turns=2)
    small.record("chat", turn(2, MONDAY_9AM))
    small.record("chat", turn(3, MONDAY_9AM))

    wide = store(tmp_path, max_turns=10)  # same file, larger window

    assert [t.question for t in wide.recent("chat", MONDAY_9AM)] == ["question 2", "question 3"]


def test_turns_expire_after_the_ttl(tmp_path: Path) -> None:
    conversations = store(tmp_path, ttl_minutes=30)
    conversations.record("chat", turn(1, MONDAY_9AM))
    conversations.record("chat", turn(2, MONDAY_9AM + timedelta(minutes=10)))

    at_30 = conversations.recent("chat", MONDAY_9AM + timedelta(minutes=30))
    at_31 = conversations.recent("chat", MONDAY_9AM + timedelta(minutes=31))
    at_41 = conversations.recent("chat", MONDAY_9AM + timedelta(minutes=41))

    assert [t.question for t in at_30] == ["question 1", "question 2"]
    assert [t.question for t in at_31] == ["question 2"]
    assert at_41 == []


def test_ttl_counts_real_minutes_across_the_daylight_saving_change(tmp_path: Path) -> None:
    # 30 March 2025: Paris clocks jump from 02:00 to 03:00.
    conversations = store(tmp_path, ttl_minutes=30)
    before = datetime(2025, 3, 30, 1, 50, tzinfo=PARIS)
    conversations.record("chat", turn(1, before))

    twenty_minutes_later = datetime(2025, 3, 30, 3, 10, tzinfo=PARIS)
    forty_minutes_later = datetime(2025, 3, 30, 3, 30, tzinfo=PARIS)

    assert twenty_minutes_later.astimezone(UTC) - before.astimezone(UTC) == timedelta(minutes=20)
    assert [t.question for t in conversations.recent("chat", twenty_minutes_later)] == [
        "question 1"
    ]
    assert conversations.recent("chat", forty_minutes_later) == []


def test_chats_are_kept_apart(tmp_path: Path) -> None:
    conversations = store(tmp_path)
    conversations.record("alice", turn(1, MONDAY_9AM))
    conversations.record("bob", turn(2, MONDAY_9AM))

    assert [t.question for t in conversations.recent("alice", MONDAY_9AM)] == ["question 1"]
    assert [t.question for t in conversations.recent("bob", MONDAY_9AM)] == ["question 2"]


def test_forget_erases_one_chat_only(tmp_path: Path) -> None:
    conversations = store(tmp_path)
    conversations.record("alice", turn(1, MONDAY_9AM))
    conversations.record("bob", turn(2, MONDAY_9AM))

    conversations.forget("alice")

    assert conversations.recent("alice", MONDAY_9AM) == []
    assert [t.question for t in store(tmp_path).recent("bob", MONDAY_9AM)] == ["question 2"]
