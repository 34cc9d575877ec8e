"""The agenda responder: answers upcoming-meeting questions, stays silent on everything else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from meetings_helpers import REPO, paris

from bot.answers import Answer
from bot.app import build_agenda
from bot.funding.catalog import FundingCatalog
from bot.meetings.responder import AgendaResponder
from bot.settings import Settings
from bot.understanding.lexicon import Lexicon, load_lexicon
from bot.understanding.question import Analyzer, Question
from bot.understanding.routing import Route, route

DEV_QUESTIONS = REPO / "tests" / "data" / "dev_questions.json"
NOW = paris(2027, 1, 5, 9, 0)
FUNDING = FundingCatalog.load(REPO / "knowledge" / "funding")


@pytest.fixture
def responder(knowledge: Path, settings: Settings) -> AgendaResponder:
    shutil.copy(REPO / "knowledge" / "meetings" / "cuf-agenda-exemple.ics", knowledge / "meetings")
    return AgendaResponder(build_agenda(settings))


def understood(
    responder: AgendaResponder, question: str, lexicon: Lexicon | None = None
) -> Question:
    """``question`` analysed as the assistant analyses it (with the agenda's groups)."""
    groups = responder.agenda.groups
    analyzer = Analyzer(
        lexicon or load_lexicon(),
        find_schemes=lambda text: [fiche.id for fiche in FUNDING.find(text)],
        find_groups=lambda text: [group.id for group in groups.find_in_text(text)],
    )
    return analyzer.analyze(question)


def ask(responder: AgendaResponder, question: str, lexicon: Lexicon | None = None) -> Answer | None:
    """The agenda's answer when the assistant's routing gives it the question, else ``None``."""
    analysed = understood(responder, question, lexicon)
    if route(analysed, NOW) is not Route.AGENDA:
        return None
    return responder.try_answer(analysed, NOW)


def routed(responder: AgendaResponder, question: str) -> Answer | None:
    """The agenda's answer to ``question`` given to it whatever the routing says."""
    return responder.try_answer(understood(responder, question), NOW)


def dev_questions() -> list[str]:
    """Every question of the dev set (a copy in the repository: never skipped)."""
    cases = json.loads(DEV_QUESTIONS.read_text(encoding="utf-8"))["cases"]
    return [question for case in cases for question in (case.get("turns") or [case["q"]])]


# Questions about past events or facts, worded like the agenda's: documents answer them.
PAST_OR_OTHER = [
    "Où et quand se sont tenues les Rencontres de l'action internationale des collectivités "
    "en 2023 ?",
    "Quelles sont les dates et le lieu de la 15e édition des RAICT ?",
    "Où et quand se sont déroulées les Assises de la coopération franco-palestinienne ?",
    "Où auront lieu les 8e Rencontres franco-japonaises de la coopération décentralisée ?",
    "Combien de chroniques géopolitiques ont eu lieu en 2023 ?",
    "Combien de cafés des élus ont été organisés l'an dernier ?",
    "Quand aura lieu le grand forum annuel des collectivités engagées à l'international "
    "l'an prochain ?",
    "Qui préside le groupe-pays Japon ?",
    "Quand le fonds Haïti a-t-il été ouvert ?",
    "Quelle était la dernière réunion du groupe Mali ?",
    "Quel est le prochain appel à projets DCOL ?",
    "Who chairs the Japan country group?",
]


@pytest.mark.parametrize("question", PAST_OR_OTHER)
def test_not_an_agenda_question(responder, question):
    assert ask(responder, question) is None


def test_every_dev_question_is_left_to_the_documents(responder):
    questions = dev_questions()
    assert len(questions) >= 80
    answered = [question for question in questions if ask(responder, question) is not None]
    assert answered == []


def test_an_edition_the_agenda_does_not_number_is_left_to_the_documents(responder):
    """« les 8e Rencontres » may not be the next ones: the report says where the 8th were."""
    eighth = "Où auront lieu les 8e Rencontres franco-japonaises de la coopération décentralisée ?"
    assert ask(responder, eighth) is None
    coming = ask(responder, "Où auront lieu les Rencontres franco-japonaises de la coopération ?")
    assert coming is not None and coming.answered
    assert "Rencontres franco-japonaises de la coopération décentralisée" in coming.text
    assert "Lieu : Japon" in coming.text


def test_next_meeting_of_a_group(responder):
    answer = ask(responder, "Prochaine réunion du groupe Japon ?")
    assert answer is not None and answer.kind == "agenda" and answer.answered
    assert answer.text == (
        "Prochaine réunion — Groupe-pays Japon :\n"
        "• Rencontres franco-japonaises de la coopération décentralisée — ouverture\n"
        "  Lundi 15 novembre 2027 à 1 h 30 (9 h 30 heure de Tokyo) (fin à 10 h)\n"
        "  Lieu : Japon\n"
        "  Groupe : Groupe-pays Japon"
    )
    assert answer.attachments[0].filename.endswith(".ics")
    assert [source.file for source in answer.sources] == ["meetings/cuf-agenda-exemple.ics"]


def test_asking_to_follow_a_group_gives_its_meetings_and_the_command(responder):
    answer = ask(responder, "je veux suivre le groupe japon")
    assert answer is not None and answer.answered
    assert answer.text.startswith("Prochaine réunion — Groupe-pays Japon :\n")
    assert answer.text.endswith("\nPour recevoir les rappels de ses réunions : /suivre japon")

    nothing = ask(responder, "tu peux me rappeler les réunions du groupe mali ?")
    assert nothing is not None and not nothing.answered  # nothing to come: a gap, said so
    assert nothing.text.endswith("/suivre mali")

    english = ask(responder, "I want to follow the Japan group")
    assert english is not None
    assert english.text.endswith("\nTo be reminded of its meetings: /suivre japon")


def test_next_chronique_with_date_time_place_and_link(responder):
    answer = ask(responder, "Quand est la prochaine chronique géopolitique ?")
    assert answer is not None
    assert "Jeudi 14 janvier 2027 à 12 h 30 (fin à 13 h 30)" in answer.text
    assert "Lieu : Visioconférence" in answer.text
    assert "Lien : https://exemple.cites-unies-france.org/chroniques" in answer.text


def test_the_one_after_passes_over_one_meeting_each_time_it_is_asked(responder):
    # The follow-up « et celle d'après ? » reaches the agenda joined to the question it
    # follows (bot/answering/followup.py); asked again, it is joined once more.
    first = "Quand est la prochaine chronique géopolitique ?"
    after = ask(responder, f"{first} et celle d'après ?")
    assert after is not None and after.text.startswith("Réunion suivante")
    assert "Jeudi 11 février 2027" in after.text
    again = ask(responder, f"{first} et celle d'après ? et celle d'après ?")
    assert again is not None and "Jeudi 11 mars 2027" in again.text
    english = ask(responder, "When is the next chronique? And the one after?")
    assert english is not None and english.text.startswith("The one after")
    assert "11 February 2027" in english.text


def test_a_follow_up_s_window_wins_over_the_question_it_follows(responder):
    # « et demain ? » is joined after « …la semaine prochaine ? »: tomorrow is asked.
    answer = ask(responder, "Y a-t-il une réunion la semaine prochaine ? et demain ?")
    assert answer is not None
    assert "mercredi 6 janvier 2027" in answer.text.lower()
    assert "11 janvier" not in answer.text  # not next week's


def test_next_week(responder):
    answer = ask(responder, "Qu'y a-t-il la semaine prochaine ?")
    assert answer is not None
    assert answer.text.splitlines()[0] == (
        "Réunions à venir (du lundi 11 janvier au dimanche 17 janvier 2027) :"
    )
    assert answer.text.count("• ") == 1 and "Chronique géopolitique mensuelle" in answer.text


def test_english_question(responder):
    answer = ask(responder, "When is the next RAICT?")
    assert answer is not None
    assert "From Wednesday 29 September to Thursday 30 September 2027" in answer.text
    assert "Place: Paris" in answer.text


def test_group_meets_and_a_cancelled_meeting_is_said_cancelled(responder):
    answer = ask(responder, "Quand se réunit le groupe-pays Madagascar ?")
    assert answer is not None and "Jeudi 21 janvier 2027 à 14 h (fin à 16 h 30)" in answer.text
    climat = ask(responder, "Prochaine réunion de la mission Climat ?")
    assert climat is not None and climat.answered
    assert climat.text.startswith("Annulée — Mission transversale Climat :\n")
    assert climat.text.endswith("  ANNULÉE")
    english = ask(responder, "Is the climate workshop on February 9 still happening?")
    assert english is not None and "CANCELLED" in english.text


def test_plural_lists_several(responder):
    answer = ask(responder, "Quelles sont les prochaines réunions ?")
    assert answer is not None
    assert answer.text.count("• ") == 5
    assert answer.attachments[0].content.decode().count("BEGIN:VEVENT") == 5


def test_a_year_named_keeps_to_that_year(responder):
    in_2027 = ask(responder, "Quand ont lieu les RAICT en 2027 ?")
    assert in_2027 is not None and "Du mercredi 29 septembre au jeudi 30 septembre 2027" in (
        in_2027.text
    )
    later = ask(responder, "Où se tiendront les prochaines RAICT 2030 ?")
    assert later is not None and later.answered is False  # not the 2027 edition
    assert later.text == (
        "Aucune réunion en 2030 pour « Rencontres de l'action internationale des collectivités"
        " territoriales (RAICT) » n'est inscrite à l'agenda de CUF dont je dispose."
    )


def test_nothing_to_come_for_a_meeting_asked_about_is_not_an_answer(responder):
    answer = ask(responder, "Prochaine réunion du groupe-pays Liban ?")
    assert answer is not None and answer.kind == "agenda" and answer.answered is False
    assert "Groupe-pays Liban" in answer.text


def test_a_month_alone_with_nothing_to_come_is_left_to_the_documents(responder):
    past = "Autour de quel sujet le groupe Liban s'est-il retrouvé en février ?"
    assert routed(responder, past) is None
    assert ask(responder, "Le groupe Liban se réunira-t-il en février ?") is not None


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("Qui intervient à la chronique géopolitique du 14 janvier ?", "person"),
        ("How much is the registration fee for the RAICT in September?", "number"),
    ],
)
def test_what_an_agenda_entry_does_not_say_is_left_to_the_documents(responder, question, asks):
    assert understood(responder, question).asks == asks
    assert routed(responder, question) is None


def test_the_words_are_the_lexicons(knowledge: Path, settings: Settings) -> None:
    """A word added to the lexicon is read with no change to the code."""
    shutil.copy(REPO / "knowledge" / "meetings" / "cuf-agenda-exemple.ics", knowledge / "meetings")
    agenda = build_agenda(settings)
    question = "Quelle est la chronique suivante ?"
    assert ask(AgendaResponder(agenda), question) is None
    data = load_lexicon().model_dump()
    words = data["agenda_responder"]
    lexicon = Lexicon.model_validate(
        {
            **data,
            "agenda_responder": {**words, "agenda_fr": [*words["agenda_fr"], "chronique suivante"]},
        }
    )
    answer = ask(AgendaResponder(agenda, lexicon=lexicon), question, lexicon)
    assert answer is not None and answer.kind == "agenda" and answer.answered
    assert "Jeudi 14 janvier 2027 à 12 h 30" in answer.text


def test_a_month_is_a_whole_word_not_part_of_one(responder):
    # « maintenant » holds « mai »: the next chronicle, not May's.
    answer = routed(responder, "Il y a une chronique géopolitique maintenant ?")
    assert answer is not None and "Jeudi 14 janvier 2027" in answer.text
