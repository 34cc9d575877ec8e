"""The command line imports only the module of the command it runs."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from bot.cli import COMMANDS, build_parser, command_modules


def test_the_command_table_names_the_module_registering_each_command() -> None:
    registered: dict[str, str] = {}
    for name in dict.fromkeys(COMMANDS.values()):
        subparsers = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(f"bot.cli.{name}").register(subparsers)
        registered.update(dict.fromkeys(subparsers.choices, name))
    assert registered == COMMANDS


@pytest.mark.parametrize(
    ("argv", "module"),
    [
        (["-v", "ask", "bonjour"], "bot.cli.ask"),
        (["chat"], "bot.cli.ask"),
        (["reminders-due", "--send"], "bot.cli.meetings"),
    ],
)
def test_a_command_imports_its_module_only(argv: list[str], module: str) -> None:
    assert [found.__name__ for found in command_modules(argv)] == [module]
    command = next(word for word in argv if not word.startswith("-"))
    assert build_parser(argv).parse_args(argv).command == command


@pytest.mark.parametrize("argv", [[], ["--help"], ["askk"]])
def test_help_and_typos_see_every_command(argv: list[str]) -> None:
    modules = {module.__name__ for module in command_modules(argv)}
    assert modules == {f"bot.cli.{name}" for name in COMMANDS.values()}


def test_ask_imports_neither_alembic_nor_the_fitter_nor_langchain() -> None:
    code = (
        "import sys\n"
        "from bot.cli import build_parser\n"
        "build_parser(['ask', 'bonjour'])\n"
        "import bot.app, bot.assistant\n"
        "print(' '.join(sorted(m for m in ('alembic', 'bot.answering.fit', 'langchain_core',"
        " 'chromadb', 'bot.cli.meetings') if m in sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
