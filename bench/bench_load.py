"""Benchmark: N members asking questions at once, with a CPU-bound process competing.

Run: .venv/bin/python bench/bench_load.py [--members 50] [--messages 20] [--no-competitor]
Needs Node (the Telegram Bot API emulator of ``tests/e2e/emulator``, installed by
``npm ci --prefix tests/e2e/emulator``). Everything stays on loopback.

The real bot (``python -m bot run``) polls the emulator; each simulated member
sends a question, waits for the answer, then sends the next one (as a person in
a chat does), ``--messages`` times. Meanwhile another process spins on one core.
Printed: the latency from a member's message to the bot's answer (p50, p95,
max), answers per second, the CPU the bot used, and whether every member got
every answer, in order: each answer must begin as the bot's answer to that
question asked alone (``tests/data/dev_questions.json``, single questions; a
member's chat history may change some, which shows as "wrong").
"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
EMULATOR = REPO / "tests" / "e2e" / "emulator" / "launch.js"
TOKEN = "123456:BENCH-load-token"
POLL_SECONDS = 0.1
SETTLE_SECONDS = 0.5  # quiet time after which an answer is taken as complete
FIRST_MEMBER = 50_000

DEV_QUESTIONS = REPO / "tests" / "data" / "dev_questions.json"

# What the bot answers to each question asked alone, in a chat of its own (another
# process, so that the bot under test starts with nothing cached).
EXPECTED = r"""
import json, sys
from bot.app import build_services
from bot.settings import Settings
services = build_services(Settings())
for number, question in enumerate(json.loads(sys.argv[1])):
    answer = services.assistant.answer(question, f"alone-{number}")
    print(json.dumps([answer.text, len(answer.attachments)]))
"""


def single_questions() -> list[str]:
    from bot.evaluation import load_cases

    return [case["q"] for case in load_cases(DEV_QUESTIONS) if not case.get("turns")]


def opening(text: str) -> str:
    """The first words of an answer, as plain text (Telegram's copy is HTML)."""
    plain = html.unescape(re.sub(r"<[^>]+>", "", text))
    return " ".join(plain.split())[:40]


def start_emulator(port: int) -> subprocess.Popen[str]:
    node = shutil.which("node")
    if node is None:
        raise SystemExit("Node.js is needed for the Telegram emulator")
    process = subprocess.Popen(
        [node, str(EMULATOR), "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != f"READY {port}":
        process.kill()
        raise SystemExit(f"the emulator did not start: {line!r}")
    return process


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a running process (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Member:
    def __init__(self, client: httpx.AsyncClient, base: str, user_id: int) -> None:
        self.client, self.base, self.user_id = client, base, user_id
        self.seen: set[int] = set()
        self.latencies: list[float] = []
        self.mismatches = 0

    async def post(self, path: str, payload: dict[str, object]) -> object:
        response = await self.client.post(f"{self.base}{path}", json=payload)
        response.raise_for_status()
        return response.json().get("result")

    async def ask(self, text: str, files: int = 0, timeout: float = 600.0) -> str:
        """Ask, and read the answer: its text and the ``files`` sent after it."""
        user = {"id": self.user_id, "is_bot": False, "first_name": f"Élu {self.user_id}"}
        chat = {"id": self.user_id, "type": "private", "first_name": user["first_name"]}
        sent = time.perf_counter()
        await self.post(
            "/sendMessage",
            {"botToken": TOKEN, "from": user, "chat": chat, "date": 1_700_000_000, "text": text},
        )
        while time.perf_counter() - sent < timeout:
            fresh = await self.fresh()
            if fresh:
                self.latencies.append(time.perf_counter() - sent)
                # An answer may come in several messages (its text, then a file): the
                # member reads on until the files it expects have come and then nothing
                # more comes, as a person would before asking again, so that no part is
                # taken for the next answer (files queue behind other chats' messages
                # when the bot throttles its sending).
                while sum("document" in item["message"] for item in fresh) < files:
                    fresh += await self.fresh(after=POLL_SECONDS)
                while more := await self.fresh(after=SETTLE_SECONDS):
                    fresh += more
                return " ".join(item["message"].get("text") or "" for item in fresh)
            await asyncio.sleep(POLL_SECONDS)
        raise TimeoutError(f"member {self.user_id}: no answer to {text!r}")

    async def fresh(self, after: float = 0.0) -> list[dict[str, Any]]:
        """Messages to this member not seen before (looked for ``after`` seconds from now)."""
        await asyncio.sleep(after)
        stored = await self.post("/getUpdates", {"token": TOKEN, "chatId": self.user_id})
        fresh = [
            item
            for item in stored or []  # type: ignore[attr-defined]
            if int(item["messageId"]) not in self.seen
        ]
        self.seen.update(int(item["messageId"]) for item in fresh)
        return fresh

    async def converse(
        self, messages: int, offset: int, expected: dict[str, tuple[str, int]]
    ) -> None:
        questions = list(expected)
        for number in range(messages):
            question = questions[(offset + number * 7) % len(questions)]
            opening_words, files = expected[question]
            answer = await self.ask(question, files)
            if opening_words not in " ".join(html.unescape(answer).split()):
                self.mismatches += 1
                if self.mismatches == 1:
                    print(f"unexpected answer to {question!r}: {answer[:120]!r}")


async def load(
    base: str,
    members: int,
    messages: int,
    watched: dict[str, int],
    expected: dict[str, tuple[str, int]],
) -> tuple[list[Member], float, dict[str, float]]:
    """The crowd after its conversations, the seconds they took, and CPU seconds used."""
    limits = httpx.Limits(max_connections=members + 5)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        warm = Member(client, base, FIRST_MEMBER + members)
        await warm.ask("Bonjour")  # the bot is up and answering
        crowd = [Member(client, base, FIRST_MEMBER + number) for number in range(members)]
        before = {name: cpu_seconds(pid) for name, pid in watched.items()}
        started = time.perf_counter()
        await asyncio.gather(
            *(member.converse(messages, number, expected) for number, member in enumerate(crowd))
        )
        elapsed = time.perf_counter() - started
        used = {name: cpu_seconds(pid) - before[name] for name, pid in watched.items()}
        return crowd, elapsed, used


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--no-competitor", action="store_true")
    parser.add_argument("--index", type=Path, help="reuse this index folder (else built first)")
    args = parser.parse_args()

    port = free_port()
    emulator = start_emulator(port)
    processes: list[subprocess.Popen[str]] = []
    with tempfile.TemporaryDirectory() as state:
        env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
        env.update(
            PYTHONPATH=str(REPO),
            CUF_KNOWLEDGE_DIR=str(REPO / "knowledge"),
            CUF_STATE_DIR=state,
            CUF_TELEGRAM_TOKEN=TOKEN,
            CUF_TELEGRAM_BASE_URL=f"http://127.0.0.1:{port}/bot",
            CUF_ALLOWED_USER_IDS=",".join(
                str(FIRST_MEMBER + number) for number in range(args.members + 1)
            ),
            CUF_RATE_LIMIT_PER_MINUTE="10000",
        )
        if args.index:
            shutil.copytree(args.index, Path(state) / "index")
        else:
            subprocess.run(
                [sys.executable, str(REPO / "ingest.py"), "--quiet"], env=env, check=True
            )
        questions = single_questions()
        said = subprocess.run(
            [sys.executable, "-c", EXPECTED, json.dumps(questions)],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        expected = {
            question: (opening(text), files)
            for question, (text, files) in zip(questions, map(json.loads, said), strict=True)
        }
        try:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            processes.append(bot)
            if not args.no_competitor:
                spin = "while True: pass"
                processes.append(subprocess.Popen([sys.executable, "-c", spin], text=True))
            watched = {"bot": bot.pid, "emulator": emulator.pid}
            if not args.no_competitor:
                watched["competitor"] = processes[-1].pid
            crowd, elapsed, used = asyncio.run(
                load(f"http://127.0.0.1:{port}", args.members, args.messages, watched, expected)
            )
        finally:
            for process in reversed(processes):
                process.send_signal(signal.SIGINT if process is processes[0] else signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
            emulator.terminate()
            emulator.wait(timeout=10)
    latencies = sorted(latency for member in crowd for latency in member.latencies)
    p95 = latencies[min(len(latencies) - 1, round(0.95 * len(latencies)) - 1)]
    answered = sum(len(member.latencies) for member in crowd)
    wrong = sum(member.mismatches for member in crowd)
    competitor = "no competing process" if args.no_competitor else "one CPU-bound process beside"
    print(f"{args.members} members x {args.messages} messages, {competitor}")
    print(
        f"answers: {answered} / {args.members * args.messages}, "
        f"not the one expected (order or content): {wrong}"
    )
    print(
        f"latency p50 {1000 * statistics.median(latencies):.0f} ms, p95 {1000 * p95:.0f} ms, "
        f"max {1000 * latencies[-1]:.0f} ms (polled every {1000 * POLL_SECONDS:.0f} ms)"
    )
    print(f"throughput: {answered / elapsed:.1f} answers/s over {elapsed:.1f} s")
    print(
        f"CPU used meanwhile: bot {used['bot']:.1f} s ({1000 * used['bot'] / answered:.0f} ms "
        "per answer), "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in used.items() if name != "bot")
    )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
