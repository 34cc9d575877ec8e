"""The funding responder on the dev set, the issue's questions and informal variants."""

from __future__ import annotations

import json
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from funding_fixtures import Ask

from bot.answers import Answer
from bot.funding.explainer import detect_intents
from bot.funding.render import Section

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "dev_questions.json"  # never skipped


def _fold(text: str) -> str:
    """The dev set's comparison: accent-, case- and space-insensitive."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


def _ask(ask: Ask, question: str, now: datetime | None = None) -> Answer:
    answer = ask(question, now) if now else ask(question)
    assert answer is not None, question
    assert answer.kind == "funding" and answer.answered
    assert answer.sources and all(s.file.startswith("funding/") for s in answer.sources)
    return answer


@pytest.mark.parametrize(
    ("question", "groups", "fiche"),
    [
        (
            "Qu'est-ce que le 1% déchets et qui peut l'utiliser ?",
            [["2014"], ["déchets", "dechets"]],
            "un_pourcent_dechets",
        ),
        (
            "Mon syndicat d'eau potable peut-il aider une commune au Burkina Faso ?",
            [["Oudin", "1 %", "1%"]],
            "un_pourcent_eau",
        ),
        (
            "Quels sont les taux de cofinancement de l'appel à projets généraliste du ministère ?",
            [["%"]],
            "meae_aap_generaliste",
        ),
        ("Qui peut m'aider à monter un projet 1% eau ?", [["pS-Eau", "ps-eau"]], "un_pourcent_eau"),
        ("dcol c combien le reste a charge pr une commune", [["80", "20"]], "cuf_dcol"),
    ],
)
def test_dev_set_funding_cases(
    ask: Ask,
    question: str,
    groups: list[list[str]],
    fiche: str,
) -> None:
    answer = _ask(ask, question)
    for group in groups:
        assert any(_fold(option) in _fold(answer.text) for option in group), (group, answer.text)
    assert answer.sources[0].file == f"funding/{fiche}.yaml"


@pytest.mark.parametrize(
    "question",
    [
        "le ficol c'est jusqu'à combien ?",
        "le ficol c'est combien ?",
        "quel montant pour le ficol ?",
        "le ficol finance combien ?",
    ],
)
def test_how_much_a_scheme_gives_asked_informally_gets_its_amounts(ask: Ask, question: str) -> None:
    answer = _ask(ask, question)
    assert "200 000 € à 1 500 000 €" in answer.text, answer.text


def test_a_town_described_in_a_few_words_gets_a_verdict(ask: Ask) -> None:
    answer = _ask(ask, "une commune de 2000 habitants peut-elle demander le DCOL ?")
    assert answer.text.startswith("Oui, a priori : DCOL (CUF) est ouvert à votre commune.")


def test_a_country_the_documents_never_name_does_not_stop_a_verdict(ask: Ask) -> None:
    # The question: the 1 % eau fiche answers it for any country.
    answer = _ask(
        ask, "Un syndicat d'eau potable peut-il financer un projet au Bénin via le 1 % eau ?"
    )
    assert answer.text.startswith("Oui, a priori : 1 % eau est ouvert à votre syndicat.")


def test_ficol_answer(ask: Ask) -> None:
    for question in ("Qu'est-ce que le FICOL ?", "c koi le ficol", "FICOL ?"):
        answer = _ask(ask, question)
        assert answer.text.startswith("FICOL – Facilité de financement")
        assert "Appel à idées 2020 : subvention de 200 000 € à 1 500 000 €" in answer.text
        assert "FICOL 2024 : clos depuis le 13 septembre 2024" in answer.text
        assert "Derniers montants connus : Appel à idées 2020" in answer.text
        assert answer.text.endswith("Vérifié le 22 novembre 2026.")
        assert answer.sources[0].title.startswith("FICOL")
        assert answer.sources[0].url == (
            "http://www.afd.fr/fr/la-ficol-un-tremplin-pour-laction-exterieure-des-territoires-francais"
        )


def test_waste_syndicate_abroad(ask: Ask) -> None:
    answer = _ask(
        ask,
        "Un syndicat de collecte des déchets peut-il financer un projet à l'étranger ?",
    )
    lines = answer.text.splitlines()
    assert lines[0].startswith("Oui, notamment avec le 1 % déchets.")
    assert lines[1].startswith("• 1 % déchets : jusqu'à 1 % du budget déchets ménagers")
    assert "loi de 2014" in lines[1]
    assert "1 % eau" not in answer.text
    assert answer.sources[0].file == "funding/un_pourcent_dechets.yaml"


@pytest.mark.parametrize(
    "question",
    ["Quel taux de cofinancement pour l'appel à projets généraliste ?", "taux aap generaliste ?"],
)
def test_general_call_rates_carry_their_year(ask: Ask, question: str) -> None:
    text = _ask(ask, question).text
    assert "• Règlement 2025 : jusqu'à 70 % (PMA), 50 %" in text
    assert "• Règlement 2024 : jusqu'à 90 %" in text
    assert (
        "Derniers montants connus : Règlement 2025. Vérifiez ceux de 2026 sur https://www.diplomatie.gouv.fr"
        in text
    )
    # Every percentage line names its edition.
    for line in text.splitlines():
        if "%" in line and line.startswith("• ") and "Derniers" not in line:
            assert line.startswith("• Règlement 20"), line


@pytest.mark.parametrize(
    "question", ["Qui peut m'aider pour un projet 1 % eau ?", "1% eau qui m'aide"]
)
def test_water_help_desk(ask: Ask, question: str) -> None:
    text = _ask(ask, question).text
    assert "Qui aide :\n• pS-Eau (Programme Solidarité Eau)" in text
    assert "https://www.pseau.org/fr/1pourcent" in text


def test_unconfirmed_facts_are_marked(ask: Ask) -> None:
    text = _ask(ask, "C'est quoi le 1 % mobilité ?").text
    assert "Créé par la loi n° 2021-1031 du 4 août 2021" in text
    assert "Légifrance) (non confirmé)" in text


def test_call_open_at_the_time_says_open(ask: Ask) -> None:
    text = _ask(ask, "FICOL date limite ?", datetime(2024, 3, 15, 9, 0)).text
    assert "• FICOL 2024 : ouvert, clôture le 13 septembre 2024" in text
    assert "Aucun appel ouvert" not in text


def test_named_scheme_with_applicant_gets_a_verdict(ask: Ask) -> None:
    text = _ask(ask, "Une commune peut-elle utiliser le 1 % mobilité ?").text
    assert text.startswith(
        "Oui, sous condition : 1 % mobilité — si vous êtes chargé de la mobilité"
    )
    text = _ask(ask, "Une région peut-elle utiliser le 1 % déchets ?").text
    assert text.startswith("A priori non : 1 % déchets — réservé à :")


def test_only_a_yes_no_question_gets_a_verdict(ask: Ask) -> None:
    """After the question analysis, « quel réseau… ? » is not answered « Oui, a priori »."""
    which = "Quel réseau conseille les collectivités qui veulent utiliser le 1 % énergie ?"
    answer = ask(which)
    assert answer is None or not answer.text.startswith(("Oui", "A priori non"))
    can = "Une commune peut-elle utiliser le 1 % mobilité ?"
    assert _ask(ask, can).text.startswith("Oui, sous condition")


def test_overview_question(ask: Ask) -> None:
    text = _ask(ask, "Quels financements pour un projet de coopération ?").text
    assert text.startswith("Principaux dispositifs")
    assert "• 1 % déchets, 1 % eau, 1 % énergie, 1 % mobilité : les services concernés" in text


def test_answers_stay_compact(ask: Ask) -> None:
    for question in (
        "Qu'est-ce que le FICOL ?",
        "Qu'est-ce que le 1% déchets et qui peut l'utiliser ?",
        "Je suis une commune",
        "c'est quoi l'AAP généraliste ?",
    ):
        assert len(_ask(ask, question).text) <= 1600, question


def _dev_cases() -> list[dict[str, object]]:
    return json.loads(DEV_SET.read_text(encoding="utf-8"))["cases"]


FUNDING_CASES = {"x05", "x09", "x10", "x11", "x12"}


def test_precision_on_the_whole_dev_set(ask: Ask) -> None:
    """Questions about CUF's publications (people, past figures, events) are left to retrieval."""
    captured = {}
    for case in _dev_cases():
        question = case.get("q") or case["turns"][-1]  # type: ignore[index]
        answer = ask(str(question))
        if answer is not None:
            captured[case["id"]] = answer
    assert set(captured) == FUNDING_CASES


@pytest.mark.parametrize(
    "question",
    [
        "",
        "Quel pourcentage du coût de l'accompagnement DCOL est financé pour une collectivité ?",
        "Combien de collectivités ont bénéficié du dispositif DCOL depuis sa création ?",
        "Pourquoi le 10e appel DCOL a-t-il été décalé ?",
        "Combien d'ateliers sur les dispositifs 1% solidaires ont été organisés ?",
        "Combien a été collecté pour le fonds de solidarité Ukraine ?",
        "Quel est le montant réuni par le fonds de solidarité Maroc ?",
        "Combien de fonds de solidarité CUF a-t-elle suivis en 2023 ?",
        "Combien de collectivités ont donné au fonds de solidarité pour le Pérou ?",
        "Où et quand se sont déroulées les Assises de la coopération franco-palestinienne ?",
        "Sur quelle base juridique repose l'action internationale des collectivités ?",
    ],
)
def test_publication_questions_are_left_to_retrieval(ask: Ask, question: str) -> None:
    assert ask(question) is None


def test_commune_gets_general_schemes_and_the_one_percent_family_as_a_condition(ask: Ask) -> None:
    lines = _ask(ask, "Je suis une commune").text.splitlines()
    assert lines[0] == "Dispositifs ouverts à une structure de type « commune » :"
    assert lines[1].startswith("• FICOL (AFD) : ")
    assert (
        "• 1 % déchets, 1 % eau, 1 % énergie, 1 % mobilité : si votre structure gère le service "
        "concerné, elle peut y consacrer jusqu'à 1 % de son budget"
    ) in lines
    assert not any(line.startswith("• AAP clés en main") for line in lines)


def test_english_question_gets_english_headings(ask: Ask) -> None:
    text = _ask(ask, "What is FICOL?").text
    assert "Who can use it :" in text
    assert text.endswith("Checked on 22 November 2026.")


def test_a_sum_the_fiche_does_not_give_is_not_an_answer(ask: Ask) -> None:
    now = datetime(2026, 11, 30, 9, 0)
    # The DCOL fiche gives a rate (80 %) and says its cap in euros was not found.
    dcol = ask("Quel est le montant maximal de l'aide du DCOL ?", now)
    assert dcol is not None and dcol.answered is False
    assert "80 %" in dcol.text  # what the fiche knows is still said
    ficol = ask("Quel est le montant de la subvention FICOL ?", now)
    assert ficol is not None and ficol.answered is True and "€" in ficol.text


@pytest.mark.parametrize(
    "question",
    [
        # The DCOL fiche has no call dates; the 1 % eau fiche names who helps, not a phone.
        "Quelle est la date limite pour candidater au prochain appel DCOL ?",
        "Quel est le numéro de téléphone du conseil pS-Eau sur le 1 % eau ?",
        "What is the email address of the 1% water help desk?",
    ],
)
def test_a_date_or_contact_the_fiche_does_not_give_is_not_an_answer(
    ask: Ask, question: str
) -> None:
    answer = ask(question)
    assert answer is not None and answer.kind == "funding" and answer.answered is False


def test_a_date_the_fiche_gives_is_an_answer(ask: Ask) -> None:
    answer = ask("Quand se clôture le FICOL ?", datetime(2024, 3, 15, 9, 0))
    assert answer is not None and answer.answered is True
    assert "13 septembre 2024" in answer.text


@pytest.mark.parametrize(
    ("question", "opening", "fiche"),
    [
        # English describes the authority before its noun: a *water* syndicate runs water,
        # and « the 1% » with water is the 1 % eau.
        (
            "Can a water syndicate fund a project in Benin through the 1% law?",
            "Yes, in principle: 1 % eau is open to your syndicate.",
            "un_pourcent_eau",
        ),
        (
            "Can a syndicate fund a project in Benin through the 1% law?",
            "Schemes open to a « syndicate »:",
            "un_pourcent_eau",
        ),
        (
            "I am a municipality, which funding can I use?",
            "Schemes open to a « municipality »:",
            "afd_ficol",
        ),
    ],
)
def test_an_english_authority_gets_its_schemes_in_english(
    ask: Ask, question: str, opening: str, fiche: str
) -> None:
    answer = _ask(ask, question)
    assert answer.text.splitlines()[0] == opening
    assert f"funding/{fiche}.yaml" in {source.file for source in answer.sources}
    assert answer.text.endswith("Checked on 22 November 2026.")


def test_an_english_verdict_is_in_english_and_reads_the_services_before_the_noun(
    ask: Ask,
) -> None:
    region = _ask(ask, "Can a region use FICOL?").text
    assert region.startswith("Yes, in principle: FICOL (AFD) is open to your region.")
    # « use the 1 % waste » says what the city asks for, not what it runs.
    city = _ask(ask, "Can a city use the 1% waste?").text
    assert city.startswith("Yes, on one condition: 1 % déchets — if you are in charge of")
    runs = _ask(ask, "Can a waste collection syndicate use the 1% waste?").text
    assert runs.startswith("Yes, in principle: 1 % déchets is open to your syndicate.")
    department = _ask(ask, "Is a département eligible for the 1% energy?").text
    assert department.startswith("In principle, no: 1 % énergie — reserved to: Communes")


def test_a_one_percent_scheme_that_does_not_exist_is_said_so_with_those_that_do(ask: Ask) -> None:
    question = "Une commune peut-elle utiliser le 1 % restauration scolaire pour des cantines ?"
    answer = ask(question)
    assert answer is not None and answer.answered is False
    assert answer.text.startswith("Je ne connais pas ce dispositif")
    assert "1 % eau" in answer.text and "1 % mobilité" in answer.text
    told = ask("Is there a 1% for culture?")
    assert told is not None and told.text.startswith("I don't know this scheme")


@pytest.mark.parametrize(
    ("question", "line"),
    [
        (
            "Une AOM peut-elle inclure le versement mobilité dans l'assiette du 1 % ?",
            "« Les recettes du versement mobilité sont exclues de l'assiette »",
        ),
        (
            "Mon syndicat d'énergie peut-il utiliser le 1 % énergie pour de la biomasse ?",
            "« Le champ exclut la biomasse (Environnement Magazine, 2015) »",
        ),
        (
            "Le 1 % énergie peut-il financer de la biomasse ?",
            "« Le champ exclut la biomasse (Environnement Magazine, 2015) »",
        ),
    ],
)
def test_no_plain_yes_about_what_a_fiche_excludes(ask: Ask, question: str, line: str) -> None:
    first = _ask(ask, question).text.splitlines()[0]
    assert first.startswith("Pas forcément : pour le 1 % ")
    assert first.endswith(f"la fiche précise {line}.")


def test_a_yes_stays_when_the_exclusion_is_about_something_else(
    ask: Ask,
) -> None:
    # The 1 % mobilité fiche excludes « versement mobilité », not what an AOM asks here.
    answer = _ask(ask, "Une AOM peut-elle utiliser le 1 % mobilité ?")
    assert answer.text.startswith("Oui, a priori : 1 % mobilité est ouvert à votre autorité")


def test_one_thing_asked_comes_right_under_the_scheme_s_name(ask: Ask) -> None:
    """« Qui aide… ? » gets who helps under the name; « c'est quoi ? » gets the summary."""
    helps = _ask(ask, "Vers qui se tourner pour être conseillé sur le 1 % eau ?").text.splitlines()
    assert helps[0] == "1 % eau et assainissement (loi Oudin-Santini)"
    assert helps[1] == "Qui aide :"
    what = _ask(ask, "C'est quoi le 1 % eau ?").text.splitlines()
    assert what[1].startswith("Depuis la loi Oudin-Santini de 2005")


def test_the_legal_basis_asked_for_is_given_whatever_the_scheme(ask: Ask) -> None:
    """The « what » answer shows the legal basis of the laws only; asked for, it is given."""
    europe = _ask(ask, "Sur quelle base légale repose NDICI-Europe dans le monde ?").text
    assert "2021/947" in europe
    water = _ask(ask, "What is the legal basis of the water 1% law?").text
    assert "L213-6" in water  # all the texts the fiche cites, not the first two


def test_a_verdict_also_gives_what_else_was_asked(ask: Ask) -> None:
    question = "Can the water agencies use the water 1% law, and under which legal article?"
    answer = _ask(ask, question)
    assert answer.text.startswith("Yes, in principle")
    assert "L213-6" in answer.text


def test_the_part_asked_of_each_scheme_named_comes_side_by_side(ask: Ask) -> None:
    answer = _ask(ask, "Quels sont les taux du 1 % eau et du 1 % déchets ?")
    lines = answer.text.splitlines()
    assert "1 % déchets (collecte et traitement des déchets ménagers)" in lines
    assert "1 % eau et assainissement (loi Oudin-Santini)" in lines
    assert lines.count("Montants et taux :") == 2
    assert len(answer.sources) == 2


def test_calls_open_on_the_day_are_listed_with_their_closing_dates(ask: Ask) -> None:
    answer = _ask(ask, "quels appels à projets sont ouverts ?", datetime(2024, 3, 15, 9, 0))

    lines = answer.text.splitlines()
    assert lines[0] == "Appels à projets ouverts ou annoncés à ce jour, d'après les fiches de CUF :"
    assert "• AAP triennal 2024-2026 (campagne 2024) (AAP généraliste du MEAE)" in lines
    assert "  Clôture : lundi 6 mai 2024 (dans 52 jours)" in lines
    assert "Clos depuis" not in answer.text  # a closed call is never shown as open
    assert "Pour être prévenu avant une clôture : /suivre" in lines


def test_with_no_call_open_the_answer_says_so_and_shows_the_last_ones_closed(ask: Ask) -> None:
    answer = _ask(ask, "y a un appel à projets ouvert en ce moment ?", datetime(2026, 12, 1, 9, 0))

    lines = answer.text.splitlines()
    assert lines[0] == "Aucun appel à projets ouvert ni annoncé à ce jour dans les fiches de CUF."
    assert lines[1] == "Derniers appels clos :"
    assert lines[2:4] == [
        "• FICOL 2024 (FICOL (AFD))",
        "  Clos depuis le vendredi 13 septembre 2024",
    ]
    assert answer.sources[0].file == "funding/afd_ficol.yaml"


def test_open_calls_asked_in_english_are_answered_in_english(ask: Ask) -> None:
    answer = _ask(ask, "Is there an open call for projects right now?", datetime(2026, 12, 1, 9, 0))

    assert answer.text.startswith("No call for projects is open or announced today")


def test_two_schemes_asked_about_are_both_explained(ask: Ask) -> None:
    answer = _ask(ask, "c'est quoi la différence entre le 1% eau et le 1% énergie ?")

    assert answer.text.startswith("1 % eau et assainissement (loi Oudin-Santini)\n")
    assert "\n1 % énergie (extension Pintat de la loi Oudin-Santini)\n" in answer.text
    assert [source.file for source in answer.sources] == [
        "funding/un_pourcent_eau.yaml",
        "funding/un_pourcent_energie.yaml",
    ]


def test_the_part_asked_shows_the_fiche_line_that_says_it_first(ask: Ask) -> None:
    # How the grant is paid is the third line of « how to apply »: shown, and first.
    answer = _ask(ask, "Comment le ministère verse-t-il la subvention de l'AAP généraliste ?")
    lines = answer.text.splitlines()
    assert lines[1] == "Comment faire :"
    assert lines[2].startswith("• Versement par tranches annuelles")


def test_a_regulation_asked_for_is_the_legal_basis(ask: Ask) -> None:
    answer = _ask(ask, "Quel règlement européen fonde l'instrument NDICI-Global Europe ?")
    assert "Règlement (UE) 2021/947" in answer.text


def test_the_versement_mobilite_is_a_tax_not_a_question_on_payment(ask: Ask) -> None:
    question = (
        "1 % mobilité : est-ce qu'on peut calculer le 1 % en incluant les recettes du "
        "versement mobilité ?"
    )
    answer = ask(question)
    assert answer is None or "Comment faire" not in answer.text


def test_when_asked_in_sms_style_is_the_calendar(ask: Ask) -> None:
    answer = _ask(ask, "le 10e appel dcol il sort qd finalement ?")
    assert "juin 2024" in answer.text


@pytest.mark.parametrize(
    "question",
    [
        "Quel règlement européen fonde NDICI ?",
        "Which provision of the law founds the 1% water?",
        "Quelle disposition du code fonde le 1 % déchets ?",
    ],
)
def test_the_legal_basis_asked_in_other_words(question: str) -> None:
    assert Section.LEGAL in detect_intents(question)


def test_a_part_whose_lines_all_say_not_found_is_a_refusal(ask: Ask) -> None:
    answer = ask("on doit verser cb minimum pr rentrer dans le fonds de solidarite cuf ?")
    assert answer is not None and answer.answered is False
    assert "aucun montant minimum de contribution trouvé" in answer.text  # still shown


def test_since_when_a_scheme_exists_is_what_it_is(ask: Ask) -> None:
    answer = _ask(ask, "la ficol de l afd ca existe depuis qd ?")
    assert "créé en 2014" in answer.text
