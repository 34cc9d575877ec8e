"""Support signals: what the answer model weighs before answering or refusing."""

from __future__ import annotations

import pytest
from answering_helpers import AnsweringServices

from bot.answering.support import (
    ANSWER_FEATURES,
    RULE_SIGNALS,
    focus_word,
    names_missing_from,
    says_not_found,
)
from bot.retrieval.retriever import Retriever


def signals_of(services: AnsweringServices, question: str) -> dict[str, float]:
    assistant = services.assistant
    evidence = assistant.gather(assistant.analyze(question))
    quotes = evidence.candidates[:1]
    return assistant.signals(evidence, quotes)


def test_every_feature_of_the_answer_model_is_computed(services: AnsweringServices) -> None:
    signals = signals_of(services, "Qui préside le groupe-pays Mali ?")

    assert set(signals) == set(ANSWER_FEATURES) | set(RULE_SIGNALS)


@pytest.mark.parametrize(
    ("question", "signal"),
    [
        (
            "Combien de collectivités ont donné au fonds de solidarité pour le Pérou ?",
            "unknown_names",
        ),
        ("Quelle est la capitale de l'Australie ?", "unknown_names"),
        ("Quel est le numéro de téléphone de François Rebsamen ?", "contact_missing"),
        ("Combien de collectivités le DCOL a-t-il accompagnées en 2031 ?", "unquoted_year"),
        ("Quel est le montant de la cotisation annuelle des communes ?", "amount_missing"),
    ],
)
def test_signals_of_questions_beside_the_corpus(
    services: AnsweringServices, question: str, signal: str
) -> None:
    assert signals_of(services, question)[signal] > 0


def test_a_question_the_documents_answer_raises_no_alarm(services: AnsweringServices) -> None:
    signals = signals_of(services, "Qui préside le groupe-pays Mali ?")

    assert signals["unknown_names"] == signals["unquoted_year"] == signals["contact_missing"] == 0


def test_names_are_compared_as_words_not_stems(corpus_retriever: Retriever) -> None:
    passage = "Groupe-pays Tunisie Adda BEKKOUCHE Adjoint au Maire, Colombes"
    question = "Qui préside le groupe-pays Colombie ?"

    assert names_missing_from(["Colombie"], question, passage, corpus_retriever) == ["Colombie"]
    assert names_missing_from(["Tunisie"], question, passage, corpus_retriever) == []


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("Quel est le salaire de la directrice générale de CUF ?", "salaire"),
        ("Combien d'employés travaillent à CUF ?", "employes"),
        ("Qui préside le groupe-pays Mali ?", None),
    ],
)
def test_focus_word(question: str, focus: str | None) -> None:
    assert focus_word(question) == focus


def test_a_question_far_from_every_document_is_refused(services: AnsweringServices) -> None:
    answer = services.assistant.answer("Quelle est la recette de la blanquette de veau ?")

    assert answer.answered is False
    assert answer.sources == ()


def test_a_quote_saying_the_fact_was_not_found_is_a_refusal_signal(
    services: AnsweringServices,
) -> None:
    assistant = services.assistant
    evidence = assistant.gather(assistant.analyze("Quelles sont les dates de l'AAP généraliste ?"))
    not_found = [quote for quote in evidence.candidates if "non trouvé" in quote.sentence]
    found = [quote for quote in evidence.candidates if "non trouvé" not in quote.sentence]
    assert not_found and found

    assert assistant.signals(evidence, not_found[:1])["says_not_found"] == 1.0
    assert assistant.signals(evidence, found[:1])["says_not_found"] == 0.0


@pytest.mark.parametrize(
    ("line", "not_found"),
    [
        ("plafond en euros non trouvé", True),
        ("aucun montant minimum de contribution trouvé (non confirmé)", True),
        ("pas de règle générale trouvée", True),
        ("montants et taux des appels 2024-2025 : non trouvés", True),
        ("Le coût est pris en charge à 80 %, une solution a été trouvée.", False),
        ("Aucun appel ouvert ; le texte trouvé en 2023 le dit.", False),
    ],
)
def test_says_not_found(line: str, not_found: bool) -> None:
    assert says_not_found(line) is not_found
