"""``python -m bot backup`` then ``restore`` into a fresh folder: same state, same answers."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import Services
from bot.cli import main
from bot.ops.backup import MANIFEST
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]
ADMIN = 1001
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo("Europe/Paris"))
BIG_ID = 6_000_000_000  # Telegram ids use up to 52 bits


def _use(monkeypatch: pytest.MonkeyPatch, root: Path) -> Settings:
    """Point the CLI (settings from the environment) at ``root``'s state and knowledge."""
    monkeypatch.chdir(root)
    monkeypatch.setenv("CUF_STATE_DIR", str(root / "state"))
    monkeypatch.setenv("CUF_KNOWLEDGE_DIR", str(root / "knowledge"))
    monkeypatch.setenv("CUF_ADMIN_IDS", str(ADMIN))
    monkeypatch.setenv("CUF_CALENDAR_URLS", "")
    return Settings(_env_file=None)  # type: ignore[call-arg]


def _rows(database: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted: the whole state, to compare."""
    with sqlite3.connect(database) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        result = {
            name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)
            for name in names
        }
    connection.close()
    return result


def _populate(services: Services) -> None:
    members = services.members
    for user in (2001, 2002, 2003, BIG_ID):
        members.request_access(user, f"Élue {user}", f"elue{user}", NOW)
    members.decide(2001, True, ADMIN, NOW)
    members.decide(BIG_ID, True, ADMIN, NOW)
    members.decide(2002, False, ADMIN, NOW)  # 2003 stays pending
    subscriptions = services.subscriptions
    for chat, groups in {
        "2001": ["mali", "madagascar"],
        str(BIG_ID): ["burkina-faso"],
        "-1001234567890": ["mali", "mauritanie"],  # a group chat
    }.items():
        for group in groups:
            subscriptions.follow(chat, group)
    subscriptions.set_leads("2001", [10080, 60])
    answer = services.assistant.answer("Qui préside le groupe-pays Japon ?", "2001")
    answer_id = services.feedback.record_answer("2001", "Qui préside ?", answer, NOW)
    services.feedback.rate(answer_id, "2001", 2001, 1, NOW)


def test_backup_then_restore_into_a_fresh_folder_keeps_every_member_and_subscription(
    tmp_path: Path, built_index: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    origin, fresh, backups = tmp_path / "origin", tmp_path / "fresh", tmp_path / "backups"
    shutil.copytree(REPO / "knowledge", origin / "knowledge")
    shutil.copytree(built_index, origin / "state" / "index")
    fresh.mkdir()
    services = Services(_use(monkeypatch, origin))
    _populate(services)
    # The bot is running: a connection stays open, so the last writes are still in the
    # write-ahead log, which a plain copy of the database file misses.
    holder = sqlite3.connect(services.settings.database_path)
    holder.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    services.subscriptions.follow("2003", "mali")
    plain_copy = tmp_path / "cp.sqlite3"
    shutil.copyfile(services.settings.database_path, plain_copy)
    expected = _rows(services.settings.database_path)

    backed_up = main(["backup", str(backups / "one")])
    holder.close()

    _use(monkeypatch, fresh)
    restored = main(["restore", str(backups / "one")])
    again = main(["restore", str(backups / "one")])  # the fresh folder now holds state
    forced = main(["restore", "--force", str(backups / "one")])
    revived = Services(Settings(_env_file=None))  # type: ignore[call-arg]
    restored_rows = _rows(revived.settings.database_path)
    answer = revived.assistant.answer("Qui préside le groupe-pays Japon ?", "4242")

    assert backed_up == 0 and restored == 0 and forced == 0
    assert again == 1  # refused without --force: nothing overwritten by mistake
    assert _rows(plain_copy) != expected  # the plain copy lost the last follow
    assert restored_rows == expected
    assert revived.subscriptions.following("-1001234567890") == ["mali", "mauritanie"]
    assert revived.subscriptions.following("2003") == ["mali"]
    assert revived.subscriptions.leads("2001") == (10080, 60)
    assert revived.members.is_member(BIG_ID) and revived.members.is_member(2001)
    assert not revived.members.is_member(2002) and not revived.members.is_member(2003)
    assert {r.user_id: r.status for r in revived.members.requests()} == {
        r.user_id: r.status for r in services.members.requests()
    }
    assert answer.answered and "Karima Zerkani-Raynal" in answer.text
    assert sorted(p.name for p in (fresh / "knowledge").iterdir()) == sorted(
        p.name for p in (origin / "knowledge").iterdir()
    )


def test_a_damaged_or_incomplete_backup_is_refused_and_nothing_is_restored(
    tmp_path: Path,
    built_index: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    origin, fresh = tmp_path / "origin", tmp_path / "fresh"
    shutil.copytree(REPO / "knowledge" / "funding", origin / "knowledge" / "funding")
    services = Services(_use(monkeypatch, origin))
    services.subscriptions.follow("2001", "mali")
    assert main(["backup", "--without-index", str(tmp_path / "b")]) == 0
    occupied = main(["backup", str(tmp_path / "b")])  # not a fresh folder
    fiche = next((tmp_path / "b" / "knowledge" / "funding").iterdir())
    fiche.write_text(fiche.read_text(encoding="utf-8") + "\n# modifié\n", encoding="utf-8")
    (tmp_path / "half").mkdir()
    capsys.readouterr()

    fresh.mkdir()
    _use(monkeypatch, fresh)
    damaged = main(["restore", str(tmp_path / "b")])
    damaged_output = capsys.readouterr().out
    incomplete = main(["restore", str(tmp_path / "half")])
    incomplete_output = capsys.readouterr().out

    assert occupied == 1
    assert (
        damaged == 1 and "sauvegarde altérée (1 fichier(s) : knowledge/funding/" in damaged_output
    )
    assert incomplete == 1 and f"pas de {MANIFEST}" in incomplete_output
    assert not (fresh / "state").exists() and not (fresh / "knowledge").exists()
