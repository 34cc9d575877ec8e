"""Per-chat conversation memory in the state database: a short window of recent turns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select

from bot.db.schema import conversation_turns as turns
from bot.storage import Database


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

    def recent(self, chat_id: str, now: datetime) -> list[Turn]:
        """The chat's unexpired turns, oldest first."""
        since = (now.astimezone(UTC) - self._ttl).isoformat()  # real minutes, not wall-clock
        with self._database.transaction() as connection:
            rows = connection.execute(
                select(
                    turns.c.question, turns.c.standalone_question, turns.c.answer, turns.c.asked_at
                )
                .where(turns.c.chat_id == chat_id, turns.c.asked_at >= since)
                .order_by(turns.c.id.desc())
                .limit(self._max_turns)
            ).all()
        return [
            Turn(row[0], row[1], row[2], datetime.fromisoformat(row[3])) for row in reversed(rows)
        ]

    def record(self, chat_id: str, turn: Turn) -> None:
        """Store a turn and drop what falls out of the window."""
        with self._database.transaction() as connection:
            connection.execute(
                insert(turns).values(
                    chat_id=chat_id,
                    asked_at=_utc(turn.asked_at),
                    question=turn.question,
                    standalone_question=turn.standalone_question,
                    answer=turn.answer,
                )
            )
            kept = (
                select(turns.c.id)
                .where(turns.c.chat_id == chat_id)
                .order_by(turns.c.id.desc())
                .limit(self._max_turns)
                .scalar_subquery()
            )
            connection.execute(
                delete(turns).where(turns.c.chat_id == chat_id, turns.c.id.not_in(kept))
            )

    def forget(self, chat_id: str) -> None:
        with self._database.transaction() as connection:
            connection.execute(delete(turns).where(turns.c.chat_id == chat_id))


def _utc(moment: datetime) -> str:
    """ISO text in UTC, so that stored times compare correctly as text across clock changes."""
    return moment.astimezone(UTC).isoformat()
