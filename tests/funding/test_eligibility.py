from __future__ import annotations

import pytest

from bot.funding.catalog import FundingCatalog
from bot.funding.eligibility import (
    Verdict,
    assess,
    is_eligibility_question,
    parse_applicant,
    schemes_for,
)
from bot.funding.schema import AuthorityKind, ServiceKind


@pytest.mark.parametrize(
    ("text", "kinds", "services"),
    [
        ("Je suis un syndicat de collecte des déchets", {"syndicat_mixte", "epci"}, {"dechets"}),
        ("Mon syndicat d'eau potable peut-il aider ?", {"syndicat_mixte", "epci"}, {"eau"}),
        ("Je suis une commune", {"commune"}, set()),
        ("Une commune peut-elle utiliser le 1 % mobilité ?", {"commune"}, set()),
        ("Ma commune gère l'assainissement, que faire ?", {"commune"}, {"assainissement"}),
        ("Nous sommes une région", {"region"}, set()),
        ("je suis un département", {"departement"}, set()),
        ("Notre communauté d'agglomération", {"epci"}, set()),
        ("Je suis une AOM", {"aom"}, set()),
        ("Nous sommes une association de collectivités", {"association"}, set()),
    ],
)
def test_parse_applicant(text: str, kinds: set[str], services: set[str]) -> None:
    applicant = parse_applicant(text)
    assert applicant is not None
    assert {kind.value for kind in applicant.kinds} == kinds
    assert {service.value for service in applicant.services} == services


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Je suis un syndicat de collecte des déchets", True),
        ("Mon syndicat d'eau potable peut-il aider une commune au Burkina Faso ?", True),
        ("Un syndicat de collecte des déchets peut-il financer un projet à l'étranger ?", True),
        ("Une région peut-elle candidater ?", True),
        ("Un syndicat d'eau potable peut-il financer un projet au Bénin via le 1 % ?", True),
        ("Qui a mené la délégation et de quelle ville est-elle élue ?", False),
        ("Elle est élue de quelle ville ?", False),
        ("Quelle part de la facture est couverte quand une commune se fait aider par CUF ?", False),
        ("Quelle est la capitale de l'Australie ?", False),
    ],
)
def test_is_eligibility_question(text: str, expected: bool) -> None:
    assert is_eligibility_question(text) is expected


def _ids(catalog: FundingCatalog, text: str) -> list[str]:
    applicant = parse_applicant(text)
    assert applicant is not None
    return [item.fiche.id for item in schemes_for(catalog.fiches, applicant)]


def test_waste_syndicate_gets_the_waste_one_percent_first_and_no_other_one_percent(
    catalog: FundingCatalog,
) -> None:
    ids = _ids(catalog, "Je suis un syndicat de collecte des déchets")
    assert ids[0] == "un_pourcent_dechets"
    assert not {"un_pourcent_eau", "un_pourcent_energie", "un_pourcent_mobilite"} & set(ids)
    assert {"afd_ficol", "meae_aap_generaliste", "cuf_dcol", "cuf_fonds_solidarite"} <= set(ids)
    # Institutions and the legal frame are not schemes one applies to.
    assert not {"dctciv", "cncd", "platforma", "cadre_juridique"} & set(ids)


def test_commune_without_known_service_gets_one_percent_schemes_conditionally(
    catalog: FundingCatalog,
) -> None:
    applicant = parse_applicant("Je suis une commune")
    assert applicant is not None
    results = {item.fiche.id: item for item in schemes_for(catalog.fiches, applicant)}
    assert results["un_pourcent_eau"].verdict is Verdict.IF_SERVICE
    assert results["un_pourcent_eau"].reason == (
        "si vous êtes chargé de l'eau potable ou l'assainissement"
    )
    assert results["meae_aap_generaliste"].verdict is Verdict.YES
    assert "meae_aap_cles_en_main" not in results  # associations and GIP only


def test_region_is_not_offered_the_one_percent_schemes(catalog: FundingCatalog) -> None:
    ids = _ids(catalog, "Nous sommes une région")
    assert not any(fiche_id.startswith("un_pourcent") for fiche_id in ids)
    assert "afd_ficol" in ids


def test_association_gets_the_cles_en_main_call(catalog: FundingCatalog) -> None:
    ids = _ids(catalog, "Nous sommes une association de collectivités")
    assert "meae_aap_cles_en_main" in ids
    assert "meae_aap_generaliste" not in ids


def test_aom_implies_the_mobility_service(catalog: FundingCatalog) -> None:
    applicant = parse_applicant("Je suis une AOM")
    assert applicant is not None
    assert applicant.all_services() == {ServiceKind.MOBILITE}
    mobilite = catalog.get("un_pourcent_mobilite")
    assert mobilite is not None
    assert assess(mobilite, applicant).verdict is Verdict.YES


def test_water_agency_can_use_the_water_one_percent(catalog: FundingCatalog) -> None:
    applicant = parse_applicant("Je suis une agence de l'eau")
    assert applicant is not None and applicant.kinds == {AuthorityKind.AGENCE_EAU}
    eau = catalog.get("un_pourcent_eau")
    assert eau is not None
    assert assess(eau, applicant).verdict is Verdict.YES
