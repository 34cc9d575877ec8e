"""What is stored about a chat, exported on request; old conversations purged daily.

The export reads every table of the state's schema (:mod:`bot.db.schema`), on
SQLite or PostgreSQL alike: the rows whose ``chat_id`` (``member_chat_id``…) is
the chat, and those whose ``user_id`` is the person asking (ratings, access
request, handoffs). Reading the schema instead of listing the stores means a
table added later is exported without anyone remembering to.

The purge deletes conversation turns, answer logs and questions handed to the
staff older than ``CUF_RETENTION_DAYS``. Ratings go with their answers; a copy without chat nor
user (question, answer, rating, date) is kept first in ``feedback_archive`` for
the staff's knowledge gaps. Deleted rows leave no copy behind, as for
``/oublier`` (:meth:`bot.storage.Database.scrub`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, delete, insert, or_, select

from bot.db.schema import (
    STATE_TABLES,
    answer_log,
    conversation_turns,
    feedback,
    feedback_archive,
    handoffs,
)
from bot.storage import Database

logger = logging.getLogger(__name__)

# Tables that hold no one's data (anonymised).
_NOT_PERSONAL = frozenset({feedback_archive.name})
_BATCH = 500


@dataclass(frozen=True)
class PurgeReport:
    conversation_turns: int
    answers: int
    ratings_archived: int

    def summary(self) -> str:
        return (
            f"{self.conversation_turns} conversation turn(s) and {self.answers} answer(s) "
            f"purged; {self.ratings_archived} rating(s) kept anonymised"
        )


def export_chat(
    database: Database, chat_id: str, user_id: int | None, now: datetime
) -> dict[str, Any]:
    """Everything stored about ``chat_id`` (and ``user_id``), table by table."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with database.transaction() as connection:
        for table in sorted(STATE_TABLES, key=lambda table: table.name):
            if table.name in _NOT_PERSONAL:
                continue
            rows = _rows_about(connection, table, chat_id, user_id)
            if rows:
                tables[table.name] = rows
    return {
        "chat_id": chat_id,
        "user_id": user_id,
        "exported_at": now.isoformat(),
        "tables": tables,
    }


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _rows_about(
    connection: Connection, table: Table, chat_id: str, user_id: int | None
) -> list[dict[str, Any]]:
    conditions = []
    for column in table.columns:
        if column.name.endswith("chat_id"):  # chat_id, member_chat_id… (text)
            conditions.append(column == str(chat_id))
        elif column.name.endswith("user_id") and user_id is not None:
            conditions.append(column == int(user_id))
    if not conditions:
        return []
    result = connection.execute(select(table).where(or_(*conditions)))
    return [dict(row._mapping) for row in result]


def purge_older_than(database: Database, now: datetime, days: int) -> PurgeReport:
    """Delete conversation turns and answer logs older than ``days`` (ratings archived first)."""
    if days <= 0:
        return PurgeReport(0, 0, 0)
    cutoff = now.astimezone(UTC) - timedelta(days=days)
    archived = 0
    with database.transaction() as connection:
        turns = _old_ids(connection, conversation_turns, "asked_at", cutoff)
        answers = _old_ids(connection, answer_log, "created_at", cutoff)
        old_handoffs = _old_ids(connection, handoffs, "created_at", cutoff)
        for batch in _batches(answers):
            ratings = connection.execute(
                select(
                    answer_log.c.question,
                    answer_log.c.answer,
                    feedback.c.rating,
                    feedback.c.rated_at,
                )
                .join(feedback, feedback.c.answer_id == answer_log.c.id)
                .where(answer_log.c.id.in_(batch))
                .order_by(answer_log.c.id)
            ).all()
            if ratings:
                connection.execute(
                    insert(feedback_archive), [dict(row._mapping) for row in ratings]
                )
                archived += len(ratings)
            connection.execute(delete(feedback).where(feedback.c.answer_id.in_(batch)))
        for table, ids in (
            (conversation_turns, turns),
            (answer_log, answers),
            (handoffs, old_handoffs),
        ):
            for batch in _batches(ids):
                connection.execute(delete(table).where(table.c.id.in_(batch)))
    if turns or answers or old_handoffs:
        database.scrub()
    report = PurgeReport(len(turns), len(answers), archived)
    logger.info("retention purge: %s", report.summary())
    return report


def _old_ids(connection: Connection, table: Table, column: str, cutoff: datetime) -> list[int]:
    old = []
    for row_id, moment_text in connection.execute(select(table.c.id, table.c[column])):
        moment = datetime.fromisoformat(moment_text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if moment < cutoff:
            old.append(int(row_id))
    return old


def _batches(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + _BATCH] for start in range(0, len(ids), _BATCH)]
