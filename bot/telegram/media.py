"""Voice notes, photos, stickers, files: a polite reply saying to write the question.

These replies count only against the flood limit, not against the question
rate limit (see :func:`bot.telegram.access.gate`). Voice is where transcription
would plug in: with an endpoint offering speech-to-text, a voice question could
be transcribed and answered like a written one; until then, a written question
is asked for.
"""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import ContextTypes, filters

from bot.messages import message as say
from bot.telegram.language import update_language
from bot.telegram.oplog import log_reply

VOICE = filters.VOICE | filters.AUDIO | filters.VIDEO_NOTE
MEDIA = (
    VOICE
    | filters.PHOTO
    | filters.Sticker.ALL
    | filters.Document.ALL
    | filters.VIDEO
    | filters.ANIMATION
    | filters.LOCATION
    | filters.CONTACT
)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say what the bot reads (written questions), in the user's language."""
    started = time.perf_counter()
    message = update.effective_message
    assert message is not None
    is_voice = bool(message.voice or message.audio or message.video_note)
    language = update_language(update)
    await message.reply_text(say("voice" if is_voice else "media", language))
    kind = "voice" if is_voice else "media"
    log_reply(update, kind, "refused", "not a written question", time.perf_counter() - started)
