"""Follow-up questions: rewriting rules, and whole conversations through SQLite memory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from answering_helpers import REPO, AnsweringServices

from bot.answering.followup import looks_like_follow_up, standalone_question, takes_up_an_object
from bot.evaluation import load_cases

MALI = "Qui préside le groupe-pays Mali ?"
GENRE = "Qui préside la dynamique Genre ?"
HAITI = "Quel est le montant du fonds Haïti ?"


@pytest.mark.parametrize(
    ("question", "previous", "standalone"),
    [
        # A new subject replaces the old one.
        ("Et celui du Sénégal ?", MALI, "Qui préside le groupe-pays Sénégal ?"),
        ("Et pour le Japon ?", MALI, "Qui préside le groupe-pays Japon ?"),
        ("What about Senegal?", "Who chairs the Mali group?", "Who chairs the Senegal group?"),
        # The kind of subject changes with it.
        ("Et la dynamique Jeunesse ?", MALI, "Qui préside la dynamique Jeunesse ?"),
        ("et la mission Climat ?", GENRE, "Qui préside la mission Climat ?"),
        # A back reference is searched together with the previous question.
        ("Elle est élue de quelle ville ?", GENRE, f"{GENRE} Elle est élue de quelle ville ?"),
        (
            "Et combien de collectivités y ont donné ?",
            HAITI,
            f"{HAITI} Et combien de collectivités y ont donné ?",
        ),
        # Not a follow-up: a complete question, or nothing to follow.
        (
            "Qui préside le groupe-pays Madagascar ?",
            MALI,
            "Qui préside le groupe-pays Madagascar ?",
        ),
        (
            "Combien de chroniques géopolitiques ont eu lieu en 2023 ?",
            MALI,
            "Combien de chroniques géopolitiques ont eu lieu en 2023 ?",
        ),
        # "en" before a year or a name is a preposition, not a back reference.
        ("Combien de réunions en France ?", MALI, "Combien de réunions en France ?"),
        ("Combien en ont donné ?", HAITI, f"{HAITI} Combien en ont donné ?"),
        # A question on another scheme, « en » the preposition: it stands alone.
        (
            "Quel est le plafond en euros d'un accompagnement DCOL ?",
            "Quel est le téléphone de pS-Eau pour le 1 % eau ?",
            "Quel est le plafond en euros d'un accompagnement DCOL ?",
        ),
        ("Et celui du Sénégal ?", None, "Et celui du Sénégal ?"),
        ("Elle est élue de quelle ville ?", "", "Elle est élue de quelle ville ?"),
    ],
)
def test_standalone_question(question: str, previous: str | None, standalone: str) -> None:
    assert standalone_question(question, previous) == standalone


# --- whole conversations on the corpus ----------------------------------------------


def test_haiti_fund_donors_after_its_amount(services: AnsweringServices) -> None:
    services.assistant.answer(HAITI, "chat-1")
    answer = services.assistant.answer("Et combien de collectivités y ont donné ?", "chat-1")

    assert answer.answered is True
    assert "28 collectivités donatrices" in answer.text


def test_gender_chair_city_after_asking_who_chairs(services: AnsweringServices) -> None:
    first = services.assistant.answer(GENRE, "chat-1")
    answer = services.assistant.answer("Elle est élue de quelle ville ?", "chat-1")

    assert "Élise Pereira-Nunes" in first.text
    assert answer.answered is True
    assert "Tours" in answer.text


def test_senegal_group_after_the_mali_group(services: AnsweringServices) -> None:
    services.assistant.answer(MALI, "chat-1")
    answer = services.assistant.answer("Et celui du Sénégal ?", "chat-1")

    assert answer.answered is True
    assert "Groupe-pays Sénégal Arnaud Ngatcha" in answer.text
    turns = services.conversations.recent("chat-1", services.now())
    assert [turn.standalone_question for turn in turns] == [
        MALI,
        "Qui préside le groupe-pays Sénégal ?",
    ]


def test_who_chairs_it_after_asking_when_the_group_meets(services: AnsweringServices) -> None:
    services.assistant.answer("Quand se réunit le groupe-pays Mali ?", "chat-1")
    answer = services.assistant.answer("qui le préside ?", "chat-1")

    assert answer.kind == "documents"  # a person is asked, not the agenda again
    assert "Halima Menhoudj" in answer.text.splitlines()[0]
    last = services.conversations.recent("chat-1", services.now())[-1]
    assert last.standalone_question == "qui le préside ? (Mali)"


def test_a_follow_up_on_a_scheme_asks_its_own_thing(services: AnsweringServices) -> None:
    services.assistant.answer("C'est quoi le 1 % déchets ?", "chat-1")
    answer = services.assistant.answer(
        "Ok, et qui peut nous aider à le mettre en place ?", "chat-1"
    )

    assert answer.kind == "funding"
    assert "AMORCE" in answer.text
    assert "Créé par la loi du 7 juillet 2014" not in answer.text  # not « what » again


def test_without_context_the_follow_up_is_not_understood(services: AnsweringServices) -> None:
    answer = services.assistant.answer("Elle est élue de quelle ville ?", "chat-1")

    assert "Tours" not in answer.text


def test_conversation_expires_after_the_ttl(
    make_services: Callable[..., AnsweringServices],
) -> None:
    services = make_services(history_ttl_minutes=30)
    asked_at = services.now()
    services.assistant.answer(GENRE, "chat-1")

    services.clock.moment = asked_at + timedelta(minutes=30)
    still = services.assistant.answer("Elle est élue de quelle ville ?", "chat-1")
    services.conversations.forget("chat-1")
    services.clock.moment = asked_at
    services.assistant.answer(GENRE, "chat-1")
    services.clock.moment = asked_at + timedelta(minutes=31)
    expired = services.assistant.answer("Elle est élue de quelle ville ?", "chat-1")

    assert "Tours" in still.text
    assert "Tours" not in expired.text
    last = services.conversations.recent("chat-1", services.now())[-1]
    assert last.standalone_question == "Elle est élue de quelle ville ?"


def test_chats_do_not_share_history(services: AnsweringServices) -> None:
    services.assistant.answer(GENRE, "alice")
    services.assistant.answer(HAITI, "bob")

    alice = services.assistant.answer("Elle est élue de quelle ville ?", "alice")
    bob = services.assistant.answer("Et combien de collectivités y ont donné ?", "bob")

    assert "Tours" in alice.text
    assert "28 collectivités donatrices" in bob.text
    assert [turn.question for turn in services.conversations.recent("alice", services.now())] == [
        GENRE,
        "Elle est élue de quelle ville ?",
    ]


def test_forget_erases_the_conversation(services: AnsweringServices) -> None:
    services.assistant.answer(GENRE, "chat-1")
    services.assistant.answer(MALI, "chat-2")

    services.forget_chat("chat-1")

    assert services.conversations.recent("chat-1", services.now()) == []
    assert len(services.conversations.recent("chat-2", services.now())) == 1
    answer = services.assistant.answer("Elle est élue de quelle ville ?", "chat-1")
    assert "Tours" not in answer.text


@pytest.mark.parametrize(
    ("question", "follow_up"),
    [
        ("Qu'est-ce qu'il y a à l'agenda de CUF en janvier ?", False),  # impersonal, a month
        ("Quoi de prévu en février ?", False),
        ("Y a-t-il une réunion ?", False),
        ("c'est où ?", True),  # only question words: about what was asked before
        ("?", False),
        ("Elle est élue où ?", True),
        ("Et combien y ont donné ?", True),
        ("combien en ont donné ?", True),  # « en », the pronoun
        ("La région en a versé combien ?", True),
        ("Il y en a combien ?", True),
        ("Quel est le plafond en euros du DCOL ?", False),  # « en », the preposition
        ("Des réunions en ligne ?", False),
        ("Qui en 2023 ?", False),
        # The pronoun takes up the subject the message opens with.
        ("la cncd elle finance quoi ??", False),
        ("le grp japon il prepare quoi", False),
        ("Et elle finance quoi ?", True),
        # An acknowledgement of the last answer, then the follow-up.
        ("Ok, et qui peut nous aider à le mettre en place ?", True),
        ("d'accord merci, et pour le Sénégal ?", True),
        ("Ok merci", False),
    ],
)
def test_what_refers_back_and_what_does_not(question: str, follow_up: bool) -> None:
    assert looks_like_follow_up(question) is follow_up


@pytest.mark.parametrize(
    ("question", "object_pronoun"),
    [
        ("qui le préside ?", True),
        ("on la contacte comment ?", True),
        ("qui les finance ?", True),
        ("qui l'organise ?", True),
        ("c qui le président du groupe burkina", False),  # an article
        ("Qui préside le groupe-pays Mali ?", False),
    ],
)
def test_what_takes_up_an_object(question: str, object_pronoun: bool) -> None:
    assert takes_up_an_object(question) is object_pronoun


def test_questions_asked_in_a_row_stand_alone(services: AnsweringServices) -> None:
    """A member asks one question after another: none is taken for a follow-up.

    The tuning half's single questions, each understood after the one before it,
    must be understood as when asked alone.
    """
    cases = load_cases(REPO / "tests" / "data" / "bank" / "tuning.json")
    questions = [case["q"] for case in cases if case.get("q") and not case.get("turns")]
    assert len(questions) > 150

    merged = [
        question
        for previous, question in zip(questions, questions[1:], strict=False)
        if services.assistant.analyze(question, previous).text
        != services.assistant.analyze(question).text
    ]

    assert merged == []
