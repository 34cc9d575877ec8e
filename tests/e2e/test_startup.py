"""Failing start-ups, as an operator sees them: one clear line, never the token.

Each case runs ``python -m bot -v run`` (DEBUG logs on, so nothing hides behind
the log level) with a token in the environment, and checks the combined output.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from .conftest import MEMBER_ID, REPO
from .driver import Emulator
from .test_main_command import _start_bot


def _settings(emulator: Emulator, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        "CUF_TELEGRAM_TOKEN": emulator.token,
        "CUF_TELEGRAM_BASE_URL": emulator.bot_api_url,
        "CUF_ALLOWED_USER_IDS": str(MEMBER_ID),
        "CUF_KNOWLEDGE_DIR": str(REPO / "knowledge"),
        "CUF_STATE_DIR": str(tmp_path / "state"),
        **extra,
    }


def _run(tmp_path: Path, built_index: Path, settings: dict[str, str]) -> tuple[int, str]:
    if not (tmp_path / "state" / "index").exists():
        shutil.copytree(built_index, tmp_path / "state" / "index")
    process = _start_bot(tmp_path, "-v", **settings)
    output, _ = process.communicate(timeout=120)
    return process.returncode, output


def _assert_no_token(output: str, token: str) -> None:
    assert token not in output
    assert token.split(":", 1)[1] not in output
    assert "Traceback" not in output


async def test_a_rejected_token_is_one_clear_line_without_the_token(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    await emulator.inject_fault("getMe", 401, description="Unauthorized")
    code, output = _run(tmp_path, built_index, _settings(emulator, tmp_path))
    _assert_no_token(output, emulator.token)
    assert code == 1
    assert output.strip().splitlines()[-1] == (
        "Impossible de démarrer : Telegram refuse le jeton CUF_TELEGRAM_TOKEN : vérifiez-le "
        "auprès de @BotFather (ou CUF_TELEGRAM_BASE_URL s'il désigne un autre serveur)."
    )


async def test_a_rejected_token_in_webhook_mode_too(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    await emulator.inject_fault("getMe", 401, description="Unauthorized")
    settings = _settings(
        emulator,
        tmp_path,
        CUF_WEBHOOK_URL="http://127.0.0.1:9/telegram",
        CUF_WEBHOOK_SECRET="s3cret-webhook-token",
    )
    code, output = _run(tmp_path, built_index, settings)
    _assert_no_token(output, emulator.token)
    assert "s3cret-webhook-token" not in output
    assert code == 1 and "Telegram refuse le jeton" in output


@pytest.mark.parametrize(
    "base_url",
    [
        "{emulator}",  # without its /bot ending: the token would become the port
        "{emulator}/bot{token}/",  # the token pasted into the URL
        "ftp://127.0.0.1/bot",
    ],
)
async def test_a_bad_base_url_is_refused_before_anything_with_its_setting_named(
    emulator: Emulator, built_index: Path, tmp_path: Path, base_url: str
) -> None:
    url = base_url.format(emulator=emulator.base_url, token=emulator.token)
    code, output = _run(
        tmp_path, built_index, _settings(emulator, tmp_path, CUF_TELEGRAM_BASE_URL=url)
    )
    _assert_no_token(output, emulator.token)
    assert code == 2
    assert output.strip().startswith("Réglage invalide CUF_TELEGRAM_BASE_URL : must ")
    assert len(output.strip().splitlines()) == 1


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connections are refused


async def test_an_unreachable_telegram_is_retried_with_backoff_then_one_line(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/bot"
    settings = _settings(
        emulator,
        tmp_path,
        CUF_TELEGRAM_BASE_URL=url,
        CUF_TELEGRAM_STARTUP_WAIT_SECONDS="4",
    )
    code, output = _run(tmp_path, built_index, settings)
    _assert_no_token(output, emulator.token)
    lines = [line for line in output.splitlines() if "Telegram" in line and "injoignable" in line]
    assert code == 1
    waits = [line.rsplit("nouvel essai dans ", 1)[-1] for line in lines[:-1]]
    assert waits[:2] == ["1 s…", "2 s…"]  # exponential backoff, then what is left of 4 s
    assert len(waits) <= 3
    assert all(line.startswith(f"Telegram injoignable à {url} (") for line in lines[:-1])
    assert lines[-1].startswith(f"Impossible de démarrer : Telegram reste injoignable à {url}")
