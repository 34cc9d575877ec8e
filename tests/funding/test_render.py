"""Date logic with a fixed clock: open, upcoming, closed and unknown editions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from funding_fixtures import good_fiche, write_fiche

from bot.funding.render import (
    CallStatus,
    amount_lines,
    calendar_lines,
    call_status,
    format_date,
    most_relevant,
    render_answer,
    render_document,
)
from bot.funding.schema import CalendarEntry, Fiche, load_fiche

ENTRY = CalendarEntry(edition="Édition 2025", opens=date(2025, 1, 10), closes=date(2025, 3, 31))


@pytest.mark.parametrize(
    ("today", "status"),
    [
        (date(2025, 1, 9), CallStatus.UPCOMING),
        (date(2025, 1, 10), CallStatus.OPEN),
        (date(2025, 3, 31), CallStatus.OPEN),
        (date(2025, 4, 1), CallStatus.CLOSED),
    ],
)
def test_call_status_boundaries(today: date, status: CallStatus) -> None:
    assert call_status(ENTRY, today) is status


def test_entry_without_dates_is_unknown() -> None:
    assert call_status(CalendarEntry(edition="2026"), date(2026, 1, 1)) is CallStatus.UNKNOWN


def _fiche(tmp_path: Path, **changes: object) -> Fiche:
    return load_fiche(write_fiche(tmp_path, good_fiche(**changes)))


def test_open_call_says_when_it_closes(tmp_path: Path) -> None:
    lines = calendar_lines(_fiche(tmp_path), date(2025, 2, 1))
    assert lines == ["Édition 2025 : ouvert, clôture le 31 mars 2025"]


def test_upcoming_call_says_when_it_opens(tmp_path: Path) -> None:
    lines = calendar_lines(_fiche(tmp_path), date(2024, 12, 1))
    assert lines == ["Édition 2025 : ouvrira le 10 janvier 2025, clôture le 31 mars 2025"]


def test_closed_call_says_closed_and_points_to_the_official_site(tmp_path: Path) -> None:
    lines = calendar_lines(_fiche(tmp_path), date(2026, 11, 22))
    assert lines == [
        "Édition 2025 : clos depuis le 31 mars 2025 (ouvert le 10 janvier 2025)",
        "Aucun appel ouvert connu à ce jour : prochaine édition sur https://example.org/appel",
    ]


def test_unknown_dates_are_said_unknown_and_unconfirmed(tmp_path: Path) -> None:
    fiche = _fiche(
        tmp_path,
        calendar=[{"edition": "Édition 2026", "note": "Dates non publiées.", "confirmed": False}],
    )
    assert calendar_lines(fiche, date(2026, 11, 22)) == [
        "Édition 2026 : Dates non publiées. (non confirmé)"
    ]


def test_rate_of_a_past_edition_carries_its_year_and_a_warning(tmp_path: Path) -> None:
    fiche = _fiche(tmp_path)
    assert amount_lines(fiche, date(2025, 6, 1)) == ["Règlement 2025 : jusqu'à 50 %"]
    assert amount_lines(fiche, date(2026, 11, 22)) == [
        "Règlement 2025 : jusqu'à 50 %",
        "Derniers montants connus : Règlement 2025. Vérifiez ceux de 2026 sur https://example.org/appel",
    ]


def test_format_date_french() -> None:
    assert format_date(date(2024, 3, 1)) == "1er mars 2024"
    assert format_date(date(2024, 5, 6)) == "6 mai 2024"


def test_answer_is_plain_text_with_bullets_and_verification_date(tmp_path: Path) -> None:
    text = render_answer(_fiche(tmp_path), date(2026, 11, 22))
    assert text.splitlines()[0] == "Dispositif de test"
    assert "• Règlement 2025 : jusqu'à 50 %" in text
    assert text.endswith("Vérifié le 22 novembre 2026.")
    assert not any(mark in text for mark in ("**", "<b>", "](", "__"))


def test_document_rendering_has_every_part_and_no_relative_dates(tmp_path: Path) -> None:
    text = render_document(_fiche(tmp_path))
    for expected in (
        "Dispositif de test",
        "Autres noms : DTEST, dispositif de test.",
        "• Article imaginaire (non confirmé)",
        "• Règlement 2025 : jusqu'à 50 %",
        "• Édition 2025 : ouverture le 10 janvier 2025, clôture le 31 mars 2025",
        "• Guichet test : test@example.org",
        "• https://example.org/source",
        "Vérifié le 22 novembre 2026.",
    ):
        assert expected in text
    assert "clos depuis" not in text


def test_most_relevant_keeps_the_lines_sharing_most_words_then_their_order() -> None:
    lines = ["Dépôt en ligne", "Joindre la convention", "Versement par tranches annuelles"]

    assert most_relevant(lines, "Comment est fait le versement ?", 2) == [
        "Versement par tranches annuelles",
        "Dépôt en ligne",
    ]
    assert most_relevant(lines, "", 2) == lines[:2]
