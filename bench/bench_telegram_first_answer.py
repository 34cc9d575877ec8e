"""Benchmark: on Telegram, the first answer after a start against the tenth (ratio printed).

Run: .venv/bin/python bench/bench_telegram_first_answer.py [--index state/index]
Starts the Bot API emulator (tests/e2e/emulator, needs Node and `npm ci` there), then
``python -m bot run`` as the README says, and asks ten questions as one member, each
timed from sending it to receiving the answer. The index is copied from ``--index``
(built first in a temporary folder when there is none). Before a start-up loads the
model and the index (issue 11), the first answer took about 7 s and the tenth well
under one: the ratio shows whether the first member still pays for the loading.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.driver import Emulator  # noqa: E402

EMULATOR = REPO / "tests" / "e2e" / "emulator" / "launch.js"
MEMBER = 4242
QUESTIONS = [
    "Qui préside le groupe-pays Mali ?",
    "Qu'est-ce que la RAICT ?",
    "Qu'est-ce que le 1 % eau ?",
    "Que fait CUF pour le climat ?",
    "Qu'est-ce que l'ECSI ?",
    "Qui préside CUF ?",
    "Qu'est-ce que le Café des élus ?",
    "Quels sont les groupes-pays ?",
    "Qu'est-ce que le groupe-pays Japon ?",
    "Qui préside le groupe-pays Mali ?",  # the first one again: like is compared with like
]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _start_emulator() -> tuple[subprocess.Popen[str], str]:
    port = _free_port()
    node = shutil.which("node")
    if node is None:
        raise SystemExit("Node.js is needed for the emulator")
    process = subprocess.Popen(
        [node, str(EMULATOR), "--port", str(port)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    if process.stdout.readline().strip() != f"READY {port}":
        raise SystemExit("the emulator did not start (run `npm ci --prefix tests/e2e/emulator`)")
    return process, f"http://127.0.0.1:{port}"


def _start_bot(
    state: Path, base_url: str, token: str, latencies: list[int]
) -> tuple[subprocess.Popen[str], float]:
    """``python -m bot run``; returns the process and the seconds until it said it is ready.

    ``latencies`` receives each answer's latency as the bot logged it (its INFO line).
    """
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    environment.update(
        PYTHONPATH=str(REPO),
        CUF_TELEGRAM_TOKEN=token,
        CUF_TELEGRAM_BASE_URL=f"{base_url}/bot",
        CUF_ALLOWED_USER_IDS=str(MEMBER),
        CUF_RATE_LIMIT_PER_MINUTE="100",
        CUF_KNOWLEDGE_DIR=str(REPO / "knowledge"),
        CUF_STATE_DIR=str(state),
    )
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=state,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if "bot prêt" in line:
                ready.set()
            found = re.search(r"reply chat=\S+ kind=\S+ .*latency_ms=(\d+)", line)
            if found:
                latencies.append(int(found.group(1)))

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(300):
        process.kill()
        raise SystemExit("the bot never said it was ready")
    return process, time.perf_counter() - started


async def _ask_all(base_url: str, token: str) -> list[float]:
    async with httpx.AsyncClient(timeout=60) as client:
        member = Emulator(base_url, token, client).chat(MEMBER)
        seconds = []
        for question in QUESTIONS:
            started = time.perf_counter()
            await member.say(question)
            await member.reply(timeout=120)
            seconds.append(time.perf_counter() - started)
        return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=REPO / "state" / "index")
    args = parser.parse_args()
    emulator, base_url = _start_emulator()
    token = "424242:BENCH-first-answer"
    with tempfile.TemporaryDirectory() as directory:
        state = Path(directory)
        if args.index.is_dir():
            shutil.copytree(args.index, state / "index")
        else:
            from bot.ingest.pipeline import run_ingest

            run_ingest(REPO / "knowledge", state / "index")
        latencies: list[int] = []
        bot, ready_seconds = _start_bot(state, base_url, token, latencies)
        try:
            seconds = asyncio.run(_ask_all(base_url, token))
            time.sleep(0.5)  # the last log line
        finally:
            bot.terminate()
            bot.wait(30)
            emulator.terminate()
    print(f"start-up until ready (index and model loaded): {ready_seconds:6.2f} s")
    print("answer   round trip   in the bot (its log line)")
    for number, value in enumerate(seconds, 1):
        logged = f"{latencies[number - 1]:7d} ms" if number <= len(latencies) else "      ?"
        print(f"{number:6d} {1000 * value:9.0f} ms   {logged}")
    print(f"first / tenth answer, round trip: {seconds[0] / seconds[-1]:.2f}")
    if len(latencies) >= len(seconds):
        print(f"first / tenth answer, in the bot: {latencies[0] / max(latencies[-1], 1):.2f}")


if __name__ == "__main__":
    main()
