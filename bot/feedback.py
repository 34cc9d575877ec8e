"""The answers the bot gave and the 👍/👎 members left on them, for CUF's staff.

Each answer sent with buttons is recorded first; its id is what the buttons
carry (Telegram's callback data is limited to 64 bytes), so "📚 Sources" and
the ratings find the question, the answer and its sources again, in the same
chat only.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.answers import Answer, Source
from bot.storage import Database

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answer_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    answered INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sources TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS answer_log_chat ON answer_log (chat_id);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id INTEGER NOT NULL REFERENCES answer_log (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    rated_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
"""


@dataclass(frozen=True)
class LoggedAnswer:
    """An answer as it was sent to a chat."""

    id: int
    chat_id: str
    question: str
    text: str
    answered: bool
    kind: str
    sources: tuple[Source, ...]
    created_at: str


@dataclass(frozen=True)
class Rating:
    """One member's 👍 (+1) or 👎 (-1) on one answer."""

    answer_id: int
    chat_id: str
    user_id: int
    rating: int
    question: str
    answer: str
    rated_at: str


class FeedbackStore:
    """Answers sent (for the buttons under them) and the ratings they received."""

    def __init__(self, database: Database) -> None:
        self._database = database
        database.ensure_schema(_SCHEMA)

    def record_answer(self, chat_id: str, question: str, answer: Answer, now: datetime) -> int:
        """Remember an answer sent to ``chat_id``; returns the id its buttons carry."""
        sources = json.dumps([source.to_dict() for source in answer.sources], ensure_ascii=False)
        with self._database.transaction() as connection:
            cursor = connection.execute(
                "INSERT INTO answer_log (chat_id, question, answer, answered, kind, sources, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    chat_id,
                    question,
                    answer.text,
                    int(answer.answered),
                    answer.kind,
                    sources,
                    now.isoformat(),
                ),
            )
        answer_id = cursor.lastrowid
        assert answer_id is not None
        return answer_id

    def answer(self, answer_id: int, chat_id: str) -> LoggedAnswer | None:
        """The answer ``answer_id`` if it was sent to ``chat_id`` (else ``None``)."""
        with self._database.transaction() as connection:
            row = connection.execute(
                "SELECT * FROM answer_log WHERE id = ? AND chat_id = ?", (answer_id, chat_id)
            ).fetchone()
        return _logged(row) if row else None

    def rate(self, answer_id: int, chat_id: str, user_id: int, rating: int, now: datetime) -> bool:
        """Store (or change) a user's rating; False when the answer is unknown in this chat."""
        if rating not in (-1, 1):
            raise ValueError(f"rating must be -1 or 1, not {rating}")
        if self.answer(answer_id, chat_id) is None:
            return False
        with self._database.transaction() as connection:
            connection.execute(
                "INSERT INTO feedback (answer_id, user_id, rating, rated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(answer_id, user_id) DO UPDATE SET rating = excluded.rating, "
                "rated_at = excluded.rated_at",
                (answer_id, user_id, rating, now.isoformat()),
            )
        return True

    def ratings(self) -> list[Rating]:
        """Every rating with its question and answer, oldest first (for the staff)."""
        with self._database.transaction() as connection:
            rows = connection.execute(
                "SELECT f.answer_id, a.chat_id, f.user_id, f.rating, a.question, a.answer, "
                "f.rated_at FROM feedback f JOIN answer_log a ON a.id = f.answer_id "
                "ORDER BY f.rated_at, f.answer_id, f.user_id"
            ).fetchall()
        return [Rating(**dict(row)) for row in rows]

    def stats(self) -> dict[str, int]:
        """Figures for ``/stats``: answers sent, how many abstained, 👍 and 👎."""
        with self._database.transaction() as connection:
            answers = connection.execute(
                "SELECT COUNT(*) AS total, COALESCE(SUM(answered = 0), 0) AS unanswered, "
                "COUNT(DISTINCT chat_id) AS chats FROM answer_log"
            ).fetchone()
            votes = connection.execute(
                "SELECT COALESCE(SUM(rating = 1), 0) AS up, COALESCE(SUM(rating = -1), 0) AS down "
                "FROM feedback"
            ).fetchone()
        return {
            "answers": answers["total"],
            "unanswered": answers["unanswered"],
            "chats": answers["chats"],
            "thumbs_up": votes["up"],
            "thumbs_down": votes["down"],
        }

    def forget(self, chat_id: str) -> None:
        """Erase every answer sent to ``chat_id`` and the ratings on them."""
        with self._database.transaction() as connection:
            connection.execute("DELETE FROM answer_log WHERE chat_id = ?", (chat_id,))

    def forget_user(self, user_id: int) -> None:
        """Erase every rating ``user_id`` left, in any chat (groups included)."""
        with self._database.transaction() as connection:
            connection.execute("DELETE FROM feedback WHERE user_id = ?", (user_id,))


def _logged(row: sqlite3.Row) -> LoggedAnswer:
    return LoggedAnswer(
        id=row["id"],
        chat_id=row["chat_id"],
        question=row["question"],
        text=row["answer"],
        answered=bool(row["answered"]),
        kind=row["kind"],
        sources=tuple(Source(**item) for item in json.loads(row["sources"])),
        created_at=row["created_at"],
    )
