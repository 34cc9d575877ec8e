"""``python -m bot backup DIR`` and ``python -m bot restore DIR``.

A backup folder holds the state database, a copy of ``knowledge/`` and the
published index generation (so a restored bot answers at once, without a cold
ingest), with a ``manifest.json`` of SHA-256 checksums written last:

    DIR/manifest.json
    DIR/database.sqlite3    SQLite's online backup API: a consistent copy while the bot
                            runs, write-ahead log included (a plain cp can miss it)
    DIR/database.pgdump     or pg_dump's custom format, when CUF_DATABASE_URL is PostgreSQL
    DIR/knowledge/          the content
    DIR/index/gen-…/        the index generation CURRENT named

The backup is written into ``DIR.partial`` and renamed when complete, so an
interrupted backup never looks like one. Restore checks every checksum first,
refuses to overwrite existing state without ``force`` (stop the bot first),
and replaces each part in one rename.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

from bot.messages import message
from bot.private_folder import make_private_folder
from bot.settings import Settings

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PGDUMP_FILE = "database.pgdump"
KNOWLEDGE = "knowledge"
INDEX = "index"
_FILE_MODE = 0o600


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, in one line."""


@dataclass
class BackupReport:
    folder: Path
    database: str
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    index_generation: str | None = None


# --- where the database is --------------------------------------------------------------


def database_kind(settings: Settings) -> str:
    """``sqlite`` or ``postgresql``, from ``CUF_DATABASE_URL`` when there is one."""
    url = _database_url(settings)
    if url is None or url.startswith("sqlite"):
        return "sqlite"
    if url.startswith(("postgresql", "postgres")):
        return "postgresql"
    raise BackupError(message("backup_unsupported_database", scheme=url.split(":", 1)[0]))


def _database_url(settings: Settings) -> str | None:
    value = getattr(settings, "database_url", None)
    if value is None:
        return None
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return text.strip() or None


def sqlite_path(settings: Settings) -> Path:
    """The SQLite file: ``sqlite:///path`` in ``CUF_DATABASE_URL``, else the state folder's."""
    url = _database_url(settings)
    if url and url.startswith("sqlite") and "///" in url:
        return Path(unquote(url.split("///", 1)[1].split("?", 1)[0]))
    return settings.database_path


def libpq_target(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without driver suffix nor password, and the environment carrying it.

    The password goes to ``PGPASSWORD`` so that it never shows in the process list.
    """
    parts = urlsplit(url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "postgres":
        scheme = "postgresql"
    env: dict[str, str] = {}
    netloc = parts.netloc
    if parts.password is not None:
        env["PGPASSWORD"] = unquote(parts.password)
        user = parts.username or ""
        host = netloc.rsplit("@", 1)[1]
        netloc = f"{user}@{host}" if user else host
    return urlunsplit((scheme, netloc, parts.path, parts.query, "")), env


# --- backup ------------------------------------------------------------------------------


def backup(settings: Settings, folder: Path, include_index: bool = True) -> BackupReport:
    """Write a complete backup into ``folder`` (which must not exist, or be empty)."""
    folder = folder.resolve()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(message("backup_folder_not_empty", folder=folder))
    partial = folder.with_name(folder.name + ".partial")
    if partial.exists():
        shutil.rmtree(partial)  # what an interrupted backup left
    make_private_folder(partial)
    kind = database_kind(settings)
    report = BackupReport(folder=folder, database=kind)
    try:
        if kind == "sqlite":
            report.tables = _backup_sqlite(sqlite_path(settings), partial / SQLITE_FILE)
        else:
            dump_postgres(_database_url(settings) or "", partial / PGDUMP_FILE)
        if settings.knowledge_dir.is_dir():
            shutil.copytree(settings.knowledge_dir, partial / KNOWLEDGE, symlinks=False)
        else:
            logger.warning("no knowledge folder at %s: not in the backup", settings.knowledge_dir)
        if include_index:
            report.index_generation = _backup_index(settings.index_dir, partial / INDEX)
        files = _checksums(partial)
        report.files = len(files)
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": kind,
            "tables": report.tables,
            "index_generation": report.index_generation,
            "files": files,
        }
        _write(partial / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        if folder.exists():
            folder.rmdir()  # empty, checked above
        os.replace(partial, folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return report


def _backup_sqlite(source: Path, target: Path) -> dict[str, int]:
    """SQLite's online backup API: consistent even while the bot writes."""
    if not source.exists():
        raise BackupError(message("backup_no_database", path=source))
    os.close(os.open(target, os.O_CREAT | os.O_WRONLY, _FILE_MODE))
    with _connect(source) as origin, _connect(target) as copy:
        origin.backup(copy)
    with _connect(target) as copy:
        check = copy.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(message("backup_inconsistent_copy", check=check))
        return table_counts(copy)


class _connect:
    """A SQLite connection closed on exit (``sqlite3``'s own context only commits)."""

    def __init__(self, path: Path, read_only: bool = False) -> None:
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        self.connection = sqlite3.connect(uri, uri=True, timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def table_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Rows per table (SQLite's own tables left out)."""
    names = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {
        name: int(connection.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0])
        for name in names
    }


def dump_postgres(url: str, target: Path) -> None:
    """``pg_dump`` in its custom format (schema and data, without owners or grants)."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(message("backup_no_pg_dump"))
    libpq_url, env = libpq_target(url)
    _run(
        [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"]
        + [f"--dbname={libpq_url}"],
        env,
        "pg_dump",
    )
    os.chmod(target, _FILE_MODE)


def _backup_index(index_dir: Path, target: Path) -> str | None:
    """Copy the generation ``CURRENT`` names (generations never change once published)."""
    from bot.index.layout import current_generation

    generation = current_generation(index_dir)
    if generation is None:
        logger.warning("no published index in %s: not in the backup", index_dir)
        return None
    target.mkdir()
    shutil.copytree(generation, target / generation.name)
    return generation.name


# --- restore ------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest, after checking every file against its checksum."""
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(message("backup_incomplete", folder=folder, manifest=MANIFEST))
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(message("backup_unknown_format", format=repr(manifest.get("format"))))
    expected: dict[str, str] = manifest["files"]
    found = _checksums(folder, skip={MANIFEST})
    damaged = sorted(
        name for name in set(expected) | set(found) if expected.get(name) != found.get(name)
    )
    if damaged:
        listed = ", ".join(damaged[:5]) + (" …" if len(damaged) > 5 else "")
        raise BackupError(message("backup_damaged", count=len(damaged), files=listed))
    return manifest


def restore(settings: Settings, folder: Path, force: bool = False) -> BackupReport:
    """Bring a backup back into the configured state and knowledge folders."""
    folder = folder.resolve()
    manifest = read_manifest(folder)
    kind = database_kind(settings)
    if manifest["database"] != kind:
        raise BackupError(message("backup_other_kind", saved=manifest["database"], kind=kind))
    if not force:
        _refuse_overwrite(settings, kind, manifest)
    report = BackupReport(folder=folder, database=kind, files=len(manifest["files"]))
    if kind == "sqlite":
        report.tables = _restore_sqlite(folder / SQLITE_FILE, sqlite_path(settings))
    else:
        load_postgres(folder / PGDUMP_FILE, _database_url(settings) or "")
    if (folder / KNOWLEDGE).is_dir():
        _replace_tree(folder / KNOWLEDGE, settings.knowledge_dir)
    generation = manifest.get("index_generation")
    if generation:
        _restore_index(folder / INDEX / generation, settings.index_dir)
        report.index_generation = generation
    return report


def _refuse_overwrite(settings: Settings, kind: str, manifest: dict[str, Any]) -> None:
    from bot.index.layout import current_generation

    problems = []
    if kind == "sqlite" and sqlite_path(settings).exists():
        with _connect(sqlite_path(settings)) as connection:
            if any(table_counts(connection).values()):
                problems.append(message("backup_database_not_empty", path=sqlite_path(settings)))
    knowledge = settings.knowledge_dir
    if knowledge.is_dir() and any(knowledge.iterdir()):
        problems.append(message("backup_knowledge_not_empty", folder=knowledge))
    if manifest.get("index_generation") and current_generation(settings.index_dir) is not None:
        problems.append(message("backup_index_published", folder=settings.index_dir))
    if problems:
        raise BackupError(message("backup_would_overwrite", problems="; ".join(problems)))


def _restore_sqlite(source: Path, target: Path) -> dict[str, int]:
    make_private_folder(target.parent)
    temporary = target.with_name(target.name + ".restoring")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_CREAT | os.O_WRONLY, _FILE_MODE))
    with _connect(source) as origin, _connect(temporary) as copy:
        origin.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        counts = table_counts(copy)
    _fsync(temporary)
    for suffix in ("-wal", "-shm", "-journal"):  # an old log must not replay over it
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    os.replace(temporary, target)
    return counts


def load_postgres(source: Path, url: str) -> None:
    """``pg_restore`` in one transaction, dropping what the dump recreates."""
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError(message("backup_no_pg_restore"))
    libpq_url, env = libpq_target(url)
    _run(
        [pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges"]
        + ["--single-transaction", "--exit-on-error", f"--dbname={libpq_url}", str(source)],
        env,
        "pg_restore",
    )


def _restore_index(generation: Path, index_dir: Path) -> None:
    from bot.index.layout import publish_generation

    index_dir.mkdir(parents=True, exist_ok=True)
    target = index_dir / generation.name
    if not target.exists():
        staging = index_dir / (generation.name + ".restoring")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(generation, staging)
        os.replace(staging, target)
    publish_generation(index_dir, target)


def _replace_tree(source: Path, target: Path) -> None:
    """Copy ``source`` beside ``target``, then swap them (the old copy is deleted last)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(target.name + ".restoring")
    old = target.with_name(target.name + ".before-restore")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(source, staging)
    if target.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staging, target)
    shutil.rmtree(old, ignore_errors=True)


# --- helpers ---------------------------------------------------------------------------------


def _checksums(folder: Path, skip: set[str] | None = None) -> dict[str, str]:
    result = {}
    for path in sorted(folder.rglob("*")):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in (skip or set()):
            digest = hashlib.sha256()
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
            result[name] = digest.hexdigest()
    return result


def _write(path: Path, text: str) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _run(command: list[str], env: dict[str, str], name: str) -> None:
    result = subprocess.run(
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        lines = (result.stderr or result.stdout or "").strip().splitlines()
        reason = lines[-1] if lines else result.returncode
        raise BackupError(message("backup_tool_failed", name=name, reason=reason))
