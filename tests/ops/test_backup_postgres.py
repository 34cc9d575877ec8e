"""The PostgreSQL half of backups: pg_dump, then pg_restore into an empty database.

A real PostgreSQL server is started for the test (``initdb`` into a temporary
folder, listening on a free loopback port); without the server binaries the
test skips with its reason.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import free_port

from bot.ops.backup import BackupError, dump_postgres, libpq_target, load_postgres

_BINARIES = ("initdb", "pg_ctl", "pg_dump", "pg_restore", "psql")


def _as_server_user(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as ``postgres`` then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture
def postgres_url() -> Iterator[str]:
    missing = [name for name in _BINARIES if shutil.which(name) is None]
    if missing:
        pytest.skip(f"PostgreSQL binaries not found: {', '.join(missing)}")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    folder = Path(tempfile.mkdtemp(prefix="cuf-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    port = free_port()
    data = folder / "data"
    try:
        subprocess.run(
            _as_server_user(["initdb", "-D", str(data), "-U", "cuf", "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            _as_server_user(
                ["pg_ctl", "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
            ),
            check=True,
            capture_output=True,
        )
        yield f"postgresql+psycopg://cuf:not-needed@127.0.0.1:{port}"
    finally:
        subprocess.run(
            _as_server_user(["pg_ctl", "-D", str(data), "-m", "immediate", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


def _psql(url: str, sql: str) -> str:
    target, env = libpq_target(url)
    result = subprocess.run(
        ["psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-At", "-d", target, "-c", sql],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_pg_dump_then_pg_restore_into_an_empty_database_keeps_every_row(
    postgres_url: str, tmp_path: Path
) -> None:
    _psql(f"{postgres_url}/postgres", "CREATE DATABASE origin")
    _psql(f"{postgres_url}/postgres", "CREATE DATABASE copy")
    origin, copy = f"{postgres_url}/origin", f"{postgres_url}/copy"
    _psql(
        origin,
        "CREATE TABLE access_requests (user_id BIGINT PRIMARY KEY, name TEXT, status TEXT);"
        "CREATE TABLE meeting_follows (chat_id TEXT, group_id TEXT,"
        " PRIMARY KEY (chat_id, group_id));"
        "INSERT INTO access_requests VALUES (6000000000, 'Élue à Nantes', 'approved'),"
        " (2002, 'Élu', 'refused');"
        "INSERT INTO meeting_follows VALUES ('6000000000', 'mali'), ('-100123', 'madagascar');",
    )
    dump = tmp_path / "database.pgdump"

    dump_postgres(origin, dump)
    load_postgres(dump, copy)
    load_postgres(dump, copy)  # again over itself: --clean drops what it recreates

    assert _psql(copy, "SELECT user_id, name, status FROM access_requests ORDER BY user_id") == (
        "2002|Élu|refused\n6000000000|Élue à Nantes|approved"
    )
    assert _psql(copy, "SELECT chat_id || ':' || group_id FROM meeting_follows ORDER BY 1") == (
        "-100123:madagascar\n6000000000:mali"
    )
    assert oct(dump.stat().st_mode & 0o777) == "0o600"


def test_a_dump_of_a_missing_database_fails_in_one_line(postgres_url: str, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"^pg_dump a échoué : .*nowhere"):
        dump_postgres(f"{postgres_url}/nowhere", tmp_path / "x.pgdump")


def test_the_password_leaves_the_url_for_the_environment() -> None:
    target, env = libpq_target(
        "postgresql+psycopg://cuf:p%40ss@db.internal:5432/cuf?sslmode=require"
    )
    assert target == "postgresql://cuf@db.internal:5432/cuf?sslmode=require"
    assert env == {"PGPASSWORD": "p@ss"}


def test_the_cli_backs_up_and_restores_a_postgresql_state(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The whole path: state written by the stores on PostgreSQL, ``backup``, ``restore``."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from bot.app import Services
    from bot.cli import main
    from bot.settings import Settings

    if "database_url" not in Settings.model_fields:
        pytest.skip("CUF_DATABASE_URL is not a setting on this branch (the state layer adds it)")
    now = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
    _psql(f"{postgres_url}/postgres", "CREATE DATABASE origin")
    _psql(f"{postgres_url}/postgres", "CREATE DATABASE copy")
    root = tmp_path / "site"
    (root / "knowledge" / "notes").mkdir(parents=True)
    (root / "knowledge" / "notes" / "a.md").write_text("# Note\n\nTexte.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CUF_STATE_DIR", str(root / "state"))
    monkeypatch.setenv("CUF_KNOWLEDGE_DIR", str(root / "knowledge"))
    monkeypatch.setenv("CUF_ADMIN_IDS", "1001")
    monkeypatch.setenv("CUF_DATABASE_URL", f"{postgres_url}/origin")
    services = Services(Settings(_env_file=None))  # type: ignore[call-arg]
    services.members.request_access(6_000_000_000, "Élue", None, now)
    services.members.decide(6_000_000_000, True, 1001, now)
    services.subscriptions.follow("6000000000", "mali")
    services.subscriptions.follow("-100123", "madagascar")
    tables = "SELECT user_id || ':' || status FROM access_requests ORDER BY 1"
    follows = "SELECT count(*) FROM meeting_follows"
    expected = (_psql(f"{postgres_url}/origin", tables), _psql(f"{postgres_url}/origin", follows))

    backed_up = main(["backup", str(tmp_path / "backup")])
    monkeypatch.setenv("CUF_DATABASE_URL", f"{postgres_url}/copy")
    monkeypatch.setenv("CUF_STATE_DIR", str(tmp_path / "fresh" / "state"))
    monkeypatch.setenv("CUF_KNOWLEDGE_DIR", str(tmp_path / "fresh" / "knowledge"))
    restored = main(["restore", str(tmp_path / "backup")])
    revived = Services(Settings(_env_file=None))  # type: ignore[call-arg]

    assert backed_up == 0 and restored == 0
    assert (tmp_path / "backup" / "database.pgdump").is_file()
    assert (_psql(f"{postgres_url}/copy", tables), _psql(f"{postgres_url}/copy", follows)) == (
        expected
    )
    assert expected == ("6000000000:approved", "2")
    assert revived.members.is_member(6_000_000_000)
    assert revived.subscriptions.following("-100123") == ["madagascar"]
    assert (tmp_path / "fresh" / "knowledge" / "notes" / "a.md").is_file()
