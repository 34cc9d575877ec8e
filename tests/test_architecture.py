"""The package rules, all in one place.

- The core never imports ``telegram``: only ``bot/telegram/`` may.
- ``bot/index`` owns the index's on-disk format and imports no other package of the
  bot: the ingest writes it, retrieval and answering read it.
- No import cycle between the index, the ingest, retrieval and funding.
- Only the composition root (``bot/app.py``) and the adapters (command line, Telegram,
  operations) read ``Settings``; the domain's constructors take the values they use.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BOT = REPO / "bot"
_TELEGRAM_IMPORT = re.compile(r"^\s*(?:import|from)\s+telegram(?:[.\s,]|$)", re.MULTILINE)

_PROBE = """
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import bot.app, bot.assistant, bot.cli, bot.funding.explainer, bot.meetings.agenda
import bot.ingest.pipeline, bot.index.reader, bot.index.writer
import bot.meetings.reminders, bot.meetings.outbox, bot.meetings.responder, bot.meetings.planner
import bot.meetings.delivery, bot.db.schema
import bot.meetings.subscriptions, bot.members, bot.feedback, bot.answers
from bot.app import Services
from bot.settings import Settings

state = Path(sys.argv[1])
settings = Settings(
    _env_file=None, state_dir=state, knowledge_dir=Path(sys.argv[2]),
    llm_base_url=None, calendar_urls=[],
)
answer = Services(settings).assistant.answer("Qui préside le groupe-pays Japon ?", "probe")
assert answer.answered, answer
print(sorted(name for name in sys.modules if name.split(".")[0] == "telegram"))
"""


def test_the_core_runs_without_importing_telegram(tmp_path: Path, built_index: Path) -> None:
    state = tmp_path / "state"
    shutil.copytree(built_index, state / "index")

    result = subprocess.run(
        [sys.executable, "-c", _PROBE, str(state), str(REPO / "knowledge")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_no_module_outside_bot_telegram_imports_telegram() -> None:
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted(BOT.rglob("*.py"))
        if BOT / "telegram" not in path.parents
        and _TELEGRAM_IMPORT.search(path.read_text(encoding="utf-8"))
    ]

    assert offenders == []


def test_the_scan_recognises_telegram_imports() -> None:
    assert _TELEGRAM_IMPORT.search("import telegram\n")
    assert _TELEGRAM_IMPORT.search("x = 1\nfrom telegram.ext import Application\n")
    assert _TELEGRAM_IMPORT.search("    from telegram import Update\n")
    assert not _TELEGRAM_IMPORT.search("from bot.telegram import application\n")
    assert not _TELEGRAM_IMPORT.search("import telegram_helpers\n")
    assert any(
        _TELEGRAM_IMPORT.search(path.read_text(encoding="utf-8"))
        for path in (BOT / "telegram").rglob("*.py")
    )


# --- package dependencies ----------------------------------------------------------

_LAYERS = ("bot.index", "bot.ingest", "bot.retrieval", "bot.funding")


def _unit(module: str) -> str:
    """The package (``bot.ingest``) or top-level module (``bot.text``) a module belongs to."""
    return ".".join(module.split(".")[:2])


def _imported(path: Path) -> set[str]:
    """Every ``bot`` module ``path`` imports, lazy imports included, typing-only ones not."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for statement in block.body
        for node in ast.walk(statement)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            if node.module == "bot":
                found |= {f"bot.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("bot.")}


def _package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in BOT.rglob("*.py"):
        module = ".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__")
        source = _unit(module)
        targets = {_unit(name) for name in _imported(path)} - {source}
        graph.setdefault(source, set()).update(targets)
    return graph


def _reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in graph.get(stack.pop(), set()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_bot_index_imports_no_other_package_of_the_bot() -> None:
    graph = _package_graph()

    assert graph["bot.index"] == set()
    assert {"bot.ingest", "bot.retrieval", "bot.answering"} <= {
        source for source, targets in graph.items() if "bot.index" in targets
    }


def test_no_import_cycle_through_the_index_ingest_retrieval_or_funding() -> None:
    graph = _package_graph()

    cycles = [layer for layer in _LAYERS if layer in _reachable(graph, layer)]

    assert cycles == []


def test_the_dependency_scan_sees_lazy_imports_and_cycles(tmp_path: Path) -> None:
    module = tmp_path / "lazy.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "from bot import text\n"
        "if TYPE_CHECKING:\n    from bot.answers import Answer\n"
        "def load():\n    from bot.funding.schema import load_fiche\n",
        encoding="utf-8",
    )

    assert _imported(module) == {"bot.text", "bot.funding.schema"}
    assert _reachable({"a": {"b"}, "b": {"c"}, "c": {"a"}}, "a") == {"a", "b", "c"}
    assert "d" not in _reachable({"a": {"b"}, "d": {"a"}}, "a")


# --- who reads the settings ------------------------------------------------------------

_READS_SETTINGS = ("bot/app.py", "bot/settings.py", "bot/cli/", "bot/telegram/", "bot/ops/")


def _imports_settings(path: Path) -> bool:
    """Whether ``path`` imports the ``Settings`` class (typing-only imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.ImportFrom)
        and node.module == "bot.settings"
        and any(alias.name == "Settings" for alias in node.names)
        for node in ast.walk(tree)
    )


def test_only_the_composition_root_and_the_adapters_read_settings() -> None:
    readers = [
        str(path.relative_to(REPO)) for path in sorted(BOT.rglob("*.py")) if _imports_settings(path)
    ]

    offenders = [name for name in readers if not name.startswith(_READS_SETTINGS)]
    assert offenders == []
    assert "bot/app.py" in readers  # the scan sees the imports it looks for


def _imports_the_composition_root(path: Path) -> bool:
    """Whether ``path`` imports ``bot.app`` (typing-only imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return any(
        isinstance(node, ast.ImportFrom) and node.module == "bot.app" for node in ast.walk(tree)
    )


def test_domain_code_takes_values_not_the_services_object() -> None:
    importers = [
        str(path.relative_to(REPO))
        for path in sorted(BOT.rglob("*.py"))
        if _imports_the_composition_root(path)
    ]

    assert [name for name in importers if not name.startswith(_READS_SETTINGS)] == []
    assert "bot/cli/ask.py" in importers  # the scan sees the imports it looks for
