"""Per-chat conversation memory in SQLite: a short window of recent turns that expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.storage import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversation_turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL,
    asked_at TEXT NOT NULL,
    question TEXT NOT NULL,
    standalone_question TEXT NOT NULL,
    answer TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversation_turns_chat ON conversation_turns (chat_id, id);
"""


@dataclass(frozen=True)
class Turn:
    """One exchange; ``standalone_question`` is the question rewritten with its context."""

    question: str
    standalone_question: str
    answer: str
    asked_at: datetime


class ConversationStore:
    """Keeps the last ``max_turns`` exchanges of each chat for ``ttl_minutes``."""

    def __init__(self, database: Database, max_turns: int = 6, ttl_minutes: int = 30) -> None:
        self._database = database
        self._max_turns = max_turns
        self._ttl = timedelta(minutes=ttl_minutes)
        database.ensure_schema(_SCHEMA)

    def recent(self, chat_id: str, now: datetime) -> list[Turn]:
        """The chat's unexpired turns, oldest first."""
        since = (now.astimezone(UTC) - self._ttl).isoformat()  # real minutes, not wall-clock
        with self._database.transaction() as connection:
            rows = connection.execute(
                "SELECT question, standalone_question, answer, asked_at FROM conversation_turns"
                " WHERE chat_id = ? AND asked_at >= ? ORDER BY id DESC LIMIT ?",
                (chat_id, since, self._max_turns),
            ).fetchall()
        return [
            Turn(row[0], row[1], row[2], datetime.fromisoformat(row[3])) for row in reversed(rows)
        ]

    def record(self, chat_id: str, turn: Turn) -> None:
        """Store a turn and drop what falls out of the window."""
        with self._database.transaction() as connection:
            connection.execute(
                "INSERT INTO conversation_turns (chat_id, asked_at, question,"
                " standalone_question, answer) VALUES (?, ?, ?, ?, ?)",
                (
                    chat_id,
                    _utc(turn.asked_at),
                    turn.question,
                    turn.standalone_question,
                    turn.answer,
                ),
            )
            connection.execute(
                "DELETE FROM conversation_turns WHERE chat_id = ? AND id NOT IN"
                " (SELECT id FROM conversation_turns WHERE chat_id = ? ORDER BY id DESC LIMIT ?)",
                (chat_id, chat_id, self._max_turns),
            )

    def forget(self, chat_id: str) -> None:
        with self._database.transaction() as connection:
            connection.execute("DELETE FROM conversation_turns WHERE chat_id = ?", (chat_id,))


def _utc(moment: datetime) -> str:
    """ISO text in UTC, so that stored times compare correctly as text across clock changes."""
    return moment.astimezone(UTC).isoformat()
