"""``python -m bot funding`` through its own argparse registration and handler."""

from __future__ import annotations

import argparse
import importlib.util
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest

from bot.funding.catalog import FundingCatalog


def _load_command_module() -> ModuleType:
    """``bot.cli.funding``; loaded from its file while sibling commands are still being written."""
    try:
        from bot.cli import funding

        return funding
    except ImportError:
        path = Path(__file__).resolve().parents[2] / "bot" / "cli" / "funding.py"
        spec = importlib.util.spec_from_file_location("bot_cli_funding_under_test", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


funding_cli = _load_command_module()


@dataclass
class StubServices:
    """The two things the command uses from :class:`bot.app.Services`."""

    funding_catalog: FundingCatalog

    def now(self) -> datetime:
        return datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def _run(catalog: FundingCatalog, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    funding_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["funding", *argv])
    result: int = args.handler(args, StubServices(catalog))
    return result


def test_list(catalog: FundingCatalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(catalog) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 17
    assert lines[0].startswith("afd_ficol ")
    assert "FICOL (AFD) — subvention de l'AFD" in lines[0]


def test_list_json(catalog: FundingCatalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(catalog, "--json") == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {
        "id": "afd_ficol",
        "name": "FICOL – Facilité de financement des collectivités territoriales françaises (AFD)",
        "summary": (
            "subvention de l'AFD aux projets de développement portés par une collectivité, "
            "appel à idées annuel"
        ),
    }


def test_show_one(catalog: FundingCatalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(catalog, "afd_ficol") == 0
    out = capsys.readouterr().out
    assert out.startswith("FICOL – Facilité de financement")
    assert "• FICOL 2024 : clos depuis le 13 septembre 2024" in out
    assert "Ce que ça finance :" in out
    assert out.rstrip().endswith("Vérifié le 22 novembre 2026.")


def test_show_one_json(catalog: FundingCatalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(catalog, "cuf_dcol", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["id"] == "cuf_dcol" and data["last_verified"] == "2026-11-22"


def test_unknown_id(catalog: FundingCatalog, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(catalog, "nimportequoi") == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "Fiche inconnue : « nimportequoi ». Fiches disponibles : afd_ficol,"
    )


def test_unknown_id_suggests_a_fiche_by_name(
    catalog: FundingCatalog, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(catalog, "FICOL") == 1
    assert capsys.readouterr().err.startswith(
        "Fiche inconnue : « FICOL ». Vouliez-vous dire « afd_ficol » ?"
    )
