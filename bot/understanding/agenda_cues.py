"""Whether a message asks the agenda what is coming, in the agenda lexicon's words.

« prochaine réunion du groupe Japon ? », « le groupe Mali se réunit quand ? »,
« qu'y a-t-il la semaine prochaine ? », "when is the next RAICT?" ask the agenda;
« Où se sont tenues les RAICT 2023 ? », « Qui préside… ? » do not. The words are
``agenda_responder`` in ``bot/understanding/lexicon.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.lexicon import AgendaResponder, AgendaWindows, phrase_pattern


@dataclass(frozen=True)
class AgendaCues:
    """The agenda words that say a meeting to come is asked for, compiled once."""

    next_fr: re.Pattern[str]  # « prochaine réunion », « prochain café des élus »
    meets_fr: re.Pattern[str]  # « le groupe Japon se réunit quand »
    agenda_fr: re.Pattern[str]
    next_en: re.Pattern[str]
    agenda_en: re.Pattern[str]
    meeting: re.Pattern[str]
    window: re.Pattern[str]  # « la semaine prochaine », « demain »
    window_ask: re.Pattern[str]
    past: re.Pattern[str]
    not_agenda_start: re.Pattern[str]
    forget: re.Pattern[str]  # « l'an prochain »: beyond what the agenda holds
    follow: re.Pattern[str]  # « je veux suivre le groupe Japon »

    @classmethod
    def build(cls, words: AgendaResponder) -> AgendaCues:
        windows = tuple(
            phrase for name in AgendaWindows.model_fields for phrase in getattr(words.windows, name)
        )
        return cls(
            next_fr=phrase_pattern(
                tuple(f"{first} {meeting}" for first in words.next_fr for meeting in words.meetings)
            ),
            meets_fr=phrase_pattern(words.meets_fr),
            agenda_fr=phrase_pattern(words.agenda_fr),
            next_en=phrase_pattern(words.next_en),
            agenda_en=phrase_pattern(words.agenda_en),
            meeting=phrase_pattern((*words.meetings, *words.meetings_en)),
            window=phrase_pattern(windows),
            window_ask=phrase_pattern((*words.window_ask, *words.meetings)),
            past=phrase_pattern(words.past),
            not_agenda_start=phrase_pattern(words.not_agenda_start),
            forget=phrase_pattern(words.forget),
            follow=phrase_pattern(words.follow),
        )

    def asks_to_follow(self, folded: str) -> bool:
        """Whether ``folded`` asks to be reminded of meetings (« je veux suivre… »)."""
        return self.follow.search(folded) is not None

    def beyond(self, folded: str) -> bool:
        """Whether ``folded`` asks about a time beyond what the agenda holds (« l'an prochain »)."""
        return self.forget.search(folded) is not None

    def asks_agenda(self, folded: str, names_group: bool) -> bool:
        """Whether ``folded`` (a folded message) asks what is coming, and clearly so."""
        if self.not_agenda_start.search(folded) or self.past.search(folded):
            return False
        if self.beyond(folded):
            return False
        english = self.next_en.search(folded) or self.agenda_en.search(folded)
        return bool(
            self.next_fr.search(folded)
            or self.agenda_fr.search(folded)
            or (self.meets_fr.search(folded) and names_group)
            or (self.asks_to_follow(folded) and names_group)
            or (english and (names_group or self.meeting.search(folded)))
            or (self.window.search(folded) and self.window_ask.search(folded))
        )
