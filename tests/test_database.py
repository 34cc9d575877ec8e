"""The state database: migrations on SQLite and PostgreSQL, old files, ``python -m bot migrate``."""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from bot.cli import main
from bot.db.migrate import current, downgrade, head, is_at_head, shipped_head, upgrade
from bot.db.schema import access_requests, meeting_follows, reminder_outbox
from bot.meetings.subscriptions import SubscriptionStore
from bot.members import MemberStore
from bot.settings import Settings
from bot.staff.handoff import HandoffStore
from bot.storage import Database


def _outbox_columns(database: Database) -> set[str]:
    return {column["name"] for column in inspect(database.engine).get_columns("reminder_outbox")}


def test_a_migration_adds_a_column_to_a_populated_database(database_target: str | Path) -> None:
    database = Database(database_target, migrate=False)
    upgrade(database.engine, "0001")
    assert current(database.engine) == "0001"
    assert "attempts" not in _outbox_columns(database)
    with database.transaction() as connection:
        for index in range(50):
            connection.exec_driver_sql(
                "INSERT INTO reminder_outbox (key, chat_id, kind, state, claimed_at, sent_at, "
                "occurrence_start, lease_until) VALUES "
                f"('k{index}', '6000000000', 'reminder', 'sent', 1.0, 2.0, 3.0, NULL)"
            )
        connection.exec_driver_sql(
            "INSERT INTO access_requests (user_id, name, status, requested_at) "
            "VALUES (6000000001, 'Marie', 'approved', '2026-11-30')"
        )

    before, after = upgrade(database.engine)
    assert (before, after) == ("0001", head())
    assert "attempts" in _outbox_columns(database)
    with database.transaction() as connection:
        rows = connection.execute(select(reminder_outbox.c.key, reminder_outbox.c.attempts)).all()
        member = connection.execute(select(access_requests.c.name)).scalar_one()
    assert sorted(rows) == sorted((f"k{index}", 1) for index in range(50))
    assert member == "Marie"
    # Upgrading again changes nothing; stepping back drops the column and keeps the rows.
    assert upgrade(database.engine) == (head(), head())
    downgrade(database.engine, "0001")
    assert "attempts" not in _outbox_columns(database)
    with database.transaction() as connection:
        assert connection.exec_driver_sql("SELECT COUNT(*) FROM reminder_outbox").scalar() == 50


def test_the_start_up_check_reads_the_head_alembic_reads(database_target: str | Path) -> None:
    """Start-up skips Alembic when the database is at the head the files name, only then."""
    assert shipped_head() == head()
    database = Database(database_target, migrate=False)
    assert not is_at_head(database.engine)  # never migrated
    upgrade(database.engine, "0001")
    assert not is_at_head(database.engine)
    upgrade(database.engine)
    assert is_at_head(database.engine)
    downgrade(database.engine, "0001")
    assert not is_at_head(database.engine)
    assert current(Database(database_target).engine) == head()  # opening migrates it


LEGACY_DDL = """
CREATE TABLE meeting_follows (chat_id TEXT NOT NULL, group_id TEXT NOT NULL,
    PRIMARY KEY (chat_id, group_id));
CREATE TABLE access_requests (user_id INTEGER PRIMARY KEY, name TEXT NOT NULL, username TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_at TEXT NOT NULL, decided_at TEXT, decided_by INTEGER);
CREATE TABLE reminder_outbox (key TEXT PRIMARY KEY, chat_id TEXT NOT NULL, kind TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'sent')), claimed_at REAL NOT NULL,
    sent_at REAL, occurrence_start REAL NOT NULL);
INSERT INTO meeting_follows VALUES ('42', 'mali');
INSERT INTO access_requests VALUES (7, 'Paul', NULL, 'approved', '2025-01-01', NULL, 1);
INSERT INTO reminder_outbox VALUES ('42|m1||60|x', '42', 'reminder', 'sent', 1.0, 1.0, 2.0);
CREATE TABLE handoffs (id INTEGER PRIMARY KEY AUTOINCREMENT, member_chat_id TEXT NOT NULL,
    user_id INTEGER NOT NULL, answer_id INTEGER NOT NULL, question TEXT NOT NULL,
    language TEXT NOT NULL, staff_chat_id TEXT, staff_message_id INTEGER,
    created_at TEXT NOT NULL, answered_at TEXT, UNIQUE (member_chat_id, answer_id));
INSERT INTO handoffs VALUES (1, '42', 42, 3, 'Qui ?', 'fr', '-100', 9, '2025-01-01', NULL);
"""


def test_a_file_made_before_migrations_is_upgraded_in_place(tmp_path: Path) -> None:
    """State files of earlier versions (tables made by each store) lose nothing."""
    path = tmp_path / "state" / "cuf.sqlite3"
    path.parent.mkdir()
    connection = sqlite3.connect(path)
    connection.executescript(LEGACY_DDL)
    connection.close()

    database = Database(path)
    assert current(database.engine) == head()
    assert SubscriptionStore(database).following("42") == ["mali"]
    assert MemberStore(database, admin_ids=()).is_member(7)
    assert {"lease_until", "attempts"} <= _outbox_columns(database)
    with database.transaction() as connection:
        follows = connection.execute(select(meeting_follows)).all()
    assert [tuple(row) for row in follows] == [("42", "mali")]
    # the staff's handoffs, made by their own store before migration 0005, are kept
    handoff = HandoffStore(database).by_staff_message("-100", 9)
    assert handoff is not None and handoff.question == "Qui ?"
    assert "feedback_archive" in inspect(database.engine).get_table_names()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_migrate_command(
    database_target: str | Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("CUF_DATABASE_URL", "CUF_STATE_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    if isinstance(database_target, str):
        monkeypatch.setenv("CUF_DATABASE_URL", database_target)
    else:
        monkeypatch.setenv("CUF_STATE_DIR", str(database_target.parent))
    assert main(["migrate", "--status"]) == 0
    assert "révision aucune" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert f"migrée de la révision aucune à {head()}" in capsys.readouterr().out
    assert main(["migrate"]) == 0
    assert "déjà à jour" in capsys.readouterr().out


def test_migrate_command_names_an_unreachable_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CUF_DATABASE_URL", "postgresql://nobody:secret@127.0.0.1:1/cuf")
    assert main(["migrate"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("Base de données inaccessible") and "secret" not in error


def test_forgetting_a_chat_erases_it_on_either_database(
    database_target: str | Path, tmp_path: Path
) -> None:
    """``/oublier`` on PostgreSQL deletes the rows, then vacuums (SQLite: test_privacy.py)."""
    from bot.app import Services
    from bot.conversation import Turn

    url = database_target if isinstance(database_target, str) else None
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        state_dir=tmp_path / "state",
        database_url=url,
        calendar_urls=[],
    )
    services = Services(settings)
    now = services.now()
    services.subscriptions.follow("5", "mali")
    services.conversations.record("5", Turn("Secret ?", "Secret ?", "Réponse", now))
    services.subscriptions.follow("6", "mali")
    services.handoffs.open("5", 5, 1, "Secret ?", "fr", now)
    services.handoffs.open("6", 6, 2, "Autre ?", "fr", now)
    services.forget_chat("5")
    assert services.handoffs.count_since(5, now - timedelta(days=1)) == 0
    assert services.handoffs.count_since(6, now - timedelta(days=1)) == 1
    assert services.subscriptions.following("5") == []
    assert services.conversations.recent("5", now) == []
    assert services.subscriptions.following("6") == ["mali"]


OPEN_AT = """
import sys, time
from pathlib import Path
from bot.storage import Database
start = float(sys.argv[2])
while time.time() < start:
    pass
Database(Path(sys.argv[1]))
"""


def test_processes_opening_a_new_database_together_all_start(tmp_path: Path) -> None:
    """Replicas starting at once on a new SQLite file: SQLite fails a journal-mode switch
    it cannot make at once (no waiting), so the switch happens under the schema lock."""
    for round_number in range(4):
        target = tmp_path / f"round-{round_number}" / "cuf.sqlite3"
        start = time.time() + 1.0
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", OPEN_AT, str(target), str(start)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(3)
        ]
        outcomes = [(process.wait(timeout=60), process.stderr) for process in processes]
        errors = [stream.read() for code, stream in outcomes if code != 0 and stream]
        for process in processes:
            for stream in (process.stdout, process.stderr):
                if stream is not None:
                    stream.close()
        assert errors == [], errors
