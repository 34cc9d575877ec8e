"""The generative mode on Telegram: « typing… » while a slow model writes, its state in /stats.

The bot runs against the Telegram emulator and a scripted OpenAI-compatible
server (``tests/llm_server.py``), both on loopback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from llm_server import (
    GOOD_KEY,
    MODEL,
    Reply,
    ScriptedLLM,
    passage_number,
    question_of,
    scripted_llm,
)

from .conftest import ADMIN_ID, MEMBER_ID, ClockedServices, running_bot
from .driver import Emulator

MALI = "Quel élu préside le groupe-pays Mali ?"
HALIMA = "Halima Menhoudj"
WRITING_SECONDS = 5.0  # longer than one renewal of « typing… » (4 s)


@pytest.fixture
def llm() -> Iterator[ScriptedLLM]:
    with scripted_llm() as server:
        yield server


def llm_settings(llm: ScriptedLLM) -> dict[str, object]:
    return {
        "llm_base_url": llm.base_url,
        "llm_model": MODEL,
        "llm_api_key": GOOD_KEY,
        "llm_timeout_seconds": 30.0,
    }


async def test_typing_is_shown_and_renewed_while_a_slow_model_writes(
    emulator: Emulator, answering_services: Callable[..., ClockedServices], llm: ScriptedLLM
) -> None:
    llm.script = lambda body: Reply.text(
        f"Le groupe-pays Mali est présidé par {HALIMA} [{passage_number(body, HALIMA)}].",
        delay=WRITING_SECONDS,
    )
    member = emulator.chat(MEMBER_ID)
    async with running_bot(answering_services(**llm_settings(llm))):
        await member.say(MALI)
        answer = await member.reply(timeout=60)

    assert answer.text.startswith(f"Le groupe-pays Mali est présidé par {HALIMA} [1].")
    assert "<i>Sources : [1] " in answer.text
    actions = [a for a in await emulator.chat_actions() if int(a["chat_id"]) == MEMBER_ID]
    assert {a["action"] for a in actions} == {"typing"}
    assert len(actions) >= 2  # shown at once, renewed while the model was still writing
    times = [action["at"] for action in actions]
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert all(gap >= 3_500 for gap in gaps)  # renewed every ~4 s, not in a loop


async def test_typing_is_shown_for_quoted_answers_too(
    emulator: Emulator, answering_services: Callable[..., ClockedServices]
) -> None:
    member = emulator.chat(MEMBER_ID)
    async with running_bot(answering_services()):
        await member.say(MALI)
        answer = await member.reply()

    assert HALIMA in answer.text
    actions = [a for a in await emulator.chat_actions() if int(a["chat_id"]) == MEMBER_ID]
    assert [a["action"] for a in actions][:1] == ["typing"]


async def test_stats_show_the_endpoint_state_and_what_happened_to_generated_answers(
    emulator: Emulator, answering_services: Callable[..., ClockedServices], llm: ScriptedLLM
) -> None:
    replies = iter(["Pascal Duforestel", HALIMA])
    llm.script = lambda body: Reply.text(
        f"Le groupe-pays Mali est présidé par {next(replies)} [{passage_number(body, HALIMA)}]."
    )
    member, admin = emulator.chat(MEMBER_ID), emulator.chat(ADMIN_ID)
    services = answering_services(**llm_settings(llm))
    async with running_bot(services):
        await member.say(MALI)
        refused = await member.reply()
        await member.command("/oublier")  # a fresh conversation: no follow-up rewrite
        await member.reply()
        await member.say(MALI)
        kept = await member.reply()
        await admin.command("/stats")
        stats = await admin.reply()

    assert "Duforestel" not in refused.text and HALIMA in refused.text
    assert kept.text.startswith(f"Le groupe-pays Mali est présidé par {HALIMA} [1].")
    assert llm.requests[0].path == "/v1/models"  # probed at start-up
    asked = [question_of(r.body or {}) for r in llm.chat_requests]
    assert asked == [MALI, MALI]  # the start-up warm-up never calls the model
    assert f"Modèle de langage : {MODEL} — joignable, modèle servi" in stats.text
    assert (
        "Réponses générées : 1 affichées, 1 refusées (1 chiffre ou nom absent des sources), "
        "0 appels en échec dont 0 délais dépassés, 0 non tentées"
    ) in stats.text
