"""The acceptance figures of issue 2, on the dev question set and the shipped corpus."""

from __future__ import annotations

import pytest
from answering_helpers import MONDAY_9AM, REPO, AnsweringServices, answering_settings

from bot.evaluation import EvalReport, evaluate, load_cases
from bot.retrieval.retriever import Retriever

CASES = load_cases(REPO / "tests" / "data" / "dev_questions.json")
PUBLICATION_ANSWERS = {"x01", "x02", "x03", "x04", "x05"}
FUNDING_ANSWERS = {"x09", "x10", "x11", "x12"}


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory, corpus_retriever: Retriever) -> EvalReport:
    settings = answering_settings(tmp_path_factory.mktemp("eval") / "state")
    services = AnsweringServices(settings, MONDAY_9AM, corpus_retriever)
    return evaluate(CASES, services.assistant, services.retriever, services.conversations)


def answer_failures(report: EvalReport) -> set[str]:
    return {
        case_id
        for name, score in report.scores.items()
        if name.startswith(("answers", "follow-up"))
        for case_id in score.failures
    }


def scored_answers(report: EvalReport) -> int:
    return sum(
        score.total
        for name, score in report.scores.items()
        if name.startswith(("answers", "follow-up"))
    )


def test_the_case_groups_are_those_of_the_dev_set() -> None:
    with_expectations = {case["id"] for case in CASES if "expect_all" in case}
    assert with_expectations == PUBLICATION_ANSWERS | FUNDING_ANSWERS


def test_retrieval_hit_at_5(report: EvalReport) -> None:
    lexical = report.scores["retrieval lexical hit@5"]
    paraphrase = report.scores["retrieval paraphrase hit@5"]

    assert lexical.total == 50 and lexical.rate >= 0.97, lexical.failures
    assert paraphrase.total == 18 and paraphrase.rate >= 0.90, paraphrase.failures


def test_answers_on_the_publications(report: EvalReport) -> None:
    failed = answer_failures(report) & PUBLICATION_ANSWERS

    assert scored_answers(report) == len(PUBLICATION_ANSWERS | FUNDING_ANSWERS)
    assert 1 - len(failed) / len(PUBLICATION_ANSWERS) >= 0.95, failed


def test_every_abstain_case_abstains(report: EvalReport) -> None:
    abstains = report.scores["abstains when it should"]

    assert abstains.total == sum(bool(case.get("abstain")) for case in CASES) == 3
    assert abstains.failures == []


def test_follow_up_cases_pass(report: EvalReport) -> None:
    follow_ups = report.scores["follow-up answers"]

    assert follow_ups.total == sum("turns" in case for case in CASES) == 2
    assert follow_ups.failures == []


def test_funding_cases_pass(report: EvalReport) -> None:
    assert answer_failures(report) & FUNDING_ANSWERS == set()
    assert report.scores["answers (funding)"].total >= len(FUNDING_ANSWERS)
