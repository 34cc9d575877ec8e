"""The README's main command, as a user runs it: ``python -m bot run`` with a token in ``.env``."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from .conftest import MEMBER_ID, REPO, free_port
from .driver import Emulator


def _start_bot(directory: Path, *arguments: str, **settings: str) -> subprocess.Popen[str]:
    """``python -m bot … run`` in ``directory`` with only the given ``CUF_*`` settings."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    environment.update(PYTHONPATH=str(REPO), **settings)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *arguments, "run"],
        cwd=directory,  # where .env is read from
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


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
    process = _start_bot(tmp_path, "-v")  # every setting comes from .env
    try:
        member = emulator.chat(MEMBER_ID)
        await member.say("Qui préside le groupe-pays Japon ?")
        answer = await member.reply(timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)

    assert "Karima Zerkani-Raynal" in answer.text
    assert "Démarrage du bot Telegram" in output
    assert process.returncode == 0
    secret = emulator.token.split(":", 1)[1]
    assert secret not in output  # not even at DEBUG level


async def test_webhook_mode_answers_and_refuses_updates_without_the_secret(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    shutil.copytree(built_index, tmp_path / "state" / "index")
    port = free_port()
    webhook_url = f"http://127.0.0.1:{port}/telegram"
    settings = {
        "CUF_TELEGRAM_TOKEN": emulator.token,
        "CUF_TELEGRAM_BASE_URL": emulator.bot_api_url,
        "CUF_ALLOWED_USER_IDS": str(MEMBER_ID),
        "CUF_KNOWLEDGE_DIR": str(REPO / "knowledge"),
        "CUF_STATE_DIR": str(tmp_path / "state"),
        "CUF_WEBHOOK_URL": webhook_url,  # a webhook URL alone means webhook mode
        "CUF_WEBHOOK_SECRET": "s3cret-webhook-token",
        "CUF_WEBHOOK_LISTEN": "127.0.0.1",
        "CUF_WEBHOOK_PORT": str(port),
    }
    process = _start_bot(tmp_path, **settings)
    try:
        await _wait_for_listener(f"http://127.0.0.1:{port}/healthz")
        # setWebhook is a deploy step, not something the replica does at start.
        environment = {k: v for k, v in os.environ.items() if not k.startswith("CUF_")}
        deploy = subprocess.run(
            [sys.executable, "-m", "bot", "webhook", "set"],
            env={**environment, "PYTHONPATH": str(REPO), **settings},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        forged = await emulator.client.post(webhook_url, json={"update_id": 1})
        member = emulator.chat(MEMBER_ID)
        await member.say("Qui préside le groupe-pays Japon ?")
        answer = await member.reply(timeout=60)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=30)

    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    assert forged.status_code == 403  # no secret header: refused
    assert "Karima Zerkani-Raynal" in answer.text


async def _wait_for_listener(url: str, seconds: float = 120) -> None:
    """Until the replica's webhook listener answers (it starts once the bot is loaded)."""
    deadline = asyncio.get_running_loop().time() + seconds
    async with httpx.AsyncClient(timeout=5) as client:
        while asyncio.get_running_loop().time() < deadline:
            try:
                await client.get(url)
                return
            except httpx.HTTPError:
                await asyncio.sleep(0.2)
    raise AssertionError(f"the webhook listener never answered at {url}")
