"""The console chat as an operator uses it: Ctrl-C in the middle of an answer leaves quietly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_ctrl_c_during_the_first_answer_prints_no_traceback(
    tmp_path: Path, built_index: Path
) -> None:
    shutil.copytree(built_index, tmp_path / "state" / "index")
    environment = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    environment.update(
        PYTHONPATH=str(REPO),
        CUF_KNOWLEDGE_DIR=str(REPO / "knowledge"),
        CUF_STATE_DIR=str(tmp_path / "state"),
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
    process.stdin.write("Qui préside le groupe-pays Mali ?\n")
    process.stdin.flush()
    time.sleep(0.5)  # the first answer loads the index and the model: several seconds
    process.send_signal(signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    assert len(output.splitlines()) <= 2
