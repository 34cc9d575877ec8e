"""Fiches: ``.yml`` fully supported, a fiche with an impossible date skipped by name.

Regression tests for issue 14 (items 1 and 10), through ``python -m bot funding``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from funding_fixtures import SHIPPED

from bot.app import Services
from bot.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def run_funding(knowledge: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CUF_")}
    env.update(CUF_KNOWLEDGE_DIR=str(knowledge), CUF_STATE_DIR=str(knowledge.parent / "state"))
    return subprocess.run(
        [sys.executable, "-m", "bot", "funding", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=knowledge.parent,
        timeout=120,
        check=False,
    )


def knowledge_with(tmp_path: Path) -> Path:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(SHIPPED, knowledge / "funding")
    # One fiche saved as .yml, one with an impossible date.
    (knowledge / "funding" / "cncd.yaml").rename(knowledge / "funding" / "cncd.yml")
    path = knowledge / "funding" / "afd_ficol.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text(
        "\n".join(
            "last_verified: 2024-02-30" if line.startswith("last_verified:") else line
            for line in lines
        ),
        encoding="utf-8",
    )
    return knowledge


def test_yml_fiches_are_listed_and_shown_and_a_bad_date_is_skipped_by_name(tmp_path):
    knowledge = knowledge_with(tmp_path)

    listing = run_funding(knowledge)

    assert listing.returncode == 0, listing.stderr
    ids = [line.split()[0] for line in listing.stdout.splitlines() if line.strip()]
    assert "cncd" in ids and "afd_ficol" not in ids
    assert len(ids) == len(list(SHIPPED.glob("*.yaml"))) - 1
    assert "Fiche ignorée : afd_ficol.yaml: invalid YAML" in listing.stderr
    assert "day is out of range for month" in listing.stderr

    shown = run_funding(knowledge, "cncd")
    assert shown.returncode == 0, shown.stderr
    assert "CNCD" in shown.stdout


def test_yml_fiche_is_in_the_dispositifs_catalog_and_cited_by_its_file(tmp_path):
    knowledge = knowledge_with(tmp_path)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        state_dir=tmp_path / "state",
    )
    catalog = Services(settings).funding_catalog  # what /dispositifs lists
    fiche = catalog.get("cncd")
    assert fiche is not None and fiche.file == "funding/cncd.yml"
    assert [error.split(":")[0] for error in catalog.errors] == ["afd_ficol.yaml"]
