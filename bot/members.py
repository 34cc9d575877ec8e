"""Who may use the assistant: admins and the allow-list from settings, plus approved requests.

Unknown users ask for access; an admin approves or refuses. Requests and
decisions live in SQLite; the settings lists always win (an id in
``allowed_user_ids`` or ``admin_ids`` is a member whatever the table says).
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.settings import Settings
from bot.storage import Database

logger = logging.getLogger(__name__)

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS access_requests (
    user_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    username TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by INTEGER
);
"""


@dataclass(frozen=True)
class AccessRequest:
    """A user's request for access and its current decision."""

    user_id: int
    name: str
    username: str | None
    status: str
    requested_at: str
    decided_at: str | None = None
    decided_by: int | None = None

    def label(self) -> str:
        """``Marie Dupont (@marie, 123)``: how admins see the requester."""
        handle = f"@{self.username}, " if self.username else ""
        if self.name == str(self.user_id) and not handle:
            return str(self.user_id)  # no name known (or erased on request)
        return f"{self.name} ({handle}{self.user_id})"


class MemberStore:
    """The allow-list, the admins and the access requests."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self._database = database
        self._admins = frozenset(settings.admin_ids)
        self._allowed = frozenset(settings.allowed_user_ids) | self._admins
        database.ensure_schema(_SCHEMA)

    @property
    def admin_ids(self) -> frozenset[int]:
        return self._admins

    def is_admin(self, user_id: int) -> bool:
        return user_id in self._admins

    def is_member(self, user_id: int) -> bool:
        """True for admins, the allow-list and approved requests."""
        if user_id in self._allowed:
            return True
        request = self.get(user_id)
        return request is not None and request.status == APPROVED

    def get(self, user_id: int) -> AccessRequest | None:
        with self._database.transaction() as connection:
            row = connection.execute(
                "SELECT * FROM access_requests WHERE user_id = ?", (user_id,)
            ).fetchone()
        return _request(row) if row else None

    def request_access(
        self, user_id: int, name: str, username: str | None, now: datetime
    ) -> tuple[AccessRequest, bool]:
        """Record a request; returns it and whether it is new (admins to be told).

        Asking again while pending, approved or refused changes nothing, so a
        user cannot flood the admins nor overturn a refusal by asking twice.
        """
        with self._database.transaction() as connection:
            inserted = connection.execute(
                "INSERT OR IGNORE INTO access_requests (user_id, name, username, status, "
                "requested_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, name, username, PENDING, now.isoformat()),
            ).rowcount
        request = self.get(user_id)
        assert request is not None
        if inserted:
            logger.info("access requested by user %s", user_id)
        return request, bool(inserted)

    def decide(
        self, user_id: int, approve: bool, admin_id: int, now: datetime
    ) -> tuple[AccessRequest, bool]:
        """Approve or refuse a pending request (creating it if an admin acts first).

        The first decision wins: a request already decided is returned unchanged
        with ``False``, so a second admin pressing the other button reverses
        nothing (revoking a member is :meth:`revoke`, an explicit act).
        Raises :class:`PermissionError` when ``admin_id`` is not an admin.
        """
        if not self.is_admin(admin_id):
            raise PermissionError(f"user {admin_id} is not an admin")
        status = APPROVED if approve else REFUSED
        with self._database.transaction() as connection:
            changed = connection.execute(
                "INSERT INTO access_requests (user_id, name, username, status, requested_at, "
                "decided_at, decided_by) VALUES (?, ?, NULL, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET status = excluded.status, "
                "decided_at = excluded.decided_at, decided_by = excluded.decided_by "
                "WHERE access_requests.status = 'pending'",
                (user_id, str(user_id), status, now.isoformat(), now.isoformat(), admin_id),
            ).rowcount
        if changed:
            logger.info("access %s for user %s by admin %s", status, user_id, admin_id)
        request = self.get(user_id)
        assert request is not None
        return request, bool(changed)

    def revoke(self, user_id: int, admin_id: int, now: datetime) -> AccessRequest | None:
        """Withdraw an approved member's access; ``None`` when they were not an approved member.

        Members from the settings lists cannot be revoked here (the settings win).
        """
        if not self.is_admin(admin_id):
            raise PermissionError(f"user {admin_id} is not an admin")
        with self._database.transaction() as connection:
            changed = connection.execute(
                "UPDATE access_requests SET status = ?, decided_at = ?, decided_by = ? "
                "WHERE user_id = ? AND status = ?",
                (REFUSED, now.isoformat(), admin_id, user_id, APPROVED),
            ).rowcount
        if not changed:
            return None
        logger.info("access revoked for user %s by admin %s", user_id, admin_id)
        return self.get(user_id)

    def is_configured(self, user_id: int) -> bool:
        """True for admins and the allow-list (members whatever the table says)."""
        return user_id in self._allowed

    def erase_details(self, user_id: int) -> None:
        """Forget a requester's name and @username, keeping only the decision (``/oublier``)."""
        with self._database.transaction() as connection:
            connection.execute(
                "UPDATE access_requests SET name = CAST(user_id AS TEXT), username = NULL "
                "WHERE user_id = ?",
                (user_id,),
            )

    def requests(self, status: str | None = None) -> list[AccessRequest]:
        """All requests (or those with ``status``), oldest first."""
        query = "SELECT * FROM access_requests"
        params: tuple[str, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status,)
        with self._database.transaction() as connection:
            rows = connection.execute(query + " ORDER BY requested_at, user_id", params).fetchall()
        return [_request(row) for row in rows]

    def counts(self) -> dict[str, int]:
        """Figures for ``/stats``: configured members, approved, pending, refused."""
        counts = {"configured": len(self._allowed), APPROVED: 0, PENDING: 0, REFUSED: 0}
        with self._database.transaction() as connection:
            rows = connection.execute(
                "SELECT status, COUNT(*) AS n FROM access_requests GROUP BY status"
            ).fetchall()
        counts.update({row["status"]: row["n"] for row in rows})
        return counts


def _request(row: sqlite3.Row) -> AccessRequest:
    return AccessRequest(
        user_id=row["user_id"],
        name=row["name"],
        username=row["username"],
        status=row["status"],
        requested_at=row["requested_at"],
        decided_at=row["decided_at"],
        decided_by=row["decided_by"],
    )
