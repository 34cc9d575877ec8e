"""What members live on Telegram: English throughout, deep links, a helpful agenda, readable
sources, « typing… », an operational log without questions, and a fast first answer."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.messages import menu, message

from .conftest import MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator

PARIS = ZoneInfo("Europe/Paris")
STRANGER = 2001
FRENCH_LABELS = ("Bonjour", "Lieu", "Groupe :", "Prochaines", "Merci", "Aucune", "Ce bouton")


async def _wait_callback_answers(emulator: Emulator, count: int) -> list[dict[str, str]]:
    answers: list[dict[str, str]] = []
    for _ in range(600):
        answers = await emulator.callback_answers()
        if len(answers) >= count:
            return answers
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} callback answers, got {answers}")


async def test_an_english_speakers_whole_exchange_is_in_english(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    services = answering_services(datetime(2026, 11, 30, 9, 0, tzinfo=PARIS))
    member = emulator.chat(MEMBER_ID, language_code="en")
    async with running_bot(services):
        await member.command("/start")
        welcome = await member.reply()
        await member.command("/help")
        help_message = await member.reply()
        await member.say("Who chairs the Mali country group?")
        answer = await member.reply(timeout=60)
        await member.press(answer, "Sources")
        sources = await member.reply()
        await member.press(answer, "👍")
        await member.command("/agenda")
        agenda = await member.reply()
        await member.press_data(answer.message_id, "src:999999")
        answers = await _wait_callback_answers(emulator, 3)
        stranger = emulator.chat(STRANGER, language_code="en")
        await stranger.say("Hello, what can you do?")
        refusal = await stranger.reply()
        await stranger.press(refusal, "Request")
        requested = await stranger.reply()
    assert welcome.text.startswith("Hello Élu 1002 👋")
    assert help_message.text.startswith("<b>What I can do</b>")
    assert "Halima Menhoudj" in answer.text and "<i>Sources : [1] " in answer.text
    assert "Voici ce que" not in answer.text
    assert answer.labels == ["📚 Sources", "👍", "👎"]
    assert sources.text.startswith("<b>[1] ") and ".pdf" not in sources.text
    assert agenda.text.startswith("No meeting in the next 30 days.\nThe next meeting is on ")
    assert "Place:" in agenda.text or "Group:" in agenda.text
    assert refusal.text == message("not_member", "en")
    assert refusal.labels == ["✉️ Request access"]  # the button under the refusal too
    assert requested.text == message("request_sent", "en")
    assert [a.get("text") for a in answers if a.get("text")] == [
        message("thanks_up", "en"),
        message("expired", "en"),
    ]
    for reply in (welcome, help_message, agenda, refusal, requested):
        assert not any(label in reply.text for label in FRENCH_LABELS), reply.text
    menu_fr = [c["command"] for c in await emulator.commands()]
    menu_en = [c["command"] for c in await emulator.commands("en")]
    assert menu_fr == [name for name, _ in menu("fr")]
    assert menu_en == [
        "start", "help", "agenda", "follow", "reminders", "funding", "forget", "my_data"
    ]  # fmt: skip


async def test_deep_links_follow_a_group_and_open_a_fiche(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services()
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.command("/start suivre-mali")
        followed = await member.reply()
        await member.command("/start dispositif-meae_aap_generaliste")
        fiche = await member.reply()
        await member.command("/start dispositif-inconnu")
        unknown, listing = await member.replies(2)
    assert followed.text == "Vous suivez Groupe-pays Mali ✅"
    assert services.subscriptions.following(str(MEMBER_ID)) == ["mali"]
    assert fiche.text.startswith("Appel à projets généraliste du ministère des Affaires")
    assert unknown.text == message("unknown_fiche")
    assert "1 % eau" in listing.labels and listing.text.startswith("<b>Dispositifs")


async def test_agenda_with_no_meeting_in_the_window_shows_the_next_ones(
    emulator: Emulator, make_services: Callable[..., ClockedServices]
) -> None:
    services = make_services(datetime(2026, 11, 30, 9, 0, tzinfo=PARIS))  # 45 days before
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.command("/agenda")
        agenda = await member.reply()
    lines = agenda.text.split("\n")
    assert lines[:4] == [
        "Aucune réunion dans les 30 prochains jours.",
        "La prochaine réunion est le jeudi 14 janvier 2027. Les suivantes :",
        "",
        "• Chronique géopolitique mensuelle",
    ]
    assert lines[4].startswith("  Jeudi 14 janvier 2027 à 12 h 30")
    assert agenda.text.count("• ") == 3


async def test_sources_name_documents_never_paths_under_one_heading(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    services = answering_services(datetime(2026, 11, 30, 9, 0, tzinfo=PARIS))
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        await member.say("Qu'est-ce que l'appel à projets généraliste du MEAE ?")
        answer = await member.reply(timeout=60)
        await member.press(answer, "Sources")
        sources = await member.reply()
    assert answer.text.count("Sources") == 1
    assert re.search(r"<i>Sources : \[1\] Appel à projets généraliste .* · https://", answer.text)
    assert sources.text.startswith("<b>[1] Appel à projets généraliste du ministère")
    assert "fiche de financement · vérifiée le " in sources.text
    for path_like in (".yaml", "funding/", ".pdf", "publications/"):
        assert path_like not in answer.text + sources.text


async def test_one_info_line_per_answer_without_the_question_or_token(
    emulator: Emulator,
    answering_services: Callable[..., ClockedServices],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    services = answering_services()
    member = emulator.chat(MEMBER_ID)
    async with running_bot(services):
        caplog.clear()  # what the start-up logged is not about answers
        await member.say("Qui préside le groupe-pays Mali ?")
        await member.reply(timeout=60)
        await member.say("Quelle est la météo sur Mars demain ?")
        await member.reply(timeout=60)
        await member.send_media("sticker")
        await member.reply()
    replies = [r for r in caplog.records if r.name == "bot.telegram.oplog"]
    assert [r.levelname for r in replies] == ["INFO"] * 3
    lines = [r.getMessage() for r in replies]
    pattern = (
        r"reply chat=[0-9a-f]{10} kind=(\w+) (answered|refused)( reason=[^=]+)? latency_ms=\d+"
    )
    parsed = [re.fullmatch(pattern, line) for line in lines]
    assert all(parsed), lines
    # Each question's line says what the bot stored about that answer.
    with services.database.transaction() as connection:
        stored = connection.exec_driver_sql(
            "SELECT kind, answered FROM answer_log WHERE chat_id = ? ORDER BY id", (str(MEMBER_ID),)
        ).fetchall()
    reasons = {"abstain": " reason=not in the documents"}
    expected = [
        (row.kind, "answered", None)
        if row.answered
        else (
            row.kind,
            "refused",
            reasons.get(row.kind, f" reason=not answered ({row.kind})"),
        )
        for row in stored
    ]
    assert [(m.group(1), m.group(2), m.group(3)) for m in parsed if m] == [
        *expected,
        ("media", "refused", " reason=not a written question"),
    ]
    assert len(expected) == 2
    assert str(MEMBER_ID) not in " ".join(lines)
    above_debug = " ".join(r.getMessage() for r in caplog.records if r.levelno > logging.DEBUG)
    assert "Mali" not in above_debug and "Mars" not in above_debug
    assert emulator.token.split(":")[1] not in caplog.text


async def test_models_load_before_ready_and_the_first_answer_is_not_slower_than_the_tenth(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    services = answering_services()
    member = emulator.chat(MEMBER_ID)
    questions = [
        "Qui préside le groupe-pays Mali ?",
        "Qu'est-ce que la RAICT ?",
        "Qu'est-ce que le 1 % eau ?",
        "Que fait CUF pour le climat ?",
        "Qu'est-ce que l'ECSI ?",
        "Qui préside CUF ?",
        "Qu'est-ce que le Café des élus ?",
        "Quels sont les groupes-pays ?",
        "Qu'est-ce que le groupe-pays Japon ?",
        "Qui préside le groupe-pays Mali ?",  # the first one again: like with like
    ]
    async with running_bot(services):
        # Ready means loaded: the assistant, its index and the model exist before any question.
        assert services.loaded is not None
        assert {"funding_catalog", "agenda"} <= set(vars(services))
        seconds = []
        for question in questions:
            started = time.perf_counter()
            await member.say(question)
            await member.reply(timeout=60)
            seconds.append(time.perf_counter() - started)
        actions = await emulator.chat_actions()
    print(f"first answer {seconds[0]:.2f} s, tenth {seconds[-1]:.2f} s")
    assert {"chat_id": str(MEMBER_ID), "action": "typing"} in [
        {"chat_id": str(a["chat_id"]), "action": a["action"]} for a in actions
    ]
