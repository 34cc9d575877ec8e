"""Start the Telegram Bot API emulator (Node) once per session, on a free loopback port.

Without Node the e2e tests skip with the reason, except under ``CI=true`` where
they fail: the CI must run them.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from ports import free_port

from bot.app import Services
from bot.settings import Settings
from bot.telegram.application import AnyApplication, build_application
from bot.telegram.meetings import LEADER, SWEEPING

from .driver import Emulator, watching

EMULATOR_DIR = Path(__file__).parent / "emulator"
_START_TIMEOUT_SECONDS = 30
_tokens = itertools.count(1)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the end-to-end tests must run here)")
    pytest.skip(reason)


def _ensure_node_modules(node: str) -> None:
    """Install the pinned emulator (``npm ci``) when ``node_modules`` is missing."""
    if (EMULATOR_DIR / "node_modules" / "telegram-test-api" / "package.json").exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        _unavailable("npm not found: cannot install the Telegram emulator (telegram-test-api)")
        return
    command = [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(EMULATOR_DIR)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if result.returncode != 0:
        _unavailable(f"`npm ci --prefix {EMULATOR_DIR}` failed: {result.stderr.strip()[-500:]}")


def _wait_ready(process: subprocess.Popen[str]) -> str:
    """The emulator's first stdout line (``READY <port>``), or what it said when it died."""
    lines: list[str] = []
    reader = threading.Thread(
        target=lambda: lines.append(process.stdout.readline() if process.stdout else ""),
        daemon=True,
    )
    reader.start()
    reader.join(_START_TIMEOUT_SECONDS)
    return lines[0].strip() if lines else ""


@pytest.fixture(scope="session")
def emulator_url() -> Iterator[str]:
    """Base URL of a running emulator (``http://127.0.0.1:PORT``)."""
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js (`node`) not found: the end-to-end Telegram tests need it")
        return
    _ensure_node_modules(node)
    for _attempt in range(3):  # the free port may be taken between probe and listen
        port = free_port()
        process = subprocess.Popen(
            [node, str(EMULATOR_DIR / "launch.js"), "--port", str(port), "--host", "127.0.0.1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        if _wait_ready(process) == f"READY {port}":
            break
        process.kill()
        _stdout, stderr = process.communicate(timeout=10)
    else:
        pytest.fail(f"the Telegram emulator did not start: {stderr.strip()[-1000:]}")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


@pytest.fixture
async def emulator(emulator_url: str) -> AsyncIterator[Emulator]:
    """The emulator with a bot token of its own (so tests never see each other's messages)."""
    token = f"{100000 + next(_tokens)}:TEST-{os.getpid()}-SECRET-token"
    async with httpx.AsyncClient(timeout=30) as client:
        yield Emulator(emulator_url, token, client)


# --- the real application, against the emulator ---------------------------------------

REPO = Path(__file__).resolve().parents[2]
ADMIN_ID, MEMBER_ID = 1001, 1002


# What ``make_services`` returns: the real services with the test's clock (the one seam
# for time), nothing overridden.
ClockedServices = Services


@pytest.fixture
def make_services(tmp_path: Path, emulator: Emulator) -> Callable[..., ClockedServices]:
    """Services on a fresh state dir, talking to the emulator; settings overridable."""

    def make(clock: datetime | None = None, **overrides: Any) -> ClockedServices:
        values: dict[str, Any] = {
            "state_dir": tmp_path / "state",
            "knowledge_dir": REPO / "knowledge",
            "telegram_token": emulator.token,
            "telegram_base_url": emulator.bot_api_url,
            "admin_ids": [ADMIN_ID],
            "allowed_user_ids": [MEMBER_ID],
            "llm_base_url": None,
            "calendar_urls": [],
            "webhook_url": None,
        }
        values.update(overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        when = clock or datetime(2025, 3, 3, 9, 0, tzinfo=ZoneInfo(settings.timezone))
        return Services(settings, clock=lambda: when)

    return make


@asynccontextmanager
async def running_bot(services: Services, **options: Any) -> AsyncIterator[AnyApplication]:
    """Run the bot as ``run_polling`` does: initialize, post_init, polling, start, then stop,
    shutdown and post_shutdown (which lets the reminder lead go, as a stopping bot does)."""
    application = build_application(services, **options)
    try:
        async with application:
            if application.post_init is not None:
                await application.post_init(application)
            assert application.updater is not None
            await application.updater.start_polling(timeout=1, poll_interval=0)
            await application.start()
            try:
                with watching(application):
                    yield application
            finally:
                await application.updater.stop()
                await application.stop()
    finally:
        if application.post_shutdown is not None:
            await application.post_shutdown(application)


async def swept(application: AnyApplication) -> None:
    """Wait until this run has made a whole reminder sweep (led, and no sweep under way)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lock = application.bot_data.get(SWEEPING)
        if application.bot_data[LEADER].leading and lock is not None and not lock.locked():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot never finished a reminder sweep")


@pytest.fixture
def answering_services(
    tmp_path: Path, built_index: Path, make_services: Callable[..., ClockedServices]
) -> Callable[..., ClockedServices]:
    """Services whose state dir holds a copy of the session's index."""

    def make(clock: datetime | None = None, **overrides: Any) -> ClockedServices:
        state = tmp_path / "state"
        if not (state / "index").exists():
            shutil.copytree(built_index, state / "index")
        return make_services(clock, **overrides)

    return make
