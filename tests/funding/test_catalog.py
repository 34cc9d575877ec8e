from __future__ import annotations

from pathlib import Path

import pytest
from funding_fixtures import good_fiche, write_fiche

from bot.funding.catalog import FundingCatalog
from bot.funding.eligibility import funding_words


def test_shipped_catalog_loads_every_fiche_without_errors(catalog: FundingCatalog) -> None:
    assert catalog.errors == []
    assert len(catalog.fiches) == 17
    fiche = catalog.get("afd_ficol")
    assert fiche is not None and fiche.short_name == "FICOL (AFD)"
    assert catalog.get("nope") is None


def test_malformed_fiche_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    write_fiche(tmp_path, good_fiche(id="alpha"))
    write_fiche(tmp_path, good_fiche(id="omega"))
    write_fiche(tmp_path, good_fiche(id="broken", last_verifed="2026-11-22"))
    catalog = FundingCatalog.load(tmp_path)
    assert [fiche.id for fiche in catalog.fiches] == ["alpha", "omega"]
    assert len(catalog.errors) == 1
    assert catalog.errors[0].startswith("broken.yaml: field 'last_verifed'")


def test_copied_fiche_keeping_the_same_id_is_rejected(tmp_path: Path) -> None:
    write_fiche(tmp_path, good_fiche(id="alpha"))
    write_fiche(tmp_path, good_fiche(id="alpha"), name="alpha_copy")
    catalog = FundingCatalog.load(tmp_path)
    assert [fiche.id for fiche in catalog.fiches] == ["alpha"]
    assert catalog.errors == [
        "alpha_copy.yaml: field 'id': 'alpha' must match the file name 'alpha_copy'"
    ]


def test_missing_folder_gives_an_empty_catalog_with_an_error(tmp_path: Path) -> None:
    catalog = FundingCatalog.load(tmp_path / "absent")
    assert catalog.fiches == ()
    assert catalog.errors == [f"{tmp_path / 'absent'}: folder not found"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1% eau", "un_pourcent_eau"),
        ("1 % eau", "un_pourcent_eau"),
        ("1 pour cent eau", "un_pourcent_eau"),
        ("un pourcent eau", "un_pourcent_eau"),
        ("loi oudin santini", "un_pourcent_eau"),
        ("Oudin-Santini", "un_pourcent_eau"),
        ("la loi Oudin Santinni", "un_pourcent_eau"),
        ("1 % énergie", "un_pourcent_energie"),
        ("amendement Pintat", "un_pourcent_energie"),
        ("1 pour cent dechets", "un_pourcent_dechets"),
        ("1% DÉCHETS", "un_pourcent_dechets"),
        ("1 % mobilite", "un_pourcent_mobilite"),
        ("1% transports", "un_pourcent_mobilite"),
        ("ficol", "afd_ficol"),
        ("FICOL", "afd_ficol"),
        ("c koi le ficol", "afd_ficol"),
        ("dcol", "cuf_dcol"),
        ("DCOL", "cuf_dcol"),
        ("appel a projets generaliste", "meae_aap_generaliste"),
        ("Appel à projet généralist", "meae_aap_generaliste"),
        ("AAP", "meae_aap_generaliste"),
        ("taux aap generaliste ?", "meae_aap_generaliste"),
        ("AAP jeunesse", "meae_aap_thematiques"),
        ("clés en main", "meae_aap_cles_en_main"),
        ("fonds franco-marocain", "meae_fonds_conjoints"),
        ("DAECT", "dctciv"),
        ("la DCTCIV", "dctciv"),
        ("CNCD", "cncd"),
        ("fonds de solidarité", "cuf_fonds_solidarite"),
        ("NDICI", "ue_ndici_global_europe"),
        ("Global Europe", "ue_ndici_global_europe"),
        ("Platforma", "platforma"),
        ("article L1115-1", "cadre_juridique"),
        ("L1115-1-1", "un_pourcent_eau"),
        ("L1115-2", "un_pourcent_dechets"),
        # English names of the 1 % schemes.
        ("What is the 1% for water?", "un_pourcent_eau"),
        ("the 1 % energy", "un_pourcent_energie"),
        ("waste 1%", "un_pourcent_dechets"),
        ("1% mobility", "un_pourcent_mobilite"),
        # « 1 % » and, elsewhere, a word of one of the 1 % schemes only.
        ("Une agence de l'eau peut-elle consacrer 1 % à la coopération ?", "un_pourcent_eau"),
        ("Can a water utility spend 1% on cooperation?", "un_pourcent_eau"),
    ],
)
def test_find_tolerates_accents_case_spelling(
    catalog: FundingCatalog, text: str, expected: str
) -> None:
    found = catalog.find(text)
    assert found, text
    assert found[0].id == expected


@pytest.mark.parametrize(
    "text",
    [
        "Qui préside le groupe-pays Madagascar ?",
        "ateliers 1% solidaires",
        "Quelle est la capitale de l'Australie ?",
        "eau",
        "Assises de la coopération franco-vietnamienne",
        "Combien de collectivités utilisent le 1 % ?",  # no word of one scheme only
        "le 1 % du budget pour l'eau et les déchets",  # words of two schemes
    ],
)
def test_find_returns_nothing_for_other_text(catalog: FundingCatalog, text: str) -> None:
    assert catalog.find(text) == []


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("Une commune peut-elle utiliser le 1 % restauration scolaire ?", True),
        ("C'est quoi le 1 % culture ?", True),
        ("Is there a 1% for culture?", True),
        ("le 1 % eau potable", False),
        ("1 pour cent déchets", False),
        ("Which law created the 1% for household waste?", False),  # the noun comes last
        ("le 1 % Oudin-Santini", False),  # a word of the 1 % eau's other names
        ("Le 1 % du budget eau peut-il financer un forage ?", False),
        ("Can a water syndicate use the 1% law?", False),
        ("Quel est le plafond du 1 % ?", False),
        ("jusqu'à 1 % de leur budget", False),  # stop words name nothing
        ("up to 1% of their budget", False),
        ("les appels à projets pour les collectivités", False),  # not a family of names
    ],
)
def test_a_one_percent_no_fiche_has_is_told_apart(
    catalog: FundingCatalog, text: str, unknown: bool
) -> None:
    words = funding_words()
    siblings = catalog.unknown_sibling(text, words.not_scheme_names, words.scheme_name_links)
    assert bool(siblings) is unknown
    if unknown:
        assert {fiche.id for fiche in siblings} == {
            "un_pourcent_eau",
            "un_pourcent_energie",
            "un_pourcent_dechets",
            "un_pourcent_mobilite",
        }
