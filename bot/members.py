"""Who may use the assistant: admins and the allow-list from settings, plus approved requests.

Unknown users ask for access; an admin approves or refuses. Requests and
decisions live in the state database; the settings lists always win (an id in
``allowed_user_ids`` or ``admin_ids`` is a member whatever the table says).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Text as SqlText
from sqlalchemy import cast, func, select, update

from bot.db import dialect
from bot.db.schema import access_requests
from bot.storage import Database

logger = logging.getLogger(__name__)

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"


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

    def __init__(
        self, database: Database, admin_ids: Iterable[int], allowed_user_ids: Iterable[int] = ()
    ) -> None:
        self._database = database
        self._admins = frozenset(admin_ids)
        self._allowed = frozenset(allowed_user_ids) | self._admins

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
                select(access_requests).where(access_requests.c.user_id == user_id)
            ).first()
        return _request(row) if row else None

    def request_access(
        self, user_id: int, name: str, username: str | None, now: datetime
    ) -> tuple[AccessRequest, bool]:
        """Record a request; returns it and whether it is new (admins to be told).

        Asking again while pending, approved or refused changes nothing, so a
        user cannot flood the admins nor overturn a refusal by asking twice.
        """
        with self._database.transaction() as connection:
            statement = dialect.insert(connection, access_requests).values(
                user_id=user_id,
                name=name,
                username=username,
                status=PENDING,
                requested_at=now.isoformat(),
            )
            inserted = connection.execute(statement.on_conflict_do_nothing()).rowcount
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
            statement = dialect.insert(connection, access_requests).values(
                user_id=user_id,
                name=str(user_id),
                username=None,
                status=status,
                requested_at=now.isoformat(),
                decided_at=now.isoformat(),
                decided_by=admin_id,
            )
            changed = connection.execute(
                statement.on_conflict_do_update(
                    index_elements=[access_requests.c.user_id],
                    set_={
                        "status": statement.excluded.status,
                        "decided_at": statement.excluded.decided_at,
                        "decided_by": statement.excluded.decided_by,
                    },
                    where=access_requests.c.status == PENDING,
                )
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
                update(access_requests)
                .where(access_requests.c.user_id == user_id, access_requests.c.status == APPROVED)
                .values(status=REFUSED, decided_at=now.isoformat(), decided_by=admin_id)
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
                update(access_requests)
                .where(access_requests.c.user_id == user_id)
                .values(name=cast(access_requests.c.user_id, SqlText), username=None)
            )

    def requests(self, status: str | None = None) -> list[AccessRequest]:
        """All requests (or those with ``status``), oldest first."""
        query = select(access_requests).order_by(
            access_requests.c.requested_at, access_requests.c.user_id
        )
        if status is not None:
            query = query.where(access_requests.c.status == status)
        with self._database.transaction() as connection:
            rows = connection.execute(query).all()
        return [_request(row) for row in rows]

    def counts(self) -> dict[str, int]:
        """Figures for ``/stats``: configured members, approved, pending, refused."""
        counts = {"configured": len(self._allowed), APPROVED: 0, PENDING: 0, REFUSED: 0}
        with self._database.transaction() as connection:
            rows = connection.execute(
                select(access_requests.c.status, func.count().label("n")).group_by(
                    access_requests.c.status
                )
            ).all()
        counts.update({row.status: row.n for row in rows})
        return counts


def _request(row: Any) -> AccessRequest:
    return AccessRequest(
        user_id=row.user_id,
        name=row.name,
        username=row.username,
        status=row.status,
        requested_at=row.requested_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
    )
