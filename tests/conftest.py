"""Fixtures shared by every test package: the real corpus, indexed once per session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest.pipeline import run_ingest

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"


@pytest.fixture(autouse=True)
def _no_cuf_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts from the defaults, whatever ``CUF_*`` variables the shell exports.

    (``CUF_TIMEZONE=America/New_York`` in a developer's shell must not move the
    tests' meetings.) A test that wants a variable sets it with ``monkeypatch``.
    """
    for name in list(os.environ):
        if name.upper().startswith("CUF_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the shipped knowledge (real PDFs and fiches), built once per session.

    Tests that change an index copy it first (``shutil.copytree``).
    """
    index_dir = tmp_path_factory.mktemp("corpus") / "index"
    run_ingest(KNOWLEDGE, index_dir)
    return index_dir


# --- the state database: every store test runs on SQLite and on a real PostgreSQL ------

from postgres_server import PostgresServer, skip_or_fail, unavailable_reason  # noqa: E402

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL 15 server for the session (skipped, or failed under CI, if absent)."""
    reason = unavailable_reason()
    if reason is not None:
        skip_or_fail(reason)
    server = PostgresServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def database_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    """Where a store test keeps its state: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "state" / "db.sqlite3"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.new_database()
