"""Who answers a question: a pure function of the analysed :class:`Question`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from bot.understanding.question import Question


class Route(Enum):
    SMALLTALK = "smalltalk"  # a greeting, thanks, a question about the bot: no passages
    AGENDA = "agenda"  # an upcoming meeting: the calendar first, then the documents
    FUNDING = "funding"  # a funding scheme: the fiches first, then the documents
    DOCUMENTS = "documents"  # everything else: retrieval over publications and notes


def route(question: Question, now: datetime) -> Route:
    """The first responder to try; specialised ones fall back to the documents."""
    if question.smalltalk:
        return Route.SMALLTALK
    past_year = any(year < now.year for year in question.years)
    if question.tense == "past" or past_year:
        return Route.DOCUMENTS
    # « les RAICT en 2027 », asked in 2027: this year's or a later edition is upcoming;
    # so is « la chronique du 14 janvier », with no year: the calendar's next January.
    upcoming = question.tense == "upcoming" or bool(question.years) or question.names_month
    # A scheme's « calendrier » is its calls' dates, in its fiche: a named scheme takes a
    # meeting word to itself, a named group does not.
    meeting = question.asks_meeting and not question.schemes
    if (upcoming and (meeting or question.groups)) or (
        question.asks_agenda and not question.schemes
    ):
        return Route.AGENDA
    if question.schemes or question.asks_funding:
        return Route.FUNDING
    return Route.DOCUMENTS
