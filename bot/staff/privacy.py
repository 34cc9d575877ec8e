"""What is stored about a chat, exported on request; old conversations purged daily.

The export reads every table of the state database: the rows whose ``chat_id``
is the chat, and those whose ``user_id`` is the person asking (ratings, access
request). Reading the schema instead of listing the stores means a table added
later is exported without anyone remembering to.

The purge deletes conversation turns, answer logs and questions handed to the
staff older than ``CUF_RETENTION_DAYS``. Ratings go with their answers; a copy without chat nor
user (question, answer, rating, date) is kept first in ``feedback_archive`` for
the staff's knowledge gaps.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

ARCHIVE_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback_archive (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    rated_at TEXT NOT NULL
);
"""
# Tables that hold no one's data (anonymised, or the schema's own bookkeeping).
_NOT_PERSONAL = frozenset({"feedback_archive", "sqlite_sequence", "alembic_version"})
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


def _connect(database_path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(database_path, timeout=30)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA secure_delete=ON")
    return connection


def export_chat(
    database_path: Path, chat_id: str, user_id: int | None, now: datetime
) -> dict[str, Any]:
    """Everything stored about ``chat_id`` (and ``user_id``), table by table."""
    tables: dict[str, list[dict[str, Any]]] = {}
    if database_path.exists():
        connection = _connect(database_path)
        try:
            for table in _table_names(connection):
                rows = _rows_about(connection, table, chat_id, user_id)
                if rows:
                    tables[table] = rows
        finally:
            connection.close()
    return {
        "chat_id": chat_id,
        "user_id": user_id,
        "exported_at": now.isoformat(),
        "tables": tables,
    }


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def _table_names(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows if row[0] not in _NOT_PERSONAL]


def _rows_about(
    connection: sqlite3.Connection, table: str, chat_id: str, user_id: int | None
) -> list[dict[str, Any]]:
    columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')]
    conditions, values = [], []
    for column in columns:
        if column.endswith("chat_id"):  # chat_id, member_chat_id…
            conditions.append(f'CAST("{column}" AS TEXT) = ?')
            values.append(chat_id)
        elif column.endswith("user_id") and user_id is not None:
            conditions.append(f'CAST("{column}" AS TEXT) = ?')
            values.append(str(user_id))
    if not conditions:
        return []
    query = f'SELECT * FROM "{table}" WHERE ' + " OR ".join(conditions)
    return [dict(row) for row in connection.execute(query, values).fetchall()]


def purge_older_than(database_path: Path, now: datetime, days: int) -> PurgeReport:
    """Delete conversation turns and answer logs older than ``days`` (ratings archived first)."""
    if days <= 0 or not database_path.exists():
        return PurgeReport(0, 0, 0)
    cutoff = now.astimezone(UTC) - timedelta(days=days)
    connection = _connect(database_path)
    try:
        connection.executescript(ARCHIVE_SCHEMA)
        tables = set(_table_names(connection))
        turns = _old_ids(connection, "conversation_turns", "asked_at", cutoff, tables)
        answers = _old_ids(connection, "answer_log", "created_at", cutoff, tables)
        handoffs = _old_ids(connection, "handoffs", "created_at", cutoff, tables)
        archived = 0
        with connection:
            if answers and "feedback" in tables:
                for batch in _batches(answers):
                    marks = ",".join("?" * len(batch))
                    archived += connection.execute(
                        "INSERT INTO feedback_archive (question, answer, rating, rated_at) "
                        "SELECT a.question, a.answer, f.rating, f.rated_at FROM feedback f "
                        f"JOIN answer_log a ON a.id = f.answer_id WHERE a.id IN ({marks})",
                        batch,
                    ).rowcount
            old = (("conversation_turns", turns), ("answer_log", answers), ("handoffs", handoffs))
            for table, ids in old:
                for batch in _batches(ids):
                    marks = ",".join("?" * len(batch))
                    connection.execute(f"DELETE FROM {table} WHERE id IN ({marks})", batch)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    report = PurgeReport(len(turns), len(answers), archived)
    logger.info("retention purge: %s", report.summary())
    return report


def _old_ids(
    connection: sqlite3.Connection, table: str, column: str, cutoff: datetime, tables: set[str]
) -> list[int]:
    if table not in tables:
        return []
    old = []
    for row in connection.execute(f"SELECT id, {column} FROM {table}"):
        moment = datetime.fromisoformat(row[1])
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        if moment < cutoff:
            old.append(int(row[0]))
    return old


def _batches(ids: list[int]) -> list[list[int]]:
    return [ids[start : start + _BATCH] for start in range(0, len(ids), _BATCH)]
