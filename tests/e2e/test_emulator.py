"""The emulator speaks enough Bot API for python-telegram-bot 22 (a bare PTB application)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from .driver import Emulator


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Edit me", callback_data="edit")]])
    await update.effective_message.reply_text(
        f"echo: {update.effective_message.text}", reply_markup=markup
    )
    await context.bot.send_document(
        update.effective_message.chat_id, document=b"BEGIN:VCALENDAR", filename="x.ics"
    )


async def _edit(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("done")
    edited = await query.edit_message_text(f"edited by {query.from_user.id}")
    assert not isinstance(edited, bool)
    assert edited.text == f"edited by {query.from_user.id}"


async def test_ptb_application_round_trip(emulator: Emulator) -> None:
    application = Application.builder().token(emulator.token).base_url(emulator.bot_api_url).build()
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    application.add_handler(CallbackQueryHandler(_edit))
    async with application:
        await application.bot.set_my_commands([("aide", "Aide")])
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1)
        chat = emulator.chat(42)
        await chat.say("bonjour")
        text, document = await chat.replies(2)
        assert (text.text, text.labels) == ("echo: bonjour", ["Edit me"])
        assert (document.document_name, document.document) == ("x.ics", b"BEGIN:VCALENDAR")
        await chat.press(text, "Edit me")
        edited = await chat.reply()
        assert (edited.message_id, edited.text, edited.labels) == (
            text.message_id,
            "edited by 42",
            [],
        )
        assert [a["text"] for a in await emulator.callback_answers()] == ["done"]
        await application.updater.stop()
        await application.stop()
    assert await emulator.commands() == [{"command": "aide", "description": "Aide"}]
