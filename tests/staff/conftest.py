"""Staff-side fixtures: real services over a copy of the knowledge and of the session's index."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from staff_helpers import MONDAY, FixedClockServices

from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge the test may change."""
    root = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", root)
    return root


@pytest.fixture
def state(tmp_path: Path, built_index: Path) -> Path:
    """A state folder holding a copy of the session's index."""
    root = tmp_path / "state"
    shutil.copytree(built_index, root / "index")
    return root


@pytest.fixture
def make_services(knowledge: Path, state: Path) -> Callable[..., FixedClockServices]:
    def make(clock: datetime = MONDAY, **overrides: Any) -> FixedClockServices:
        values: dict[str, Any] = {
            "knowledge_dir": knowledge,
            "state_dir": state,
            "llm_base_url": None,
            "calendar_urls": [],
        }
        values.update(overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        return FixedClockServices(settings, clock=lambda: clock)

    return make


@pytest.fixture
def cli_env(knowledge: Path, state: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``python -m bot`` run in-process on the same knowledge and state."""
    for name in ("CUF_LLM_BASE_URL", "CUF_CALENDAR_URLS", "CUF_TELEGRAM_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CUF_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("CUF_STATE_DIR", str(state))
    monkeypatch.chdir(state.parent)  # no .env from the repository
