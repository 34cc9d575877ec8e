"""Answers questions about *upcoming* meetings from the agenda.

It is deliberately narrow: it speaks only when the question clearly asks what is
coming (« prochaine réunion du groupe Japon ? », « qu'y a-t-il la semaine
prochaine ? », "when is the next RAICT?"). Questions about past events
(« Où et quand se sont tenues les RAICT 2023 ? », « Combien de chroniques en
2023 ? », « … l'an prochain ? ») are left to the documents: it returns ``None``.
The words it reads are the lexicon's (``agenda_responder`` in
``bot/understanding/lexicon.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from bot.answers import Answer, Attachment, Source
from bot.meetings.agenda import Agenda
from bot.meetings.formatting import format_day, format_occurrence
from bot.meetings.groups import Group, normalize
from bot.meetings.ics_export import calendar_bytes, occurrence_attachment
from bot.meetings.schedule import Occurrence
from bot.messages import message
from bot.understanding.lexicon import AgendaResponder as AgendaWords
from bot.understanding.lexicon import AgendaWindows, Lexicon, load_lexicon, phrase_pattern
from bot.understanding.question import Question, editions_in
from bot.understanding.routing import Route


@dataclass(frozen=True)
class _Patterns:
    """The words that shape an agenda query, compiled (matched on :func:`normalize`'d text).

    Whether a message asks the agenda at all is the analysis's
    (:attr:`~bot.understanding.question.Question.asks_agenda`).
    """

    windows: tuple[tuple[re.Pattern[str], str], ...]
    plural: re.Pattern[str]
    plural_routed: re.Pattern[str]
    after: re.Pattern[str]
    meeting: re.Pattern[str]
    months: tuple[str, ...]
    generic_words: frozenset[str]
    not_in_the_agenda: tuple[str, ...]

    @classmethod
    def build(cls, words: AgendaWords) -> _Patterns:
        return cls(
            windows=tuple(
                (phrase_pattern(getattr(words.windows, name)), name)
                for name in AgendaWindows.model_fields
            ),
            plural=phrase_pattern(words.plural),
            plural_routed=phrase_pattern(words.plural_routed),
            after=phrase_pattern(words.after),
            meeting=phrase_pattern((*words.meetings, *words.meetings_en)),
            months=words.months,
            generic_words=frozenset(words.generic_words),
            not_in_the_agenda=words.not_in_the_agenda,
        )

    def window(self, text: str) -> str | None:
        """The time window ``text`` names (« la semaine prochaine »), if any.

        The last one named wins: a follow-up (« et demain ? ») is joined after the
        question it follows. At the same place, the first in the lexicon's order does
        (« après-demain » before « demain »).
        """
        found = [
            (-match.end(), order, name)
            for order, (pattern, name) in enumerate(self.windows)
            for match in pattern.finditer(text)
        ]
        return min(found)[2] if found else None

    def passed_over(self, text: str) -> int:
        """How many meetings « et celle d'après ? » passes over (once each time it is said)."""
        return len(self.after.findall(text))


@dataclass(frozen=True)
class AgendaQuery:
    """What an agenda question asks: maybe a group, maybe a time window, how many."""

    groups: tuple[Group, ...]
    window: str | None
    plural: bool
    topic: tuple[str, ...] = ()  # words to find in an event's title or description
    month: int | None = None  # « en janvier »: the next such month
    years: tuple[int, ...] = ()  # « les RAICT 2030 »: only meetings in those years
    editions: tuple[int, ...] = ()  # « les 8es Rencontres »: only meetings said to be those
    # « et celle d'après ? » (a follow-up, said once or more): meetings to pass over first
    skip: int = 0


class AgendaResponder:
    """Answers « prochaine réunion du groupe Japon ? » from the agenda, else ``None``."""

    def __init__(
        self,
        agenda: Agenda,
        max_items: int = 5,
        horizon_days: int = 400,
        lexicon: Lexicon | None = None,
    ) -> None:
        self.agenda = agenda
        self.max_items = max_items
        self.horizon_days = horizon_days
        self._words = _Patterns.build((lexicon or load_lexicon()).agenda_responder)

    route = Route.AGENDA

    def try_answer(self, question: Question, now: datetime) -> Answer | None:
        """The meetings asked about, or ``None`` to leave the question to the documents."""
        words = self._words
        if question.beyond_agenda:
            return None  # « l'an prochain »: beyond the agenda, maybe in the documents
        explicit = question.asks_agenda or question.tense == "upcoming"
        if not question.asks_agenda and question.asks in words.not_in_the_agenda:
            return None  # « qui intervient à la chronique du 14 janvier ? »: not a date
        query = self._asked_query(question) if question.asks_agenda else self._query(question)
        found = self._lookup(query, now)
        if not found:  # « is the workshop still on? »: say it was called off
            found = self._lookup(query, now, cancelled=True)
        if not found and not explicit:
            # Routed here by a month or a year alone (« le groupe Liban s'est retrouvé en
            # février »): with nothing to come, it may be about the past: the documents.
            return None
        if not found and question.editions:
            return None  # « les 8es Rencontres »: an edition the agenda does not number
        answer = self._render(query, found, now, question.language)
        if question.asks_to_follow and query.groups:
            # « je veux suivre le groupe Japon »: its meetings, and how to be reminded.
            commands = ", ".join(f"/suivre {group.id}" for group in query.groups)
            hint = message("agenda_follow_hint", question.language, commands=commands)
            answer = replace(answer, text=f"{answer.text}\n{hint}")
        return answer

    def _asked_query(self, question: Question) -> AgendaQuery:
        """The query of « prochaine réunion du groupe Japon ? »: the next one, or a list."""
        words = self._words
        text = normalize(question.text)
        groups = self._groups(question)
        window = words.window(text)
        many = bool(words.plural.search(text)) or window is not None or not groups
        return AgendaQuery(
            groups,
            window,
            many,
            years=question.years,
            editions=question.editions,
            skip=words.passed_over(text),
        )

    def _query(self, question: Question) -> AgendaQuery:
        """The query of a question routed here without saying « prochaine réunion »."""
        words = self._words
        text = normalize(question.text)
        window = words.window(text)
        # A month's name as a word of the text (« mars », « mai », not « maintenant »).
        said = set(text.split())
        month = next((index for index, name in enumerate(words.months, 1) if name in said), None)
        plural = bool(words.plural_routed.search(text))
        topic = tuple(
            word
            for word in text.split()
            if len(word) > 3
            and word not in words.generic_words
            and not words.meeting.fullmatch(word)
        )
        many = plural or month is not None
        skip = words.passed_over(text)
        groups = self._groups(question)
        return AgendaQuery(
            groups, window, many, topic, month, question.years, question.editions, skip=skip
        )

    def _groups(self, question: Question) -> tuple[Group, ...]:
        return tuple(group for id_ in question.groups if (group := self.agenda.groups.get(id_)))

    def _lookup(
        self, query: AgendaQuery, now: datetime, *, cancelled: bool = False
    ) -> list[Occurrence]:
        """The meetings asked about: those held, or (``cancelled``) those called off."""
        if query.window is not None:
            start, end = _window(query.window, now)
        else:
            start, end = now, now + timedelta(days=self.horizon_days)
        if query.years:
            end = max(end, datetime(max(query.years) + 1, 1, 1, tzinfo=now.tzinfo))
        found = [
            item
            for item in self.agenda.occurrences(start, end, include_cancelled=cancelled)
            if item.cancelled == cancelled and (item.start >= start or item.end > now)
        ]
        if query.years:
            found = [item for item in found if item.start.year in query.years]
        if query.editions:
            found = [item for item in found if _numbers_edition(item, query.editions)]
        if query.month is not None:
            found = [item for item in found if item.start.month == query.month]
            first_year = found[0].start.year if found else None
            found = [item for item in found if item.start.year == first_year]
        if query.groups:
            wanted = {group.id for group in query.groups}
            found = [item for item in found if wanted.intersection(item.groups)]
        elif query.topic:
            about = [item for item in found if _mentions(item, query.topic)]
            found = about or found
        limit = self.max_items if query.plural else 1
        return found[query.skip : query.skip + limit]

    def _render(
        self, query: AgendaQuery, found: list[Occurrence], now: datetime, language: str
    ) -> Answer:
        names = ", ".join(group.name for group in query.groups)
        if not found:
            years = ", ".join(str(year) for year in query.years)
            if names and years:
                text = message("agenda_answer_none_for_in", language, names=names, years=years)
            elif names:
                text = message("agenda_answer_none_for", language, names=names)
            elif years:
                text = message("agenda_answer_none_in", language, years=years)
            elif query.window is not None:
                when = _window_label(query.window, now, language)
                text = message("agenda_answer_none_during", language, when=when)
            else:
                text = message("agenda_answer_none", language)
            # Not an answer to what was asked: the staff see it among the questions the
            # assistant could not answer (a meeting members expect and the agenda lacks).
            return Answer(text=text, answered=False, kind="agenda")
        one = len(found) == 1
        single = "agenda_after" if query.skip else "agenda_next"
        heading = message(single if one and not query.plural else "agenda_upcoming", language)
        if all(item.cancelled for item in found):
            heading = message("agenda_cancelled_one" if one else "agenda_cancelled_many", language)
        if query.window is not None:
            heading += f" ({_window_label(query.window, now, language)})"
        if names:
            heading += f" — {names}"
        blocks = [f"{heading} :"]
        for occurrence in found:
            block = format_occurrence(occurrence, self.agenda.groups, language)
            if occurrence.description:
                block += f"\n  {occurrence.description[:_DESCRIPTION_CHARS]}"
            for note in self.agenda.notes_for(occurrence):
                label = message("agenda_notes", language)
                block += f"\n  {label} : {note.title} ({note.path.name})"
            blocks.append(block)
        if len(found) == 1:
            attachment = occurrence_attachment(found[0], now)
        else:
            attachment = Attachment("reunions-cuf.ics", calendar_bytes(found, now))
        sources = tuple(
            Source(title=message("agenda_source"), file=f"meetings/{source}")
            for source in dict.fromkeys(item.source for item in found if item.source)
        )
        return Answer(
            text="\n".join(blocks),
            answered=True,
            sources=sources,
            kind="agenda",
            attachments=(attachment,),
        )


_DESCRIPTION_CHARS = 200


def _numbers_edition(occurrence: Occurrence, editions: tuple[int, ...]) -> bool:
    """Whether an event's title or description says it is one of ``editions``."""
    return bool(set(editions_in(f"{occurrence.title} {occurrence.description}")) & set(editions))


def _mentions(occurrence: Occurrence, topic: tuple[str, ...]) -> bool:
    """Whether an event's title or description uses one of the ``topic`` words."""
    words = set(normalize(f"{occurrence.title} {occurrence.description}").split())
    return any(word in words or word.rstrip("s") in words for word in topic)


def _midnight(moment: datetime, days: int = 0) -> datetime:
    day = moment.date() + timedelta(days=days)
    return datetime.combine(day, time(0, 0), tzinfo=moment.tzinfo)


def _window(name: str, now: datetime) -> tuple[datetime, datetime]:
    """The ``[start, end)`` of a named time window, in ``now``'s time zone."""
    monday = _midnight(now, -now.weekday())
    if name == "today":
        return now, _midnight(now, 1)
    if name == "tomorrow":
        return _midnight(now, 1), _midnight(now, 2)
    if name == "day_after":
        return _midnight(now, 2), _midnight(now, 3)
    if name == "this_week":
        return now, _midnight(monday, 7)
    if name == "next_week":
        return _midnight(monday, 7), _midnight(monday, 14)
    first = _midnight(now, 1 - now.day)
    following = _midnight(first, 32)
    following = _midnight(following, 1 - following.day)
    if name == "this_month":
        return now, following
    after = _midnight(following, 32)
    return following, _midnight(after, 1 - after.day)


def _window_label(name: str, now: datetime, language: str) -> str:
    start, end = _window(name, now)
    last = end - timedelta(days=1)
    if start.date() == last.date():
        return format_day(start, language)
    first = format_day(start, language, False)
    return message("agenda_window", language, first=first, last=format_day(last, language))
