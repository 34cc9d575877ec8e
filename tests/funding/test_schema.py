from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from funding_fixtures import SHIPPED, good_fiche, write_fiche

from bot.funding.schema import FicheError, load_fiche, parse_fiche


def test_good_fiche_loads_with_typed_fields(tmp_path: Path) -> None:
    fiche = load_fiche(write_fiche(tmp_path, good_fiche()))
    assert fiche.id == "test_scheme"
    assert fiche.last_verified == date(2026, 11, 22)
    assert fiche.calendar[0].closes == date(2025, 3, 31)
    assert [fact.render() for fact in fiche.legal_basis] == [
        "Aucune",
        "Article imaginaire (non confirmé)",
    ]
    assert fiche.amounts[0].render() == "Règlement 2025 : jusqu'à 50 %"
    assert fiche.file == "funding/test_scheme.yaml"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            good_fiche(colour="bleu"),
            "test_scheme.yaml: field 'colour': Extra inputs are not permitted",
        ),
        (
            {key: value for key, value in good_fiche().items() if key != "sources"},
            "test_scheme.yaml: field 'sources': Field required",
        ),
        (good_fiche(last_verified="2026-13-01"), "test_scheme.yaml: field 'last_verified'"),
        (
            good_fiche(calendar=[{"edition": "X", "closes": "31/03/2025"}]),
            "test_scheme.yaml: field 'calendar[0].closes'",
        ),
        (
            good_fiche(amounts=[{"text": "50 %"}]),
            "test_scheme.yaml: field 'amounts[0].year': Field required",
        ),
        (
            good_fiche(eligible={"authorities": ["mairie"], "summary": "x"}),
            "test_scheme.yaml: field 'eligible.authorities[0]'",
        ),
        (
            good_fiche(sources=[{"title": "sans lien"}]),
            "test_scheme.yaml: field 'sources[0]'",
        ),
        (
            good_fiche(calendar=[{"edition": "X", "opens": "2025-04-01", "closes": "2025-03-01"}]),
            "closes is before opens",
        ),
    ],
    ids=[
        "unknown-key",
        "missing-field",
        "bad-date",
        "bad-date-format",
        "amount-without-year",
        "unknown-authority",
        "source-without-location",
        "dates-reversed",
    ],
)
def test_bad_fiche_error_names_file_and_field(
    tmp_path: Path, data: dict[str, object], expected: str
) -> None:
    path = write_fiche(tmp_path, data, name="test_scheme")
    with pytest.raises(FicheError) as error:
        load_fiche(path)
    assert expected in str(error.value)


def test_id_must_match_file_name() -> None:
    with pytest.raises(FicheError, match=r"autre\.yaml: field 'id': 'test_scheme' must match"):
        parse_fiche(good_fiche(), "autre.yaml")


def test_invalid_yaml_and_non_mapping_are_reported(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(FicheError, match=r"^broken\.yaml: invalid YAML"):
        load_fiche(broken)
    listing = tmp_path / "liste.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(FicheError, match=r"^liste\.yaml: the file must contain a mapping"):
        load_fiche(listing)


SHIPPED_FILES = sorted(SHIPPED.glob("*.yaml"))


def test_all_required_schemes_are_shipped() -> None:
    ids = {path.stem for path in SHIPPED_FILES}
    assert {
        "un_pourcent_eau",
        "un_pourcent_energie",
        "un_pourcent_dechets",
        "un_pourcent_mobilite",
        "meae_aap_generaliste",
        "meae_aap_thematiques",
        "meae_aap_cles_en_main",
        "meae_fonds_conjoints",
        "dctciv",
        "cncd",
        "afd_ficol",
        "cuf_dcol",
        "cuf_fonds_solidarite",
        "ue_ndici_global_europe",
        "platforma",
        "cadre_juridique",
    } <= ids


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=[path.stem for path in SHIPPED_FILES])
def test_shipped_fiche_validates_and_marks_doubts_structurally(path: Path) -> None:
    fiche = load_fiche(path)
    assert fiche.last_verified == date(2026, 11, 22)
    # Unconfirmed facts use `confirmed: false`, never a free-text marker the renderer can't see.
    assert not re.search(r"non confirm", path.read_text(encoding="utf-8"), re.IGNORECASE)


def test_known_legal_pitfalls_are_right() -> None:
    dechets = load_fiche(SHIPPED / "un_pourcent_dechets.yaml")
    basis = " ".join(fact.text for fact in dechets.legal_basis)
    assert "L1115-2" in basis and "2014" in basis
    assert "et non L1115-1-1" in basis
    mobilite = load_fiche(SHIPPED / "un_pourcent_mobilite.yaml")
    assert mobilite.legal_basis[0].text == "Article L1115-3 du CGCT"
    loi_2021 = mobilite.legal_basis[1]
    assert "4 août 2021" in loi_2021.text and loi_2021.confirmed is False
    energie = load_fiche(SHIPPED / "un_pourcent_energie.yaml")
    assert [fact.confirmed for fact in energie.legal_basis] == [True, False]
