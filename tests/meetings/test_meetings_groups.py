"""Groups: aliases, accents and case; events mapped by CATEGORIES, then title."""

from __future__ import annotations

import pytest
from meetings_helpers import REPO

from bot.meetings.groups import GroupDirectory


@pytest.fixture(scope="module")
def groups() -> GroupDirectory:
    return GroupDirectory.load(REPO / "knowledge" / "meetings" / "groups.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("japon", "japon"),
        ("Groupe-pays Japon", "japon"),
        ("JAPON", "japon"),
        ("israel", "israel"),
        ("Israël", "israel"),
        ("Republique de coree", "coree"),
        ("Corée du Sud", "coree"),
        ("cafe des elus", "cafe-des-elus"),
        ("Café des élus et élues", "cafe-des-elus"),
        ("chronique géopolitique", "chroniques-geopolitiques"),
        ("raict", "raict"),
        ("Jeunesses-ECSI", "jeunesses-ecsi"),
        ("Crises et réhabilitation", "crises"),
        ("Développement économique", "developpement-economique"),
        ("Amérique latine et Caraïbes", "amerique-latine-caraibes"),
        ("Club des Outre-mer", "outre-mer"),
        ("webinaire", "webinaires"),
        ("Haiti", "haiti"),
        ("Vietnam", "vietnam"),
    ],
)
def test_resolve(groups, text, expected):
    group = groups.resolve(text)
    assert group is not None and group.id == expected


def test_every_country_group_of_the_2023_report_is_followable(groups):
    countries = (
        "Burkina Faso Mali Madagascar Mauritanie Niger Sénégal Argentine Haïti États-Unis Chine "
        "Japon Vietnam Algérie Israël Liban Maroc Palestine Tunisie Arménie Russie Ukraine"
    )
    names = countries.replace("Burkina Faso", "Burkina_Faso").replace("États-Unis", "États-Unis")
    for name in names.split():
        assert groups.resolve(name.replace("_", " ")) is not None, name
    assert groups.resolve("République de Corée") is not None


def test_unknown_and_close_matches(groups):
    assert groups.resolve("Somalie") is None
    assert groups.resolve("") is None
    assert [group.id for group in groups.close_matches("Madagscar")][:1] == ["madagascar"]
    assert [group.id for group in groups.close_matches("Tunisi")][:1] == ["tunisie"]


def test_whole_words_only(groups):
    assert [group.id for group in groups.find_in_text("Réunion sur la Somalie")] == []
    assert [group.id for group in groups.find_in_text("Mali et Sénégal")] == ["mali", "senegal"]


def test_match_event_prefers_categories_then_title(groups):
    assert groups.match_event(["Groupe-pays Madagascar", "Afrique"], "Réunion") == ("madagascar",)
    # Categories name a group: the title is not searched.
    assert groups.match_event(["Climat"], "Atelier climat et Sahel") == ("climat",)
    # No usable category: the title decides.
    assert groups.match_event(["Afrique"], "Café des élus et élues de mars") == ("cafe-des-elus",)
    assert groups.match_event([], "Assises franco-palestiniennes") == ()
    assert groups.match_event([], "Assises de la coopération franco-palestinienne") == (
        "palestine",
    )
