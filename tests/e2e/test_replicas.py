"""Two bot processes on one PostgreSQL: one reminder worker, replaced when it dies, none lost.

Both processes run the real bot (``python -m bot run``) in webhook mode, as replicas
behind a load balancer would, against the emulator and share the state in a real
PostgreSQL. 1,000 members follow a group whose meeting
starts in 40 minutes, so 1,000 reminders are due at once. Only the process elected
through the advisory lock sends; it is killed with SIGKILL mid-run; the other one takes
over, and every member gets the reminder, once (a duplicate is possible only for the
one reminder the killed process was sending). Figures are printed (``pytest -s``).
"""

from __future__ import annotations

import asyncio
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.settings import Settings

from .conftest import free_port
from .driver import Emulator
from .reminder_fleet import bot_environment, follow_mali, knowledge_with_meeting, reminders_sent

CHATS = 1_000
FIRST_CHAT = 500_000
PARIS = ZoneInfo("Europe/Paris")


async def test_two_bots_on_postgresql_one_worker_killed_every_reminder_once(
    emulator: Emulator, built_index: Path, tmp_path: Path, postgres_server
) -> None:
    url = postgres_server.new_database()
    start = (datetime.now(PARIS) + timedelta(minutes=40)).replace(second=0, microsecond=0)
    knowledge = knowledge_with_meeting(tmp_path, start, "replicas")
    chats = [FIRST_CHAT + index for index in range(CHATS)]
    setup = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=tmp_path / "setup",
        database_url=url,
    )
    follow_mali(setup, chats)
    environment = bot_environment(
        emulator,
        knowledge,
        chats,
        database_url=url,
        reminder_leads_minutes="1440,60",
        reminder_sweep_seconds="1",
        reminder_lease_seconds="5",
        telegram_mode="webhook",
        webhook_secret="replicas-share-this-secret_2",
        webhook_listen="127.0.0.1",
    )
    logs = {name: tmp_path / f"bot-{name}.log" for name in ("a", "b")}
    processes: dict[str, subprocess.Popen[bytes]] = {}
    for name, log in logs.items():
        state = tmp_path / name / "state"
        shutil.copytree(built_index, state / "index")
        port = free_port()
        webhook = {"CUF_WEBHOOK_PORT": str(port), "CUF_WEBHOOK_URL": f"http://127.0.0.1:{port}/tg"}
        with log.open("wb") as output:
            processes[name] = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=tmp_path / name,
                env=environment | webhook | {"CUF_STATE_DIR": str(state)},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def elected(name: str) -> bool:
        return "reminders: elected" in logs[name].read_text(encoding="utf-8", errors="replace")

    started = time.monotonic()
    try:
        # Wait for the first reminders, then kill whichever process sends them.
        while len(await reminders_sent(emulator)) < 50:
            assert all(process.poll() is None for process in processes.values()), {
                name: log.read_text(errors="replace")[-2000:] for name, log in logs.items()
            }
            assert time.monotonic() - started < 300, "no reminder sent within 5 minutes"
            await asyncio.sleep(0.05)
        leaders = [name for name in processes if elected(name)]
        assert len(leaders) == 1, leaders  # only the elected worker sweeps
        [leader] = leaders
        [survivor] = [name for name in processes if name != leader]
        processes[leader].send_signal(signal.SIGKILL)
        processes[leader].wait(timeout=30)
        killed_at = len(await reminders_sent(emulator))
        deadline = time.monotonic() + 300
        while len(set(await reminders_sent(emulator))) < CHATS:
            assert time.monotonic() < deadline, "the other process did not finish the job"
            await asyncio.sleep(0.2)
        assert elected(survivor)
        await asyncio.sleep(2)  # a few more sweeps: nothing more may be sent
        sent = await reminders_sent(emulator)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    seconds = time.monotonic() - started
    duplicates = len(sent) - len(set(sent))
    print(
        f"\ntwo bots on one PostgreSQL: {CHATS} reminders, worker killed after {killed_at}, "
        f"{len(set(sent))} delivered, {duplicates} duplicate(s), {seconds:.1f} s"
    )
    assert set(sent) == set(chats)
    assert duplicates <= 1
