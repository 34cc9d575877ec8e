"""The answers the bot gave and the 👍/👎 members left on them, for CUF's staff.

Each answer sent with buttons is recorded first; its id is what the buttons
carry (Telegram's callback data is limited to 64 bytes), so "📚 Sources" and
the ratings find the question, the answer and its sources again, in the same
chat only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, insert, select

from bot.answers import Answer, Source
from bot.db import dialect
from bot.db.schema import answer_log, feedback
from bot.storage import Database


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

    def record_answer(self, chat_id: str, question: str, answer: Answer, now: datetime) -> int:
        """Remember an answer sent to ``chat_id``; returns the id its buttons carry."""
        sources = json.dumps([source.to_dict() for source in answer.sources], ensure_ascii=False)
        with self._database.transaction() as connection:
            answer_id: int = connection.execute(
                insert(answer_log)
                .values(
                    chat_id=chat_id,
                    question=question,
                    answer=answer.text,
                    answered=int(answer.answered),
                    kind=answer.kind,
                    sources=sources,
                    created_at=now.isoformat(),
                )
                .returning(answer_log.c.id)
            ).scalar_one()
        return answer_id

    def answer(self, answer_id: int, chat_id: str) -> LoggedAnswer | None:
        """The answer ``answer_id`` if it was sent to ``chat_id`` (else ``None``)."""
        with self._database.transaction() as connection:
            row = connection.execute(
                select(answer_log).where(
                    answer_log.c.id == answer_id, answer_log.c.chat_id == chat_id
                )
            ).first()
        return _logged(row) if row else None

    def rate(self, answer_id: int, chat_id: str, user_id: int, rating: int, now: datetime) -> bool:
        """Store (or change) a user's rating; False when the answer is unknown in this chat."""
        if rating not in (-1, 1):
            raise ValueError(f"rating must be -1 or 1, not {rating}")
        if self.answer(answer_id, chat_id) is None:
            return False
        with self._database.transaction() as connection:
            statement = dialect.insert(connection, feedback).values(
                answer_id=answer_id, user_id=user_id, rating=rating, rated_at=now.isoformat()
            )
            connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[feedback.c.answer_id, feedback.c.user_id],
                    set_={
                        "rating": statement.excluded.rating,
                        "rated_at": statement.excluded.rated_at,
                    },
                )
            )
        return True

    def ratings(self) -> list[Rating]:
        """Every rating with its question and answer, oldest first (for the staff)."""
        with self._database.transaction() as connection:
            rows = connection.execute(
                select(
                    feedback.c.answer_id,
                    answer_log.c.chat_id,
                    feedback.c.user_id,
                    feedback.c.rating,
                    answer_log.c.question,
                    answer_log.c.answer,
                    feedback.c.rated_at,
                )
                .join(answer_log, answer_log.c.id == feedback.c.answer_id)
                .order_by(feedback.c.rated_at, feedback.c.answer_id, feedback.c.user_id)
            ).all()
        return [Rating(**row._asdict()) for row in rows]

    def stats(self) -> dict[str, int]:
        """Figures for ``/stats``: answers sent, how many abstained, 👍 and 👎."""
        with self._database.transaction() as connection:
            answers = connection.execute(
                select(
                    func.count().label("total"),
                    _count_where(answer_log.c.answered == 0).label("unanswered"),
                    func.count(answer_log.c.chat_id.distinct()).label("chats"),
                )
            ).one()
            votes = connection.execute(
                select(
                    _count_where(feedback.c.rating == 1).label("up"),
                    _count_where(feedback.c.rating == -1).label("down"),
                )
            ).one()
        return {
            "answers": int(answers.total),
            "unanswered": int(answers.unanswered),
            "chats": int(answers.chats),
            "thumbs_up": int(votes.up),
            "thumbs_down": int(votes.down),
        }

    def forget(self, chat_id: str) -> None:
        """Erase every answer sent to ``chat_id`` and the ratings on them."""
        with self._database.transaction() as connection:
            connection.execute(delete(answer_log).where(answer_log.c.chat_id == chat_id))

    def forget_user(self, user_id: int) -> None:
        """Erase every rating ``user_id`` left, in any chat (groups included)."""
        with self._database.transaction() as connection:
            connection.execute(delete(feedback).where(feedback.c.user_id == user_id))


def _count_where(condition: Any) -> Any:
    """How many rows meet ``condition`` (0 on an empty table), on every database."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _logged(row: Any) -> LoggedAnswer:
    return LoggedAnswer(
        id=row.id,
        chat_id=row.chat_id,
        question=row.question,
        text=row.answer,
        answered=bool(row.answered),
        kind=row.kind,
        sources=tuple(Source(**item) for item in json.loads(row.sources)),
        created_at=row.created_at,
    )
