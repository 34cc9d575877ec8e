"""What the reminder tests that run real ``python -m bot run`` processes share.

A copy of the shipped knowledge with one Mali meeting due soon, members following the
group, the environment of a bot process pointed at the emulator, and the reminders
the emulator received.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from bot.app import Services
from bot.settings import Settings

from .conftest import REPO
from .driver import Emulator


def knowledge_with_meeting(folder: Path, start: datetime, uid: str) -> Path:
    """A copy of the shipped knowledge plus one hour-long Mali meeting at ``start``."""
    knowledge = folder / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    stamp = start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Tests//Reminder fleet//FR\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:{stamp}\r\nDTSTART:{stamp}\r\n"
        "DURATION:PT1H\r\nSUMMARY:Réunion du groupe-pays Mali\r\n"
        "CATEGORIES:Groupe-pays Mali\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (knowledge / "meetings" / f"{uid}.ics").write_text(calendar, encoding="utf-8")
    return knowledge


def follow_mali(settings: Settings, chats: Iterable[int]) -> None:
    """Every chat of ``chats`` follows the Mali group, in the state ``settings`` name."""
    services = Services(settings)
    for chat in chats:
        services.subscriptions.follow(str(chat), "mali")
    services.database.close()


def bot_environment(
    emulator: Emulator, knowledge: Path, chats: Iterable[int], **cuf: str
) -> dict[str, str]:
    """The environment of a bot process: no inherited ``CUF_*``, the emulator, ``cuf``."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    return environment | {
        "PYTHONPATH": str(REPO),
        "CUF_TELEGRAM_TOKEN": emulator.token,
        "CUF_TELEGRAM_BASE_URL": emulator.bot_api_url,
        "CUF_ALLOWED_USER_IDS": ",".join(str(chat) for chat in chats),
        "CUF_KNOWLEDGE_DIR": str(knowledge),
        "CUF_CALENDAR_URLS": "",
        **{f"CUF_{name.upper()}": value for name, value in cuf.items()},
    }


async def reminders_sent(emulator: Emulator) -> list[int]:
    """The chat of every reminder the bots sent so far (one entry per message)."""
    return [chat for chat, text in await emulator.sent_texts() if text.startswith("🔔")]


def start_bot(environment: dict[str, str], cwd: Path) -> subprocess.Popen[bytes]:
    """A real ``python -m bot run`` process, quiet, with ``environment``."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=cwd,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
