"""Access control: settings lists, requests, admin decisions (real SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.members import APPROVED, PENDING, REFUSED, MemberStore
from bot.storage import Database

Target = str | Path
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _store(target: str | Path) -> MemberStore:
    return MemberStore(Database(target), admin_ids=[1], allowed_user_ids=[2])


def test_settings_lists_define_admins_and_members(database_target: Target) -> None:
    store = _store(database_target)
    assert (store.is_admin(1), store.is_admin(2), store.is_admin(3)) == (True, False, False)
    assert (store.is_member(1), store.is_member(2), store.is_member(3)) == (True, True, False)


def test_request_then_approve_makes_a_member_and_survives_a_restart(
    database_target: str | Path,
) -> None:
    store = _store(database_target)
    request, new = store.request_access(3, "Marie Dupont", "marie", NOW)
    assert (request.status, new, request.label()) == (PENDING, True, "Marie Dupont (@marie, 3)")
    assert store.is_member(3) is False
    store.decide(3, approve=True, admin_id=1, now=NOW)
    assert _store(database_target).is_member(3) is True
    assert [(r.user_id, r.status, r.decided_by) for r in store.requests()] == [(3, APPROVED, 1)]


def test_asking_again_neither_notifies_twice_nor_overturns_a_refusal(
    database_target: str | Path,
) -> None:
    store = _store(database_target)
    store.request_access(4, "Paul", None, NOW)
    assert store.request_access(4, "Paul", None, NOW)[1] is False
    store.decide(4, approve=False, admin_id=1, now=NOW)
    request, new = store.request_access(4, "Paul", None, NOW)
    assert (request.status, new, store.is_member(4)) == (REFUSED, False, False)


def test_only_admins_decide(database_target: Target) -> None:
    store = _store(database_target)
    store.request_access(5, "Eve", None, NOW)
    with pytest.raises(PermissionError):
        store.decide(5, approve=True, admin_id=2, now=NOW)
    assert store.is_member(5) is False


def test_counts_and_pending_list(database_target: Target) -> None:
    store = _store(database_target)
    store.request_access(6, "A", None, NOW)
    store.request_access(7, "B", None, NOW)
    store.decide(7, approve=True, admin_id=1, now=NOW)
    assert [r.user_id for r in store.requests(PENDING)] == [6]
    assert store.counts() == {"configured": 2, APPROVED: 1, PENDING: 1, REFUSED: 0}


def test_the_first_decision_wins_and_a_second_admin_changes_nothing(
    database_target: str | Path,
) -> None:
    store = MemberStore(Database(database_target), admin_ids=[1, 9], allowed_user_ids=[2])
    store.request_access(8, "Paul", "paul", NOW)
    first, changed = store.decide(8, approve=True, admin_id=1, now=NOW)
    second, again = store.decide(8, approve=False, admin_id=9, now=NOW)
    assert (first.status, changed, again) == (APPROVED, True, False)
    assert (second.status, second.decided_by, store.is_member(8)) == (APPROVED, 1, True)


def test_revoking_is_explicit_and_only_for_approved_members(database_target: Target) -> None:
    store = _store(database_target)
    store.request_access(8, "Paul", "paul", NOW)
    assert store.revoke(8, admin_id=1, now=NOW) is None  # pending: nothing to revoke
    store.decide(8, approve=True, admin_id=1, now=NOW)
    revoked = store.revoke(8, admin_id=1, now=NOW)
    assert revoked is not None and revoked.status == REFUSED
    assert store.is_member(8) is False
    assert store.revoke(2, admin_id=1, now=NOW) is None  # configured members stay
    with pytest.raises(PermissionError):
        store.revoke(8, admin_id=2, now=NOW)


def test_erasing_details_keeps_the_decision_but_not_the_name(database_target: Target) -> None:
    store = _store(database_target)
    store.request_access(8, "Paul Martin", "paulm", NOW)
    store.decide(8, approve=True, admin_id=1, now=NOW)
    store.erase_details(8)
    request = store.get(8)
    assert request is not None
    assert (request.name, request.username, request.status) == ("8", None, APPROVED)
    with Database(database_target).transaction() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM access_requests").fetchall()
    dumped = " ".join(str(tuple(row)) for row in rows)
    assert "Paul" not in dumped and "paulm" not in dumped


def test_telegram_ids_beyond_32_bits_are_stored(database_target: Target) -> None:
    """Telegram ids use up to 52 bits: ``INTEGER`` on PostgreSQL would refuse 6000000000."""
    store = _store(database_target)
    big = 6_000_000_000
    store.request_access(big, "Grand Id", None, NOW)
    store.decide(big, approve=True, admin_id=1, now=NOW)
    assert _store(database_target).is_member(big) is True
