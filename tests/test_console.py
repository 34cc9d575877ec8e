"""The console chat as an operator uses it: Ctrl-C in the middle of an answer leaves quietly.

The answer is held in progress by a scripted model endpoint that replies late, so
the interrupt lands while the answer is being written, however fast the machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from llm_server import GOOD_KEY, MODEL, Reply, scripted_llm

REPO = Path(__file__).resolve().parents[1]
QUESTION = "Qui préside le groupe-pays Mali ?"


def test_ctrl_c_during_an_answer_prints_no_traceback(tmp_path: Path, built_index: Path) -> None:
    shutil.copytree(built_index, tmp_path / "state" / "index")
    with scripted_llm() as llm:
        llm.reply_with(Reply.text("trop tard", delay=60))
        environment = {
            key: value for key, value in os.environ.items() if not key.startswith("CUF_")
        }
        environment.update(
            PYTHONPATH=str(REPO),
            CUF_KNOWLEDGE_DIR=str(REPO / "knowledge"),
            CUF_STATE_DIR=str(tmp_path / "state"),
            CUF_LLM_BASE_URL=llm.base_url,
            CUF_LLM_MODEL=MODEL,
            CUF_LLM_API_KEY=GOOD_KEY,
            CUF_LLM_TIMEOUT_SECONDS="90",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat"],
            cwd=tmp_path,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert process.stdin is not None and process.stdout is not None
        assert process.stdout.readline().startswith("Assistant Cités Unies France.")
        process.stdin.write(QUESTION + "\n")
        process.stdin.flush()
        deadline = time.monotonic() + 120
        while llm.pending == 0 and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert llm.pending == 1, "the answer never reached the model"
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)

    assert process.returncode == 0
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    assert "trop tard" not in output
    assert len(output.splitlines()) <= 2  # the prompt, then the line Ctrl-C ends
