"""The held-out half of the question bank gates CI; the tuning half is only reported.

The figures are floors that the current assistant holds on the held-out half (measured
with ``python -m bot eval``), so that a change which makes answers worse fails CI. The
targets of the answers issue (fact ≥ 0.92, refusals ≥ 0.95, answerable refused ≤ 4 %)
are not reached yet: the floors say where the assistant stands, not where it should be.
"""

from __future__ import annotations

import hashlib

import pytest
from answering_helpers import MONDAY_9AM, REPO, answering_services, answering_settings

from bot.answering.calibration import load_calibration
from bot.evaluation import ABSTAIN, ANSWERED, FACT, SMALLTALK, EvalReport, evaluate, load_cases
from bot.retrieval.retriever import Retriever

BANK = REPO / "tests" / "data" / "bank"
HELDOUT = BANK / "heldout.json"
TUNING = BANK / "tuning.json"
# The held-out half is frozen: editing it would turn it into tuning data.
HELDOUT_SHA256 = "01fc276f570f99a64f1a919e161cead3c24a0b20e09a66cafaf99b591fd67e91"

FACT_FLOOR = 0.79
REFUSED_FLOOR = 0.50
OVER_REFUSAL_CEILING = 0.04  # the acceptance bar
SMALLTALK_FLOOR = 0.85


@pytest.fixture(scope="module")
def heldout(tmp_path_factory: pytest.TempPathFactory, corpus_retriever: Retriever) -> EvalReport:
    settings = answering_settings(tmp_path_factory.mktemp("heldout") / "state")
    services = answering_services(settings, MONDAY_9AM, corpus_retriever)
    return evaluate(
        load_cases(HELDOUT), services.assistant, services.retriever, services.conversations
    )


def test_the_heldout_half_is_frozen() -> None:
    assert hashlib.sha256(HELDOUT.read_bytes()).hexdigest() == HELDOUT_SHA256


def test_the_calibration_was_fitted_on_the_tuning_half_only() -> None:
    fitted_on = load_calibration().fitted_on

    assert fitted_on == hashlib.sha256(TUNING.read_bytes()).hexdigest()
    assert fitted_on != HELDOUT_SHA256


# Two writers who never saw each other's work wrote these three questions word for word;
# the split put one copy in each half. They are the only overlap.
SHARED_QUESTIONS = {
    "Qui était l'invitée d'honneur des RAICT 2023 ?",
    "Who is the president of Cités Unies France?",
    "Quel est le numéro de téléphone de Halima Menhoudj ?",
}


def test_the_halves_share_no_other_question() -> None:
    def questions(path):  # type: ignore[no-untyped-def]
        return {str(case.get("q") or case.get("turns")) for case in load_cases(path)}

    assert len(load_cases(HELDOUT)) >= 200 and len(load_cases(TUNING)) >= 200
    assert questions(HELDOUT) & questions(TUNING) == SHARED_QUESTIONS


def test_the_fact_is_in_the_answer(heldout: EvalReport) -> None:
    assert heldout.scores[FACT].total >= 150
    assert heldout.rate(FACT) >= FACT_FLOOR, heldout.lines()


def test_questions_the_documents_cannot_answer_are_refused(heldout: EvalReport) -> None:
    assert heldout.scores[ABSTAIN].total >= 30
    assert heldout.rate(ABSTAIN) >= REFUSED_FLOOR, heldout.lines()


def test_answerable_questions_are_seldom_refused(heldout: EvalReport) -> None:
    assert 1 - heldout.rate(ANSWERED) <= OVER_REFUSAL_CEILING, heldout.lines()


def test_english_questions_are_answered_as_often_as_french_ones(heldout: EvalReport) -> None:
    english = heldout.scores["  answered: language en"]
    french = heldout.scores["  answered: language fr"]
    assert english.total >= 20 and french.total >= 100
    # One English question in twenty-five is four points: the margin allows one.
    assert english.rate >= french.rate - 1 / english.total, heldout.lines()


def test_greetings_are_never_answered_with_a_passage(heldout: EvalReport) -> None:
    assert heldout.rate(SMALLTALK) >= SMALLTALK_FLOOR, heldout.lines()
    for case_id, result in heldout.results.items():
        if result.answer.kind == "smalltalk":
            assert result.answer.sources == (), case_id


def test_retrieval_is_scored_only_where_a_passage_holds_the_evidence(
    heldout: EvalReport,
) -> None:
    indexed = heldout.scores["evidence in a passage"]
    # The agenda's questions cite calendar lines: the agenda answers them, not retrieval.
    assert "d002" in indexed.failures
    assert "d002" not in heldout.scores["retrieval top-4"].failures
    assert heldout.scores["retrieval top-4"].total == indexed.passed
