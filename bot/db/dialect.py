"""The few statements whose spelling differs between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert(connection: Connection, table: Table) -> Any:
    """An ``INSERT`` that supports ``ON CONFLICT`` on this connection's database.

    Both dialects' statements offer ``on_conflict_do_nothing``,
    ``on_conflict_do_update`` and ``excluded`` with the same signatures.
    """
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)
