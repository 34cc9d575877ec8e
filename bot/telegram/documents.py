"""Admins add documents by sending them to the bot; ``/documents`` lists and removes them.

A file sent by an admin is kept in ``bot_data`` (its Telegram file id) while the
admin chooses with buttons where it goes: publication, or note and which group.
It is then downloaded, saved under ``knowledge/`` and indexed in a worker thread;
the admin gets the summary. A file from anyone else gets a polite reply.
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.messages import message as say
from bot.staff.library import (
    MAX_UPLOAD_BYTES,
    NOTE,
    PUBLICATION,
    IndexedDocument,
    LibraryError,
    indexed_documents,
    safe_file_name,
)
from bot.telegram import media
from bot.telegram.callbacks import pack, parse_id, unpack
from bot.telegram.chat_action import typing
from bot.telegram.context import services
from bot.telegram.language import update_language
from bot.telegram.oplog import log_reply
from bot.telegram.render import escape
from bot.telegram.replies import edit_html, send_html

logger = logging.getLogger(__name__)

_UPLOADS = "staff_uploads"
_counter = itertools.count(1)
_GROUP_COLUMNS = 2


@dataclass(frozen=True)
class _Upload:
    """A file an admin sent, waiting for where it goes."""

    file_id: str
    name: str
    admin_id: int
    kind: str | None = None


def _uploads(context: ContextTypes.DEFAULT_TYPE) -> dict[int, _Upload]:
    uploads: dict[int, _Upload] = context.application.bot_data.setdefault(_UPLOADS, {})
    return uploads


async def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True for admins; others are told the command is for administrators."""
    user, message = update.effective_user, update.effective_message
    assert user is not None
    if services(context).members.is_admin(user.id):
        return True
    text = say("admin_only", update_language(update))
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif message is not None:
        await send_html(context.bot, message.chat_id, escape(text))
    return False


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A file in a private chat: admins choose where it goes, others get a polite reply."""
    started = time.perf_counter()
    message, user = update.effective_message, update.effective_user
    assert message is not None and user is not None and message.document is not None
    svc = services(context)
    if not svc.members.is_admin(user.id):  # the same polite reply as other media
        await media.on_media(update, context)
        return
    document = message.document
    name = document.file_name or "document"
    try:
        safe_file_name(name)
    except LibraryError as error:
        await send_html(context.bot, message.chat_id, escape(str(error)))
        return
    if document.file_size is not None and document.file_size > MAX_UPLOAD_BYTES:
        await send_html(context.bot, message.chat_id, escape(say("upload_too_big")))
        return
    token = next(_counter)
    _uploads(context)[token] = _Upload(document.file_id, name, user.id)
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    say("upload_publication"), callback_data=pack("doc", token, "p")
                ),
                InlineKeyboardButton(say("upload_note"), callback_data=pack("doc", token, "n")),
            ],
            [InlineKeyboardButton(say("upload_cancel"), callback_data=pack("doc", token, "x"))],
        ]
    )
    await send_html(
        context.bot,
        message.chat_id,
        escape(say("upload_where", name=name)),
        reply_markup=keyboard,
    )
    log_reply(update, "document", "answered", None, time.perf_counter() - started)


async def on_upload_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``doc:<token>:p|n|x`` and ``doc:<token>:g:<group index or ->``."""
    query = update.callback_query
    assert query is not None and query.message is not None
    if not await is_admin(update, context):
        return
    parts = unpack(query.data)
    token = parse_id(parts[1]) if len(parts) >= 3 else None
    upload = _uploads(context).get(token) if token is not None else None
    if token is None or upload is None:
        await query.answer(say("expired"))
        return
    await query.answer()
    choice = parts[2]
    if choice == "x":
        _uploads(context).pop(token, None)
        await edit_html(query, escape(say("upload_cancelled", name=upload.name)))
    elif choice == "p" and len(parts) == 3:
        await _store(update, context, token, PUBLICATION, None)
    elif choice == "n" and len(parts) == 3:
        await edit_html(
            query,
            escape(say("upload_which_group", name=upload.name)),
            reply_markup=_group_keyboard(context, token),
        )
    elif choice == "g" and len(parts) == 4:
        groups = services(context).agenda.groups.groups
        index = parse_id(parts[3], maximum=len(groups) - 1) if groups else None
        if parts[3] != "-" and index is None:
            await edit_html(query, escape(say("expired")))
            return
        group = groups[index].id if index is not None else None
        await _store(update, context, token, NOTE, group)
    else:
        await edit_html(query, escape(say("expired")))


def _group_keyboard(context: ContextTypes.DEFAULT_TYPE, token: int) -> InlineKeyboardMarkup:
    groups = services(context).agenda.groups.groups
    buttons = [
        InlineKeyboardButton(group.name, callback_data=pack("doc", token, "g", index))
        for index, group in enumerate(groups)
    ]
    rows = [buttons[start : start + _GROUP_COLUMNS] for start in range(0, len(buttons), 2)]
    none = pack("doc", token, "g", "-")
    rows.append([InlineKeyboardButton(say("upload_no_group"), callback_data=none)])
    rows.append([InlineKeyboardButton(say("upload_cancel"), callback_data=pack("doc", token, "x"))])
    return InlineKeyboardMarkup(rows)


async def _store(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    token: int,
    kind: str,
    group: str | None,
) -> None:
    """Download, save and index the file in a worker thread, then send the summary."""
    query = update.callback_query
    assert query is not None and query.message is not None
    upload = _uploads(context).pop(token, None)
    if upload is None:  # pressed twice
        return
    chat_id = query.message.chat.id
    await edit_html(query, escape(say("upload_indexing", name=upload.name)))
    try:
        telegram_file = await context.bot.get_file(upload.file_id)
        content = bytes(await telegram_file.download_as_bytearray())
    except TelegramError as error:
        text = say("upload_download_failed", reason=error)
        await send_html(context.bot, chat_id, escape(text))
        return
    svc = services(context)
    async with typing(context.bot, chat_id):
        try:
            outcome = await asyncio.to_thread(svc.documents.add, upload.name, content, kind, group)
        except LibraryError as error:
            text = say("upload_failed", name=upload.name, reason=error)
            await send_html(context.bot, chat_id, escape(text))
            return
        await asyncio.to_thread(svc.warm_up)  # the first question after it stays fast
    logger.info("document %s added by admin %s", outcome.saved.path, upload.admin_id)
    await send_html(context.bot, chat_id, escape(outcome.summary()))


# --- /documents ------------------------------------------------------------------------


def _key(path: str) -> str:
    """A short, stable id for a document's buttons (callback data is limited to 64 bytes)."""
    return hashlib.sha256(path.encode()).hexdigest()[:12]


async def on_documents(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admins: the indexed documents, with a 🗑 button for each publication or note."""
    if not await is_admin(update, context):
        return
    message = update.effective_message
    assert message is not None
    svc = services(context)
    documents = await asyncio.to_thread(indexed_documents, svc.settings.index_dir)
    if not documents:
        await send_html(context.bot, message.chat_id, escape(say("documents_empty")))
        return
    lines = [say("documents_title", count=len(documents))]
    for document in documents:
        if document.skipped_reason:
            line = say("documents_skipped_line", path=document.path, reason=document.skipped_reason)
        else:
            line = say(
                "documents_line",
                title=document.title,
                path=document.path,
                passages=document.passages,
            )
        lines.append(escape(line))
    removable = [document for document in documents if document.removable]
    if removable:
        lines.append("\n" + escape(say("documents_remove_hint")))
    rows = [
        [
            InlineKeyboardButton(
                f"🗑 {Path(document.path).name}"[:60],
                callback_data=pack("docrm", _key(document.path)),
            )
        ]
        for document in removable
    ]
    await send_html(
        context.bot,
        message.chat_id,
        "\n".join(lines),
        reply_markup=InlineKeyboardMarkup(rows) if rows else None,
    )


def _by_key(documents: list[IndexedDocument], key: str) -> IndexedDocument | None:
    for document in documents:
        if document.removable and _key(document.path) == key:
            return document
    return None


async def on_remove_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``docrm:<key>`` asks to confirm; ``docrm:<key>:y`` removes, ``:n`` keeps."""
    query = update.callback_query
    assert query is not None and query.message is not None
    if not await is_admin(update, context):
        return
    parts = unpack(query.data)
    svc = services(context)
    documents = await asyncio.to_thread(indexed_documents, svc.settings.index_dir)
    document = _by_key(documents, parts[1]) if len(parts) in (2, 3) else None
    if document is None:
        await query.answer(say("remove_unknown"), show_alert=True)
        return
    await query.answer()
    chat_id = query.message.chat.id
    if len(parts) == 2:
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        say("remove_yes"), callback_data=pack("docrm", parts[1], "y")
                    ),
                    InlineKeyboardButton(
                        say("remove_no"), callback_data=pack("docrm", parts[1], "n")
                    ),
                ]
            ]
        )
        text = escape(say("remove_confirm", path=document.path))
        await send_html(context.bot, chat_id, text, reply_markup=keyboard)
        return
    if parts[2] != "y":
        await edit_html(query, escape(say("remove_kept", path=document.path)))
        return
    async with typing(context.bot, chat_id):
        try:
            report = await asyncio.to_thread(svc.documents.delete, document.path)
        except LibraryError as error:
            await edit_html(query, escape(str(error)))
            return
        await asyncio.to_thread(svc.warm_up)
    logger.info("document %s removed by an admin", document.path)
    done = say("remove_done", path=document.path, passages=report.chunks_total)
    await edit_html(query, escape(done))
