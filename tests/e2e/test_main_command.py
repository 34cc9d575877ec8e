"""The README's main command, as a user runs it: ``python -m bot run`` with a token in ``.env``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from .conftest import MEMBER_ID, REPO
from .driver import Emulator


async def test_with_a_token_in_dotenv_the_main_command_starts_the_bot(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    shutil.copytree(built_index, tmp_path / "state" / "index")
    (tmp_path / ".env").write_text(
        f"CUF_TELEGRAM_TOKEN={emulator.token}\n"
        f"CUF_TELEGRAM_BASE_URL={emulator.bot_api_url}\n"
        f"CUF_ALLOWED_USER_IDS={MEMBER_ID}\n"
        f"CUF_KNOWLEDGE_DIR={REPO / 'knowledge'}\n"
        f"CUF_STATE_DIR={tmp_path / 'state'}\n",
        encoding="utf-8",
    )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    environment["PYTHONPATH"] = str(REPO)
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "-v", "run"],
        cwd=tmp_path,  # .env is read from the working directory
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        member = emulator.chat(MEMBER_ID)
        await member.say("Qui préside le groupe-pays Mali ?")
        answer = await member.reply(timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)

    assert "Halima Menhoudj" in answer.text
    assert "Starting the Telegram bot" in output
    assert process.returncode == 0
    secret = emulator.token.split(":", 1)[1]
    assert secret not in output  # not even at DEBUG level
