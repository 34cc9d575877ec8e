"""Greetings, thanks and questions about the bot: a short friendly reply, no passages."""

from __future__ import annotations

from bot.answers import Answer
from bot.messages import message
from bot.understanding.question import Question

_MESSAGE_OF = {"greeting": "greeting", "thanks": "thanks", "about_bot": "about_bot"}


def smalltalk_answer(question: Question) -> Answer:
    """The reply to a message that is not a question on the documents."""
    key = _MESSAGE_OF.get(question.smalltalk or "", "empty_question")
    return Answer(message(key, question.language), answered=True, kind="smalltalk")
