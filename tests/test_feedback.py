"""Answers sent and their 👍/👎 (real SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.answers import Answer, Source
from bot.feedback import FeedbackStore
from bot.storage import Database

NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ANSWER = Answer(
    text="Le groupe-pays Mali se réunit deux fois par an [1].",
    answered=True,
    sources=(Source("Rapport d'activités 2023", "cuf-rapport-activites-2023.pdf", 12, "Mali…"),),
)


def test_an_answer_is_found_again_only_in_its_own_chat(database_target: str | Path) -> None:
    store = FeedbackStore(Database(database_target))
    answer_id = store.record_answer("100", "Groupe Mali ?", ANSWER, NOW)
    logged = store.answer(answer_id, "100")
    assert logged is not None
    assert (logged.question, logged.text, logged.sources) == (
        "Groupe Mali ?",
        ANSWER.text,
        ANSWER.sources,
    )
    assert store.answer(answer_id, "200") is None


def test_ratings_are_stored_with_question_and_can_be_changed(database_target: str | Path) -> None:
    store = FeedbackStore(Database(database_target))
    answer_id = store.record_answer("100", "Groupe Mali ?", ANSWER, NOW)
    assert store.rate(answer_id, "100", 7, 1, NOW) is True
    assert store.rate(answer_id, "100", 7, -1, NOW) is True
    assert store.rate(answer_id, "200", 7, 1, NOW) is False
    assert [(r.user_id, r.rating, r.question) for r in store.ratings()] == [
        (7, -1, "Groupe Mali ?")
    ]
    assert store.stats() == {
        "answers": 1,
        "unanswered": 0,
        "chats": 1,
        "thumbs_up": 0,
        "thumbs_down": 1,
    }
    with pytest.raises(ValueError):
        store.rate(answer_id, "100", 7, 0, NOW)


def test_forget_erases_the_chat_answers_and_their_ratings(database_target: str | Path) -> None:
    store = FeedbackStore(Database(database_target))
    mine = store.record_answer("100", "Q1", ANSWER, NOW)
    other = store.record_answer("200", "Q2", ANSWER, NOW)
    store.rate(mine, "100", 7, 1, NOW)
    store.rate(other, "200", 8, 1, NOW)
    store.forget("100")
    assert store.answer(mine, "100") is None
    assert [(r.chat_id, r.user_id) for r in store.ratings()] == [("200", 8)]
