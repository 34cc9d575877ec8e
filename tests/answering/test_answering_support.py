"""Support check: refuse questions on names or subjects the corpus never mentions."""

from __future__ import annotations

import pytest

from bot.answering.support import unsupported_reason
from bot.retrieval.retriever import Retriever


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        (
            "Combien de collectivités ont donné au fonds de solidarité pour le Pérou ?",
            "unknown name: Pérou",
        ),
        ("Quelle est la capitale de l'Australie ?", "unknown name: Australie"),
        ("Qui préside le groupe-pays Norvège ?", "unknown name: Norvège"),
        ("Quel est le salaire de la directrice générale de CUF ?", "unknown subject: salaire"),
        ("Combien d'employés travaillent à CUF ?", "unknown subject: employes"),
        (
            "Quelle est la recette de la blanquette de veau ?",
            "nothing close enough in the documents",
        ),
    ],
)
def test_questions_beside_the_corpus_are_refused_with_a_reason(
    corpus_retriever: Retriever, question: str, reason: str
) -> None:
    hits = corpus_retriever.search(question)

    assert unsupported_reason(question, hits, corpus_retriever) == reason


@pytest.mark.parametrize(
    "question",
    [
        "Qui préside le groupe-pays Mali ?",
        "Quel est le montant du fonds Haïti ?",
        # "argent" is not in the documents, but the alias table maps it to "montant".
        "Combien d'argent a été levé pour aider après l'explosion dans la capitale libanaise ?",
        # An acronym the documents spell out.
        "Combien de collectivités ont bénéficié du dispositif DCOL depuis sa création ?",
        "Qui est la directrice générale de CUF ?",
    ],
)
def test_questions_the_corpus_covers_are_supported(
    corpus_retriever: Retriever, question: str
) -> None:
    hits = corpus_retriever.search(question)

    assert unsupported_reason(question, hits, corpus_retriever) is None


def test_nothing_retrieved_means_nothing_to_answer_from(corpus_retriever: Retriever) -> None:
    question = "Qui préside le groupe-pays Mali ?"

    assert unsupported_reason(question, [], corpus_retriever) == (
        "nothing close enough in the documents"
    )
