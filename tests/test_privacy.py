"""``/oublier`` (``bot forget``) really erases, state files are private, logs hold no questions.

Regression tests for issue 14, item 9 (the parts outside the Telegram adapter).
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import Services
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"
SECRET = "Zorblaxquette"  # a word that exists nowhere else


def run_bot(state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    env.update(CUF_KNOWLEDGE_DIR=str(KNOWLEDGE), CUF_STATE_DIR=str(state), CUF_CALENDAR_URLS="")
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=state.parent,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result


def state_bytes(state: Path) -> bytes:
    """Every byte of the state folder but the search index."""
    return b"".join(
        path.read_bytes()
        for path in sorted(state.rglob("*"))
        if path.is_file() and "index" not in path.relative_to(state).parts
    )


@pytest.fixture
def state(tmp_path: Path, built_index: Path) -> Path:
    folder = tmp_path / "state"
    shutil.copytree(built_index, folder / "index")
    os.chmod(folder, 0o755)  # as an older version left it
    return folder


def test_forget_leaves_no_trace_of_the_question_in_the_files(state: Path) -> None:
    question = f"Que sait-on du projet {SECRET} au Mali ?"
    run_bot(state, "ask", question, "--chat", "42")
    run_bot(state, "ask", "Qui préside le groupe-pays Mali ?", "--chat", "43")
    assert SECRET.encode() in state_bytes(state)  # stored for follow-ups and the logs

    run_bot(state, "forget", "--chat", "42")

    assert SECRET.encode() not in state_bytes(state)
    assert b"groupe-pays Mali" in state_bytes(state)  # another chat's turn is kept


def test_state_folder_is_0700_and_database_files_0600(state: Path) -> None:
    run_bot(state, "ask", "Qui préside le groupe-pays Mali ?", "--chat", "44")
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    files = [path for path in state.glob("cuf.sqlite3*") if path.is_file()]
    assert files and {stat.S_IMODE(path.stat().st_mode) for path in files} == {0o600}


def test_unanswered_questions_are_not_logged_above_debug(
    state: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=KNOWLEDGE,
        state_dir=state,
        calendar_urls=[],
        llm_base_url=None,
    )
    services = Services(settings)
    with caplog.at_level(logging.DEBUG):
        for question in (f"{SECRET} ?", f"Quelle est la recette du {SECRET} ?"):
            services.assistant.answer(question, "45")
    above_debug = [r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG]
    assert not any(SECRET in message for message in above_debug)
