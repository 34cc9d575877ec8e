"""Questions members hand over to CUF's staff, and the staff's replies (SQLite).

A member presses « Poser la question à l'équipe CUF » under a refusal or after a
👎; the question goes to the staff chat (``CUF_STAFF_CHAT_ID``) and a row here
remembers which staff-chat message carries it. A staff member's reply to that
message is sent back to the member. Everything is in SQLite, so a restart loses
nothing; each step is logged (keyed by the handoff's number, never the text).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS handoffs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    member_chat_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    answer_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    language TEXT NOT NULL,
    staff_chat_id TEXT,
    staff_message_id INTEGER,
    created_at TEXT NOT NULL,
    answered_at TEXT,
    UNIQUE (member_chat_id, answer_id)
);
CREATE INDEX IF NOT EXISTS handoffs_staff_message ON handoffs (staff_chat_id, staff_message_id);
CREATE INDEX IF NOT EXISTS handoffs_user ON handoffs (user_id, created_at);
"""


@dataclass(frozen=True)
class Handoff:
    """One question handed over to the staff."""

    id: int
    member_chat_id: str
    user_id: int
    answer_id: int
    question: str
    language: str
    staff_chat_id: str | None
    staff_message_id: int | None
    created_at: str
    answered_at: str | None


class HandoffStore:
    """The handoffs, by member chat and by the staff-chat message that carries them."""

    def __init__(self, database_path: Path) -> None:
        # Its own sqlite3 connections on the state file: the port of this table to
        # SQLAlchemy and Alembic is left to the merge.
        self._path = database_path
        with self._transaction() as connection:
            connection.executescript(_SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = sqlite3.connect(self._path, timeout=30)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA secure_delete=ON")
        try:
            with connection:
                yield connection
        finally:
            connection.close()

    def open(
        self,
        member_chat_id: str,
        user_id: int,
        answer_id: int,
        question: str,
        language: str,
        now: datetime,
    ) -> tuple[Handoff, bool]:
        """Record a handoff; returns it and whether it is new (one per answer and chat)."""
        with self._transaction() as connection:
            inserted = connection.execute(
                "INSERT OR IGNORE INTO handoffs (member_chat_id, user_id, answer_id, question, "
                "language, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (member_chat_id, user_id, answer_id, question, language, now.isoformat()),
            ).rowcount
            row = connection.execute(
                "SELECT * FROM handoffs WHERE member_chat_id = ? AND answer_id = ?",
                (member_chat_id, answer_id),
            ).fetchone()
        handoff = _handoff(row)
        if inserted:
            logger.info("handoff %s opened", handoff.id)
        return handoff, bool(inserted)

    def forwarded(self, handoff_id: int, staff_chat_id: str, staff_message_id: int) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE handoffs SET staff_chat_id = ?, staff_message_id = ? WHERE id = ?",
                (staff_chat_id, staff_message_id, handoff_id),
            )
        logger.info("handoff %s forwarded to the staff chat", handoff_id)

    def cancel(self, handoff_id: int) -> None:
        """Forget a handoff that could not be forwarded (the member may try again)."""
        with self._transaction() as connection:
            connection.execute("DELETE FROM handoffs WHERE id = ?", (handoff_id,))
        logger.info("handoff %s cancelled: the staff chat could not be reached", handoff_id)

    def by_staff_message(self, staff_chat_id: str, staff_message_id: int) -> Handoff | None:
        with self._transaction() as connection:
            row = connection.execute(
                "SELECT * FROM handoffs WHERE staff_chat_id = ? AND staff_message_id = ?",
                (staff_chat_id, staff_message_id),
            ).fetchone()
        return _handoff(row) if row else None

    def answered(self, handoff_id: int, now: datetime) -> None:
        with self._transaction() as connection:
            connection.execute(
                "UPDATE handoffs SET answered_at = COALESCE(answered_at, ?) WHERE id = ?",
                (now.isoformat(), handoff_id),
            )
        logger.info("handoff %s: staff reply sent to the member", handoff_id)

    def count_since(self, user_id: int, since: datetime) -> int:
        """Handoffs opened by ``user_id`` since ``since`` (the rate limit)."""
        with self._transaction() as connection:
            rows = connection.execute(
                "SELECT created_at FROM handoffs WHERE user_id = ?", (user_id,)
            ).fetchall()
        return sum(datetime.fromisoformat(row[0]) >= since for row in rows)

    def allowed(self, user_id: int, now: datetime, per_day: int) -> bool:
        return self.count_since(user_id, now - timedelta(days=1)) < per_day

    def forget(self, chat_id: str) -> None:
        """Erase the handoffs of a member's chat (``/oublier``)."""
        with self._transaction() as connection:
            connection.execute("DELETE FROM handoffs WHERE member_chat_id = ?", (chat_id,))


def _handoff(row: sqlite3.Row) -> Handoff:
    return Handoff(**{key: row[key] for key in row.keys()})  # noqa: SIM118
