"""Health, metrics, JSON logs and webhook replicas: the real ``python -m bot`` against the emulator.

Each test starts the bot as an operator would (a process, settings in the
environment), reads the address of its health listener from its log, and talks
to it over real sockets.
"""

from __future__ import annotations

import asyncio
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from .conftest import MEMBER_ID, REPO, free_port
from .driver import Emulator

_HEALTH_LINE = re.compile(r"http://127\.0\.0\.1:(\d+)/healthz")
QUESTION = "Qui préside le groupe-pays Japon ?"
SECRET = "replicas-share-this-secret_1"


def environment(**settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    env.update(PYTHONPATH=str(REPO), **settings)
    return env


def cli(*arguments: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        env=environment(**settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@dataclass
class BotProcess:
    """A running ``python -m bot run`` whose output lines are collected as they come."""

    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    fresh: queue.Queue[str] = field(default_factory=queue.Queue)

    def read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self.fresh.put(line)

    async def wait_for(self, pattern: str, seconds: float = 120) -> re.Match[str]:
        """The first output line matching ``pattern`` (waiting for it)."""
        deadline = asyncio.get_running_loop().time() + seconds
        compiled = re.compile(pattern)
        while True:
            for line in self.lines:
                match = compiled.search(line)
                if match:
                    return match
            if asyncio.get_running_loop().time() > deadline or self.process.poll() is not None:
                raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))
            await asyncio.sleep(0.1)


@contextmanager
def bot_process(state: Path, **settings: str) -> Iterator[BotProcess]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        env=environment(**settings),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = BotProcess(process)
    reader = threading.Thread(target=running.read, daemon=True)
    reader.start()
    try:
        yield running
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(10)
        if process.stdout is not None:
            process.stdout.close()


def base_settings(emulator: Emulator, state: Path) -> dict[str, str]:
    return {
        "CUF_TELEGRAM_TOKEN": emulator.token,
        "CUF_TELEGRAM_BASE_URL": emulator.bot_api_url,
        "CUF_ALLOWED_USER_IDS": str(MEMBER_ID),
        "CUF_KNOWLEDGE_DIR": str(REPO / "knowledge"),
        "CUF_STATE_DIR": str(state),
        "CUF_HEALTH_PORT": "0",
        "CUF_HEALTH_CACHE_SECONDS": "0",
    }


def metric(text: str, name: str) -> float:
    """The value of one sample line of the exposition (0 when absent)."""
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def test_polling_bot_serves_health_and_metrics_and_logs_json(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")
    settings = base_settings(emulator, state) | {"CUF_LOG_FORMAT": "json"}
    with bot_process(state, **settings) as bot:
        port = int((await bot.wait_for(_HEALTH_LINE.pattern)).group(1))
        await bot.wait_for("bot prêt")
        async with httpx.AsyncClient(timeout=30) as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            before = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            member = emulator.chat(MEMBER_ID)
            await member.say(QUESTION)
            answer = await member.reply(timeout=60)
            after = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
            # Telegram stops answering getMe: the bot is not healthy any more.
            await emulator.inject_fault("getMe", 500, count=50)
            try:
                unreachable = await client.get(f"http://127.0.0.1:{port}/healthz")
            finally:  # faults are per method for every token: leave none behind
                await emulator.inject_fault("getMe", 500, count=0)
        output = list(bot.lines)
    assert bot.process.returncode == 0

    assert "Karima Zerkani-Raynal" in answer.text
    assert health.status_code == 200, health.text
    body = health.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "index", "telegram"}  # no LLM configured
    assert body["checks"]["telegram"]["detail"] == "@TestNameBot"
    documents = 'cuf_answers_total{kind="documents",outcome="answered"}'
    assert metric(after, documents) == metric(before, documents) + 1
    assert metric(after, "cuf_answer_latency_seconds_count") == 1
    assert unreachable.status_code == 503
    assert unreachable.json()["checks"]["telegram"]["ok"] is False
    # Every log line is a JSON object (the start-up lines printed for people are not logs).
    logs = [line for line in output if line.startswith("{")]
    entries = [json.loads(line) for line in logs]
    assert any(entry["message"].startswith("bot prêt") for entry in entries)
    assert any(entry["message"].startswith("reply chat=") for entry in entries)
    assert not [line for line in output if re.match(r"\d{4}-\d\d-\d\d .* (INFO|WARNING) ", line)]
    assert emulator.token.split(":", 1)[1] not in "\n".join(output)


async def _post(url: str, secret: str | None, body: bytes) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with httpx.AsyncClient(timeout=30) as client:
        return await client.post(url, content=body, headers=headers)


async def test_webhook_replica_never_sets_its_webhook_the_deploy_step_does(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")
    hook_port = free_port()
    webhook_url = f"http://127.0.0.1:{hook_port}/telegram/updates"
    settings = base_settings(emulator, state) | {
        "CUF_TELEGRAM_MODE": "webhook",
        "CUF_WEBHOOK_URL": webhook_url,
        "CUF_WEBHOOK_SECRET": SECRET,
        "CUF_WEBHOOK_LISTEN": "127.0.0.1",
        "CUF_WEBHOOK_PORT": str(hook_port),
    }
    with bot_process(state, **settings) as bot:
        port = int((await bot.wait_for(_HEALTH_LINE.pattern)).group(1))
        await bot.wait_for("bot prêt")
        warning = (await bot.wait_for("webhook enregistré chez Telegram \\(aucun\\)")).group(0)
        info_before = cli("webhook", "info", **settings)
        deployed = cli("webhook", "set", **settings)
        member = emulator.chat(MEMBER_ID)
        await member.say(QUESTION)
        answer = await member.reply(timeout=60)
        forged = await _post(webhook_url, "wrong-secret", b'{"update_id": 1}')
        garbage = await _post(webhook_url, SECRET, b"not json")
        async with httpx.AsyncClient(timeout=30) as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            balancer = await client.get(f"http://127.0.0.1:{hook_port}/healthz")
            exposed = await client.get(f"http://127.0.0.1:{hook_port}/metrics")
            text = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        removed = cli("webhook", "delete", **settings)
    assert bot.process.returncode == 0

    assert warning  # the replica said the webhook is not registered, and did not register it
    assert json.loads(info_before.stdout)["url"] == ""
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert json.loads(deployed.stdout)["url"] == webhook_url
    assert "Karima Zerkani-Raynal" in answer.text
    assert forged.status_code == 403
    assert garbage.status_code == 400
    assert health.status_code == 200 and balancer.status_code == 200
    assert balancer.json()["checks"]["telegram"]["ok"] is True
    assert exposed.status_code == 404  # metrics stay on the private listener
    assert metric(text, 'cuf_webhook_updates_total{outcome="accepted"}') >= 1
    assert metric(text, 'cuf_webhook_updates_total{outcome="forbidden"}') == 1
    assert metric(text, 'cuf_webhook_updates_total{outcome="invalid"}') == 1
    assert json.loads(removed.stdout)["url"] == ""
    secret_part = emulator.token.split(":", 1)[1]
    assert secret_part not in "\n".join(bot.lines) + deployed.stdout + deployed.stderr


async def test_webhook_mode_without_a_secret_stops_at_once_naming_the_setting(
    emulator: Emulator, tmp_path: Path
) -> None:
    settings = base_settings(emulator, tmp_path / "state") | {
        "CUF_TELEGRAM_MODE": "webhook",
        "CUF_WEBHOOK_URL": "https://bot.example.org/telegram",
    }
    started = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=environment(**settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )
    deploy = cli("webhook", "set", **settings)

    assert started.returncode == 1
    assert "indexation" not in started.stdout  # said before any long work
    assert "CUF_WEBHOOK_SECRET est requis" in started.stdout
    assert deploy.returncode == 2 and "CUF_WEBHOOK_SECRET est requis" in deploy.stdout


async def test_two_webhook_replicas_behind_a_load_balancer_share_the_updates(
    emulator: Emulator, built_index: Path, tmp_path: Path
) -> None:
    """A round-robin balancer (real sockets) in front of two replicas on one state folder."""
    from bot.ops.http import Route, start_server, stop_server

    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")
    members = [MEMBER_ID, 2001, 2002, 2003]
    replica_ports = [free_port(), free_port()]
    path = "/telegram/updates"
    balancer_port = free_port()
    turn = {"next": 0}
    forwarded = [0, 0]

    async def balance(headers: dict[str, str], body: bytes) -> tuple[int, str, bytes]:
        index = turn["next"] % 2
        turn["next"] += 1
        forwarded[index] += 1
        secret = headers.get("x-telegram-bot-api-secret-token", "")
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                f"http://127.0.0.1:{replica_ports[index]}{path}",
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": secret,
                },
            )
        return response.status_code, "application/json", response.content

    balancer, _ = start_server([Route(path, post=balance)], "127.0.0.1", balancer_port)
    common = base_settings(emulator, state) | {
        "CUF_ALLOWED_USER_IDS": ",".join(str(member) for member in members),
        "CUF_TELEGRAM_MODE": "webhook",
        "CUF_WEBHOOK_URL": f"http://127.0.0.1:{balancer_port}{path}",
        "CUF_WEBHOOK_SECRET": SECRET,
        "CUF_WEBHOOK_LISTEN": "127.0.0.1",
    }
    try:
        with (
            bot_process(state, **common, CUF_WEBHOOK_PORT=str(replica_ports[0])) as first,
            bot_process(state, **common, CUF_WEBHOOK_PORT=str(replica_ports[1])) as second,
        ):
            health_ports = [
                int((await bot.wait_for(_HEALTH_LINE.pattern)).group(1)) for bot in (first, second)
            ]
            for bot in (first, second):
                await bot.wait_for("bot prêt")
            deployed = cli("webhook", "set", **common)
            chats = [emulator.chat(member) for member in members]
            for chat in chats:
                await chat.say(QUESTION)
            answers = [await chat.reply(timeout=60) for chat in chats]
            async with httpx.AsyncClient(timeout=30) as client:
                texts = [
                    (await client.get(f"http://127.0.0.1:{port}/metrics")).text
                    for port in health_ports
                ]
    finally:
        await stop_server(balancer)

    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    assert all("Karima Zerkani-Raynal" in answer.text for answer in answers)
    accepted = [metric(text, 'cuf_webhook_updates_total{outcome="accepted"}') for text in texts]
    assert accepted == [2, 2], accepted  # each replica got its share, and only that
    assert forwarded == [2, 2]
    answered = 'cuf_answers_total{kind="documents",outcome="answered"}'
    assert [metric(text, answered) for text in texts] == [2, 2]
