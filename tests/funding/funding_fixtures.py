"""Test data for the funding tests: the shipped folder, a clock, a valid fiche to vary."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.answers import Answer

SHIPPED = Path(__file__).resolve().parents[2] / "knowledge" / "funding"
# 22 November 2026, the date of the funding facts: every known call is closed.
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))

# The funding responder's answer to a message analysed as the assistant analyses it
# (``ask(question)`` or ``ask(question, now)``): the ``ask`` fixture.
Ask = Callable[..., Answer | None]

GOOD_FICHE: dict[str, Any] = {
    "id": "test_scheme",
    "name": "Dispositif de test",
    "short_name": "Test",
    "tagline": "un dispositif pour les tests",
    "aliases": ["dispositif de test"],
    "acronyms": ["DTEST"],
    "category": "appel_a_projets",
    "summary": "Un appel à projets fictif.",
    "funder": "Personne",
    "legal_basis": ["Aucune", {"text": "Article imaginaire", "confirmed": False}],
    "eligible": {
        "authorities": ["commune", "region"],
        "services": [],
        "summary": "Communes et régions.",
    },
    "what_it_funds": ["Des tests"],
    "amounts": [{"text": "jusqu'à 50 %", "year": 2025, "edition": "Règlement 2025"}],
    "how_to_apply": ["Dépôt en ligne"],
    "calendar": [{"edition": "Édition 2025", "opens": "2025-01-10", "closes": "2025-03-31"}],
    "official_url": "https://example.org/appel",
    "help_desk": [{"name": "Guichet test", "email": "test@example.org"}],
    "sources": [{"title": "Page test", "url": "https://example.org/source"}],
    "last_verified": "2026-11-22",
}


def good_fiche(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(GOOD_FICHE)
    data.update(changes)
    return data


def write_fiche(directory: Path, data: dict[str, Any], name: str | None = None) -> Path:
    path = directory / f"{name or data['id']}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
