"""Retention: old conversations, answers and handoffs purged; ratings kept without anyone's id."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from staff_helpers import MONDAY, FixedClockServices

from bot.answers import Answer
from bot.cli import main
from bot.conversation import Turn
from bot.db.schema import feedback_archive
from bot.staff.gaps import THUMBS_DOWN, collect
from bot.staff.privacy import export_chat, purge_older_than

OLD = MONDAY - timedelta(days=200)


def _fill(services: FixedClockServices) -> None:
    answer = Answer("CUF est une association.", answered=True)
    for chat, moment in (("old", OLD), ("new", MONDAY)):
        services.conversations.record(chat, Turn("Qui est CUF ?", "Qui est CUF ?", "…", moment))
        answer_id = services.feedback.record_answer(chat, "Qui est CUF ?", answer, moment)
        user = 77 if chat == "old" else 78
        services.feedback.rate(answer_id, chat, user, -1, moment)
        services.handoffs.open(chat, user, answer_id, "Qui est CUF ?", "fr", moment)


def test_purge_deletes_what_is_older_than_retention_and_keeps_ratings_anonymised(
    make_services: Callable[..., FixedClockServices],
) -> None:
    services = make_services()
    _fill(services)
    database = services.database

    report = purge_older_than(database, MONDAY, 180)

    assert (report.conversation_turns, report.answers, report.ratings_archived) == (1, 1, 1)
    assert export_chat(database, "old", 77, MONDAY)["tables"] == {}
    kept = export_chat(database, "new", 78, MONDAY)["tables"]
    assert {"conversation_turns", "answer_log", "feedback", "handoffs"} <= set(kept)
    with database.transaction() as connection:
        archived = connection.execute(
            select(feedback_archive.c.question, feedback_archive.c.rating)
        ).all()
    assert not any(column.name.endswith(("chat_id", "user_id")) for column in feedback_archive.c)
    assert [tuple(row) for row in archived] == [("Qui est CUF ?", -1)]
    # the staff's gaps still see the archived 👎
    reasons = [gap.reason for gap in collect(database, OLD - timedelta(days=1))]
    assert reasons.count(THUMBS_DOWN) == 2
    assert purge_older_than(database, MONDAY, 180).answers == 0  # idempotent


def test_zero_days_keeps_everything(make_services: Callable[..., FixedClockServices]) -> None:
    services = make_services()
    _fill(services)
    report = purge_older_than(services.database, MONDAY, 0)
    assert report.answers == 0
    assert export_chat(services.database, "old", 77, MONDAY)["tables"]


def test_export_and_purge_from_the_command_line(
    make_services: Callable[..., FixedClockServices],
    cli_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fill(make_services())

    assert main(["export", "--chat", "old", "--user", "77"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert main(["purge", "--days", "1"]) == 0
    purged = capsys.readouterr().out
    assert main(["export", "--chat", "old"]) == 0
    after = json.loads(capsys.readouterr().out)

    assert exported["tables"]["answer_log"][0]["question"] == "Qui est CUF ?"
    assert exported["tables"]["handoffs"][0]["user_id"] == 77
    assert "2 answer(s) purged" in purged  # the clock is today's: both are older than a day
    assert after["tables"] == {}
