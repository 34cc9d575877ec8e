"""Closing dates of funding calls, from the fiches: which are upcoming, which are past,
which schemes one can follow."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from funding_fixtures import good_fiche, write_fiche

from bot.funding.catalog import FundingCatalog
from bot.funding.deadlines import (
    deadlines,
    followable,
    followable_fiches,
    scheme_named,
    upcoming,
)
from bot.funding.schema import FicheError, parse_fiche


def test_the_shipped_fiches_closing_dates_are_all_past_on_the_facts_date(catalog):
    found = deadlines(catalog)
    assert ("afd_ficol", "FICOL 2024", date(2024, 9, 13)) in [
        (item.fiche_id, item.edition, item.closes) for item in found
    ]
    assert [item.closes for item in found] == sorted(item.closes for item in found)
    # Each one is stated by a source: the entry's own, else the fiche's first page.
    assert all(item.url and item.url.startswith("http") for item in found)
    ficol = next(item for item in found if item.edition == "FICOL 2023")
    assert ficol.url is not None and ficol.url.endswith("ficol-2023/")
    # On 22 November 2026 no known call is open: nothing upcoming, nothing open.
    today = date(2026, 11, 22)
    assert upcoming(found, today) == []
    assert not any(item.is_open(today) for item in found)
    assert all(item.is_past(today) for item in found)


def test_upcoming_keeps_the_closing_day_and_drops_the_day_after(tmp_path: Path):
    write_fiche(
        tmp_path,
        good_fiche(
            calendar=[
                {"edition": "Édition 2027", "opens": "2027-01-10", "closes": "2027-03-31"},
                {"edition": "Édition 2026", "closes": "2026-03-31"},
                {"edition": "Sans date", "note": "dates non connues"},
            ]
        ),
    )
    found = deadlines(FundingCatalog.load(tmp_path))
    assert [item.edition for item in found] == ["Édition 2026", "Édition 2027"]
    assert [item.edition for item in upcoming(found, date(2027, 3, 31))] == ["Édition 2027"]
    assert upcoming(found, date(2027, 4, 1)) == []
    assert upcoming(found, date(2027, 1, 1), days=30) == []
    assert [item.edition for item in upcoming(found, date(2027, 3, 1), days=30)] == ["Édition 2027"]
    edition = found[1]
    assert edition.title == "Édition 2027 (Test)"
    assert not edition.is_open(date(2027, 1, 9)) and edition.is_open(date(2027, 1, 10))
    assert edition.is_open(date(2027, 3, 31)) and not edition.is_open(date(2027, 4, 1))


def test_a_calendar_entry_source_must_be_a_web_address():
    data = good_fiche(calendar=[{"edition": "E", "closes": "2027-03-31", "source": "ailleurs"}])
    with pytest.raises(FicheError, match=r"calendar\[0\]\.source"):
        parse_fiche(data, "test_scheme.yaml")
    data["calendar"][0]["source"] = "https://example.org/appel-2027"
    fiche = parse_fiche(data, "test_scheme.yaml")
    assert fiche.calendar[0].source == "https://example.org/appel-2027"


def test_followable_schemes_and_their_names(catalog):
    ids = [fiche.id for fiche in followable_fiches(catalog)]
    assert "afd_ficol" in ids and "meae_aap_generaliste" in ids and "cuf_dcol" in ids
    assert "un_pourcent_eau" not in ids and "cncd" not in ids  # a law, an institution
    assert followable(catalog.get("meae_fonds_conjoints"))  # type: ignore[arg-type]
    assert scheme_named(catalog, "FICOL").id == "afd_ficol"  # type: ignore[union-attr]
    assert scheme_named(catalog, "afd-ficol").id == "afd_ficol"  # type: ignore[union-attr]
    found = scheme_named(catalog, "les rappels de l'AAP généraliste")
    assert found is not None and found.id == "meae_aap_generaliste"
    assert scheme_named(catalog, "les rappels de l'AAP généraliste", exact=True) is None
    assert scheme_named(catalog, "1 % eau") is None


def test_the_deadline_source_reads_a_changed_fiche_again(tmp_path: Path):
    import os

    from bot.funding.deadlines import DeadlineSource

    source = DeadlineSource(tmp_path / "funding")
    assert source() == ()  # no folder yet: nothing, and no error
    folder = tmp_path / "funding"
    folder.mkdir()
    path = write_fiche(folder, good_fiche(calendar=[{"edition": "Édition 2027"}]))
    assert source() == ()
    write_fiche(folder, good_fiche(calendar=[{"edition": "Édition 2027", "closes": "2027-03-31"}]))
    os.utime(path, ns=(1, 2))  # a different modification time, whatever the clock's grain
    [found] = source()
    assert (found.edition, found.closes) == ("Édition 2027", date(2027, 3, 31))
    assert source()[0] is found  # unchanged files: not read again
    path.write_text("id: [broken", encoding="utf-8")  # an invalid edit: skipped, logged
    assert source() == ()
