"""Admin commands end to end: /reindex picks up a changed knowledge folder, members can't."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from bot.messages import message

from .conftest import ADMIN_ID, MEMBER_ID, REPO, ClockedServices, running_bot
from .driver import Emulator

NOTE = """---
title: Compte rendu du groupe-pays Bénin
date: 2027-02-04
group: Bénin
---
Le groupe-pays Bénin a décidé de lancer un programme d'échanges de jeunes à Porto-Novo.
"""


async def test_reindex_is_for_admins_and_makes_new_notes_answerable(
    emulator: Emulator,
    answering_services: Callable[..., ClockedServices],
    tmp_path: Path,
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    services = answering_services(knowledge_dir=knowledge)
    async with running_bot(services):
        member, admin = emulator.chat(MEMBER_ID), emulator.chat(ADMIN_ID)
        await member.command("/reindex")
        refused = await member.reply()

        (knowledge / "notes" / "2027-02-04-benin.md").write_text(NOTE, encoding="utf-8")
        await admin.command("/reindex")
        started, done = await admin.replies(2, timeout=120)
        await member.say("Qu'a décidé le groupe-pays Bénin ?")
        answer = await member.reply(timeout=60)

    assert refused.text == message("admin_only")
    assert started.text == message("reindex_started")
    assert "Réindexation terminée : 1 ajouté(s), 0 modifié(s), 0 supprimé(s)" in done.text
    assert "Porto-Novo" in answer.text
    assert "Compte rendu du groupe-pays Bénin" in answer.text  # the note is cited
