"""Tests run from the defaults whatever ``CUF_*`` variables the developer's shell exports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
# A test whose expected output is written in Paris time.
PARIS_TEST = "tests/meetings/test_meetings_agenda.py::test_agenda_json_covers_every_calendar_case"


def test_no_cuf_variable_reaches_a_test() -> None:
    assert [name for name in os.environ if name.upper().startswith("CUF_")] == []
    assert Settings(_env_file=None).timezone == "Europe/Paris"  # type: ignore[call-arg]


def test_a_shell_exporting_another_time_zone_changes_no_test_result() -> None:
    environment = {**os.environ, "CUF_TIMEZONE": "America/New_York", "CUF_HISTORY_TURNS": "1"}

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", PARIS_TEST],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=environment,
        timeout=600,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-2000:]
    assert "1 passed" in result.stdout
