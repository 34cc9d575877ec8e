"""Knowledge gaps: unanswered and 👎-rated questions from the answer log, grouped by meaning."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.answers import Answer
from bot.feedback import FeedbackStore
from bot.retrieval.embeddings import E5Embeddings
from bot.staff.gaps import THUMBS_DOWN, UNANSWERED, GapQuestion, collect, group_questions
from bot.storage import Database

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2025, 3, 10, 12, 0, tzinfo=PARIS)


@pytest.fixture(scope="module")
def embeddings(tmp_path_factory: pytest.TempPathFactory) -> E5Embeddings:
    return E5Embeddings(cache_dir=tmp_path_factory.mktemp("models"))


def _gap(text: str, days_ago: int = 0) -> GapQuestion:
    return GapQuestion(text, NOW - timedelta(days=days_ago), UNANSWERED)


def test_similar_wordings_are_grouped_and_different_subjects_are_not(
    embeddings: E5Embeddings,
) -> None:
    questions = [
        _gap("Quel est le montant de la cotisation annuelle à CUF ?", 1),
        _gap("Combien coûte la cotisation pour adhérer ?", 2),
        _gap("Quel est le montant de la cotisation annuelle ?", 3),
        _gap("Où se trouve le siège de CUF ?", 4),
        _gap("Qui préside le groupe-pays Pérou ?", 5),
        _gap("Qui est le président du groupe Pérou ?", 6),
        _gap("Qui préside le groupe-pays Chili ?", 7),
    ]

    def names(text: str) -> list[str]:
        return [word for word in ("Pérou", "Chili") if word in text]

    def embed(texts: list[str]) -> list[list[float]]:
        return [embeddings.embed_query(text) for text in texts]

    groups = group_questions(questions, embed, names)
    wordings = [sorted(q.question for q in group.questions) for group in groups]

    assert wordings[0] == sorted(q.question for q in questions[:3])
    assert sorted(q.question for q in questions[4:6]) in wordings
    assert ["Où se trouve le siège de CUF ?"] in wordings
    assert ["Qui préside le groupe-pays Chili ?"] in wordings
    assert groups[0].count == 3
    assert groups[0].last == NOW - timedelta(days=1)
    assert groups[0].example == "Quel est le montant de la cotisation annuelle à CUF ?"


def test_collect_reads_unanswered_and_thumbs_down_within_the_period(tmp_path: Path) -> None:
    database = Database(tmp_path / "cuf.sqlite3")
    feedback = FeedbackStore(database)
    refused = Answer("Je ne trouve pas", answered=False, kind="abstain")
    good = Answer("CUF est une association", answered=True)
    feedback.record_answer("1", "Question ancienne ?", refused, NOW - timedelta(days=40))
    feedback.record_answer("1", "Quel est le budget 2030 ?", refused, NOW - timedelta(days=2))
    liked = feedback.record_answer("2", "Qu'est-ce que CUF ?", good, NOW - timedelta(days=1))
    disliked = feedback.record_answer("2", "Qui est CUF ?", good, NOW - timedelta(days=1))
    feedback.rate(liked, "2", 7, 1, NOW)
    feedback.rate(disliked, "2", 7, -1, NOW)

    gaps = collect(database, NOW - timedelta(days=30))

    assert {(gap.question, gap.reason) for gap in gaps} == {
        ("Quel est le budget 2030 ?", UNANSWERED),
        ("Qui est CUF ?", THUMBS_DOWN),
    }
