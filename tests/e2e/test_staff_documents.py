"""Documents from Telegram: an admin's PDF and DOCX become answerable; a replaced file's old
passages are never cited again; /documents lists and removes; others get polite replies."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from staff.office_files import docx_bytes, pdf_bytes

from bot.index.layout import current_generation
from bot.index.reader import read_chunks
from bot.messages import message

from .conftest import ADMIN_ID, MEMBER_ID, REPO, ClockedServices, running_bot
from .driver import Chat, Emulator

STRANGER_ID = 4242
INDEXING = 180  # seconds: an incremental ingest and a warm-up on a loaded machine


def _guide(amount: str) -> bytes:
    return pdf_bytes(
        "Guide des jumelages scolaires",
        "Fonds Zorbalande",
        [
            f"Le fonds Zorbalande finance les jumelages scolaires à hauteur de {amount} euros.",
            "Les dossiers sont déposés auprès du secrétariat de Cités Unies France.",
        ],
    )


def _indexed_text(state: Path) -> str:
    generation = current_generation(state / "index")
    assert generation is not None
    return " ".join(chunk.text for chunk in read_chunks(generation))


async def _send(admin: Chat, name: str, content: bytes, choice: str) -> list[str]:
    """Send a file, choose where it goes; the texts the admin then gets (edit + summary)."""
    await admin.send_document(name, content)
    question = await admin.reply()
    assert question.text == message("upload_where", name=name)
    await admin.press(question, choice)
    return [reply.text for reply in await admin.replies(2, timeout=INDEXING)]


async def test_admin_documents_become_answerable_and_replacing_one_drops_its_old_passages(
    emulator: Emulator,
    answering_services: Callable[..., ClockedServices],
    tmp_path: Path,
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    services = answering_services(knowledge_dir=knowledge)
    state = services.settings.state_dir
    question = "Combien le fonds Zorbalande finance-t-il les jumelages scolaires ?"
    async with running_bot(services):
        admin, member = emulator.chat(ADMIN_ID), emulator.chat(MEMBER_ID)

        first = await _send(admin, "guide-jumelages.pdf", _guide("7 500"), "Publication")
        await member.say(question)
        answer_first = await member.reply(timeout=60)

        second = await _send(admin, "guide-jumelages.pdf", _guide("9 900"), "Publication")
        await member.say(question)
        answer_second = await member.reply(timeout=60)

        await admin.send_document("cr-benin.docx", docx_bytes(tmp_path / "cr-benin.docx"))
        where = await admin.reply()
        await admin.press(where, "Compte rendu")
        groups = await admin.reply()
        await admin.press(groups, "Sénégal")
        docx_summary = [m.text for m in await admin.replies(2, timeout=INDEXING)]
        await member.say("Quelle ville pilote le groupe-pays Bénin a-t-il choisie ?")
        answer_docx = await member.reply(timeout=60)

        await admin.command("/documents")
        listing = await admin.reply()
        await admin.press(listing, "cr-benin.docx")
        confirm = await admin.reply()
        await admin.press(confirm, "Oui")
        removed = await admin.reply(timeout=INDEXING)

    assert "✅ publications/guide-jumelages.pdf indexé" in first[-1]
    assert "7 500" in answer_first.text
    assert "La version précédente est remplacée." in second[-1]
    assert "9 900" in answer_second.text and "7 500" not in answer_second.text
    assert "Guide des jumelages scolaires" in answer_second.text  # cited

    assert groups.text == message("upload_which_group", name="cr-benin.docx")
    assert "✅ notes/senegal/cr-benin.docx indexé" in docx_summary[-1]
    assert "Abomey" in answer_docx.text
    assert "Compte rendu du groupe-pays Bénin" in listing.text
    assert "publications/guide-jumelages.pdf" in listing.text
    assert removed.text.startswith("notes/senegal/cr-benin.docx est retiré")

    indexed = _indexed_text(state)
    assert "9 900" in indexed and "7 500" not in indexed and "Abomey" not in indexed
    assert (knowledge / "publications" / "guide-jumelages.pdf").exists()
    assert not (knowledge / "notes" / "senegal" / "cr-benin.docx").exists()


async def test_an_unreadable_or_unsupported_file_is_reported_and_not_kept(
    emulator: Emulator,
    answering_services: Callable[..., ClockedServices],
    tmp_path: Path,
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    services = answering_services(knowledge_dir=knowledge)
    async with running_bot(services):
        admin = emulator.chat(ADMIN_ID)
        await admin.send_document("tableur.xlsx", b"PK\x03\x04 not read")
        unsupported = await admin.reply()
        broken = await _send(admin, "casse.docx", b"not a zip at all", "Publication")

    assert "Format non pris en charge" in unsupported.text
    assert broken[-1].startswith("⚠️ publications/casse.docx n'a pas pu être indexé")
    assert not (knowledge / "publications" / "casse.docx").exists()


async def test_members_and_strangers_cannot_add_list_or_remove_documents(
    emulator: Emulator,
    answering_services: Callable[..., ClockedServices],
    tmp_path: Path,
) -> None:
    knowledge = tmp_path / "knowledge"
    shutil.copytree(REPO / "knowledge", knowledge)
    services = answering_services(knowledge_dir=knowledge)
    before = sorted(path.name for path in knowledge.rglob("*"))
    async with running_bot(services):
        member, stranger = emulator.chat(MEMBER_ID), emulator.chat(STRANGER_ID)
        await member.send_document("note.pdf", _guide("1"))
        polite = await member.reply()
        for kind in ("voice", "photo", "sticker"):
            await member.send_media(kind)
        media = await member.replies(3)
        for command in ("/documents", "/lacunes"):
            await member.command(command)
        refused = await member.replies(2)
        await member.press_data(1, "docrm:0123456789ab:y")
        await member.press_data(1, "doc:1:p")
        await stranger.send_document("note.pdf", _guide("1"))
        gate = await stranger.reply()
        for command in ("/documents", "/lacunes", "/mes_donnees"):
            await stranger.command(command)
        gate_commands = await stranger.replies(3)
        alerts = await emulator.callback_answers()

    assert polite.text == message("media")
    assert [m.text for m in media] == [message("voice"), message("media"), message("media")]
    assert [m.text for m in refused] == [message("admin_only")] * 2
    assert [a["text"] for a in alerts[-2:]] == [message("admin_only")] * 2
    assert gate.text == message("not_member")
    assert [m.text for m in gate_commands] == [message("not_member")] * 3
    assert sorted(path.name for path in knowledge.rglob("*")) == before
