"""The core never imports ``telegram``: only ``bot/telegram/`` may."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BOT = REPO / "bot"
_TELEGRAM_IMPORT = re.compile(r"^\s*(?:import|from)\s+telegram(?:[.\s,]|$)", re.MULTILINE)

_PROBE = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import bot.app, bot.assistant, bot.cli, bot.funding.explainer, bot.meetings.agenda
import bot.ingest.pipeline
from bot.app import Services
from bot.settings import Settings

state = Path(sys.argv[1])
settings = Settings(
    _env_file=None, state_dir=state, knowledge_dir=Path(sys.argv[2]),
    llm_base_url=None, calendar_urls=[],
)
answer = Services(settings).assistant.answer("Qui préside le groupe-pays Japon ?", "probe")
assert answer.answered, answer
print(sorted(name for name in sys.modules if name.split(".")[0] == "telegram"))
"""


def test_the_core_runs_without_importing_telegram(tmp_path: Path, built_index: Path) -> None:
    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")

    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(state), str(REPO / "knowledge")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_module_outside_bot_telegram_imports_telegram() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted(BOT.rglob("*.py"))
        if BOT / "telegram" not in path.parents
        and _TELEGRAM_IMPORT.search(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_the_scan_recognises_telegram_imports() -> None:
    assert _TELEGRAM_IMPORT.search("import telegram\n")
    assert _TELEGRAM_IMPORT.search("x = 1\nfrom telegram.ext import Application\n")
    assert _TELEGRAM_IMPORT.search("    from telegram import Update\n")
    assert not _TELEGRAM_IMPORT.search("from bot.telegram import application\n")
    assert not _TELEGRAM_IMPORT.search("import telegram_helpers\n")
    assert any(
        _TELEGRAM_IMPORT.search(path.read_text(encoding="utf-8"))
        for path in (BOT / "telegram").rglob("*.py")
    )
