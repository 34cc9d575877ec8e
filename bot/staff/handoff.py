"""Questions members hand over to CUF's staff, and the staff's replies (the state database).

A member presses « Poser la question à l'équipe CUF » under a refusal or after a
👎; the question goes to the staff chat (``CUF_STAFF_CHAT_ID``) and a row here
remembers which staff-chat message carries it. A staff member's reply to that
message is sent back to the member. Everything is in the state database (table
``handoffs``, SQLite or PostgreSQL), so a restart loses nothing; each step is
logged (keyed by the handoff's number, never the text).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.db import dialect
from bot.db.schema import handoffs
from bot.storage import Database

logger = logging.getLogger(__name__)


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

    def __init__(self, database: Database) -> None:
        self._database = database

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
        with self._database.transaction() as connection:
            inserted = connection.execute(
                dialect.insert(connection, handoffs)
                .values(
                    member_chat_id=member_chat_id,
                    user_id=user_id,
                    answer_id=answer_id,
                    question=question,
                    language=language,
                    created_at=now.isoformat(),
                )
                .on_conflict_do_nothing(index_elements=["member_chat_id", "answer_id"])
            ).rowcount
            row = connection.execute(
                select(handoffs).where(
                    handoffs.c.member_chat_id == member_chat_id,
                    handoffs.c.answer_id == answer_id,
                )
            ).one()
        handoff = _handoff(row._mapping)
        if inserted:
            logger.info("handoff %s opened", handoff.id)
        return handoff, bool(inserted)

    def forwarded(self, handoff_id: int, staff_chat_id: str, staff_message_id: int) -> None:
        with self._database.transaction() as connection:
            connection.execute(
                update(handoffs)
                .where(handoffs.c.id == handoff_id)
                .values(staff_chat_id=staff_chat_id, staff_message_id=staff_message_id)
            )
        logger.info("handoff %s forwarded to the staff chat", handoff_id)

    def cancel(self, handoff_id: int) -> None:
        """Forget a handoff that could not be forwarded (the member may try again)."""
        with self._database.transaction() as connection:
            connection.execute(delete(handoffs).where(handoffs.c.id == handoff_id))
        logger.info("handoff %s cancelled: the staff chat could not be reached", handoff_id)

    def by_staff_message(self, staff_chat_id: str, staff_message_id: int) -> Handoff | None:
        with self._database.transaction() as connection:
            row = connection.execute(
                select(handoffs).where(
                    handoffs.c.staff_chat_id == staff_chat_id,
                    handoffs.c.staff_message_id == staff_message_id,
                )
            ).first()
        return _handoff(row._mapping) if row else None

    def answered(self, handoff_id: int, now: datetime) -> None:
        with self._database.transaction() as connection:
            connection.execute(
                update(handoffs)
                .where(handoffs.c.id == handoff_id)
                .values(answered_at=func.coalesce(handoffs.c.answered_at, now.isoformat()))
            )
        logger.info("handoff %s: staff reply sent to the member", handoff_id)

    def count_since(self, user_id: int, since: datetime) -> int:
        """Handoffs opened by ``user_id`` since ``since`` (the rate limit)."""
        with self._database.transaction() as connection:
            moments = connection.execute(
                select(handoffs.c.created_at).where(handoffs.c.user_id == user_id)
            ).scalars()
            return sum(datetime.fromisoformat(moment) >= since for moment in moments)

    def allowed(self, user_id: int, now: datetime, per_day: int) -> bool:
        return self.count_since(user_id, now - timedelta(days=1)) < per_day

    def forget(self, chat_id: str) -> None:
        """Erase the handoffs of a member's chat (``/oublier``)."""
        with self._database.transaction() as connection:
            connection.execute(delete(handoffs).where(handoffs.c.member_chat_id == chat_id))


def _handoff(row: Any) -> Handoff:
    return Handoff(**{key: row[key] for key in row.keys()})  # noqa: SIM118
