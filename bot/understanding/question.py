"""One analysis pass over a message: the frozen :class:`Question` everything else reads.

Responders, support checks and quoting read the question's fields (what is asked,
past or upcoming, the schemes and groups named…) instead of parsing its text again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass

from bot.answering.followup import (
    looks_like_follow_up,
    opens_like_follow_up,
    standalone_question,
    takes_up_an_object,
)
from bot.text import STOPWORDS, content_stems, fold, stems
from bot.understanding.agenda_cues import AgendaCues
from bot.understanding.lexicon import ANSWER_TYPES, Lexicon, folded_words, phrase_pattern
from bot.understanding.territories import places_named, respelt, territory

# A capitalised word inside a sentence (not after . ? ! :): a name.
_NAME = re.compile(r"(?<![.?!:]\s)(?<=[\s'’(])([A-ZÀ-Ý][\wà-ÿ'’-]*(?:[- ][A-ZÀ-Ý][\wà-ÿ'’-]*)*)")
# « CUF's Gender dynamic »: the owner and the thing owned are two names.
_POSSESSIVE = re.compile(r"['’]s(?:\s+|$)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# « les 8es Rencontres », « la 15e édition », « 14^e édition », "the 8th meetings".
_EDITION = re.compile(
    r"(?<![\w^])(\d{1,2})\s*\^?(?:e|es|è|ème|èmes|eme|emes|ieme|iemes|th|st|nd|rd)(?![\w])",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z0-9]+")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿ]{3,}(?![\w-])")
_ELIDED_WORD = re.compile(r"(?<![\w-])(?:[a-z]['’])?([a-zà-ÿ]{3,})(?![\w-])")  # « l'énergie »
_SMALL_TALK_WORDS = 2  # words beside a greeting or thanks (« bonjour à tous »)
_SWAP_WORDS = 2  # « et pour les déchets ? »: the words a scheme follow-up may put in
_ACCENTED = re.compile(r"[éèêàçùœâîôû]")
# The passé composé: an auxiliary, then a participle in « é » (« a poussé », « ont
# participé », « a-t-elle retravaillé »). Read on the accented text: « à » is no auxiliary.
_PAST_COMPOUND = re.compile(
    r"\b(?:a|ont|avait|avaient)(?:-t-(?:il|elle|on)|-(?:ils|elles))?\s+(?:\w+\s+)?\w+é(?:e|s|es)?\b",
    re.IGNORECASE,
)

Finder = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class Question:
    """A message understood once: language, what it asks, what it names."""

    asked: str  # the message, spaces normalised
    text: str  # standalone: a follow-up rewritten with what it refers to
    language: str  # "fr" or "en"
    folded: str  # ``text`` folded (no accents, lower case, hyphens as spaces)
    asks: str | None  # contact, definition, person, date, place, number, list, yesno
    tense: str | None  # "past", "upcoming" or None
    names: tuple[str, ...]  # names in ``text``: capitalised, and countries in lower case
    years: tuple[int, ...]
    editions: tuple[int, ...]  # « les 8es Rencontres »: the number of an edition
    schemes: tuple[str, ...]  # ids of the funding fiches named
    groups: tuple[str, ...]  # ids of the groups named
    smalltalk: str | None  # greeting, thanks, about_bot, empty — not a question on documents
    # The small-talk phrase of a message that says a word or two more (« bonjour à
    # tous » → greeting): the assistant decides whether those ask the documents anything.
    smalltalk_phrase: str | None
    follow_up: bool
    content_words: int  # words that carry meaning (stems without stop words)
    # The lower-case words of ``text`` that carry meaning, as written (not names, not
    # question words): what an English question is matched to the corpus's French by.
    words: tuple[str, ...]
    asks_meeting: bool  # names a meeting, an event, the agenda
    names_month: bool  # « le 14 janvier », « in March »
    asks_funding: bool  # speaks of funding, grants, schemes, eligibility
    names_country_group: bool  # asks about one country group (« le groupe-pays Brésil »)
    # Clearly asks the agenda what is coming (« prochaine réunion… », « qu'y a-t-il
    # demain ? »); the years it names are checked against the date by the routing.
    asks_agenda: bool
    beyond_agenda: bool  # « l'an prochain »: later than what the agenda holds
    asks_to_follow: bool  # « je veux suivre le groupe Japon »


def editions_in(text: str) -> tuple[int, ...]:
    """The edition numbers ``text`` names (« les 8es Rencontres », « la 15e édition »)."""
    return tuple(int(number) for number in _EDITION.findall(text))


class Analyzer:
    """Builds :class:`Question` objects from messages with one lexicon and the name finders."""

    def __init__(
        self,
        lexicon: Lexicon,
        find_schemes: Finder = lambda _text: (),
        find_groups: Finder = lambda _text: (),
        corpus_stems: Callable[[], Set[str]] = frozenset,
    ) -> None:
        """``corpus_stems`` gives the stems the documents use (none before an index is
        open): a word among them is not read as a misspelt country."""
        self.lexicon = lexicon
        self._corpus_stems = corpus_stems
        self._english = frozenset(lexicon.language.english)
        self._french = frozenset(lexicon.language.french)
        self._find_schemes = find_schemes
        self._find_groups = find_groups
        self._agenda = AgendaCues.build(lexicon.agenda_responder)

    def analyze(
        self, message: str, previous: str | None = None, standalone: str | None = None
    ) -> Question:
        """Understand ``message``; ``previous`` is the chat's last standalone question.

        ``standalone`` is a rewrite of a follow-up made elsewhere (by a language model
        that read the conversation); without it the string rules rewrite it.
        """
        asked = " ".join(message.split())
        respelled = respelt(asked, self._is_word)  # « le groupe senegale »: « …Sénégal »
        if standalone:
            text = " ".join(standalone.split())
        elif previous and not self._names_another_scheme(respelled, previous):
            text = (
                self._other_scheme(respelled, previous)
                or self._same_subject(respelled, previous)
                or standalone_question(respelled, previous)
            )
        else:
            text = respelled
        folded = folded_words(text)
        asks = self._answer_type(folded_words(asked)) or self._answer_type(folded)
        found, rest = self._smalltalk_phrases(asked)
        smalltalk = None if rest else found or "empty"
        groups = self.groups_in(text)
        names = self._names(text)
        rest = [word for word in rest if word not in self._english]
        smalltalk_phrase = found if len(rest) <= _SMALL_TALK_WORDS else None
        if smalltalk == "empty" and previous and self._answer_type(folded_words(asked)):
            smalltalk = None  # « c'est où ? » after a question: a follow-up, not small talk
        return Question(
            asked=asked,
            text=text,
            language=self.language(asked),
            folded=folded,
            asks=asks,
            tense=self._tense(folded, text),
            names=names,
            years=self._years(text),
            editions=editions_in(text),
            schemes=tuple(self._find_schemes(text)),
            groups=groups,
            smalltalk=smalltalk,
            smalltalk_phrase=smalltalk_phrase,
            follow_up=text != respelled,
            content_words=len(content_stems(text)),
            words=tuple(
                word
                for word in _LOWER_WORD.findall(text)
                if word not in self._english and fold(word) not in STOPWORDS
            ),
            asks_meeting=bool(phrase_pattern(self.lexicon.meetings).search(folded)),
            names_month=bool(phrase_pattern(self.lexicon.months).search(folded)),
            asks_funding=bool(phrase_pattern(self.lexicon.funding).search(folded)),
            names_country_group=self._names_country_group(folded, names),
            asks_agenda=self._agenda.asks_agenda(folded, bool(groups)),
            beyond_agenda=self._agenda.beyond(folded),
            asks_to_follow=self._agenda.asks_to_follow(folded),
        )

    def _is_word(self, word: str) -> bool:
        known = self._corpus_stems()
        return any(stem in known for stem in stems(word))

    def _years(self, text: str) -> tuple[int, ...]:
        """The years ``text`` names: not a number that counts (« 2000 habitants »)."""
        counted = phrase_pattern(self.lexicon.counted_after_number)
        return tuple(
            int(match.group(1))
            for match in _YEAR.finditer(text)
            if not counted.match(folded_words(text[match.end() :]).lstrip())
        )

    def _names_country_group(self, folded: str, names: tuple[str, ...]) -> bool:
        """« le groupe-pays Brésil », or a country beside a group word (« le groupe colombie »)."""
        if phrase_pattern(self.lexicon.country_group).search(folded):
            return True
        countries = [re.escape(folded_words(name)) for name in names if territory(name)]
        if not countries:
            return False
        country = "|".join(countries)
        word = "|".join(map(re.escape, self.lexicon.group_words))
        beside = rf"(?<![\w-])(?:(?:{word}) (?:{country})|(?:{country}) (?:{word}))(?![\w-])"
        return re.search(beside, folded) is not None

    def _names(self, text: str) -> tuple[str, ...]:
        """Capitalised names, then countries written in lower case (« le groupe mali »)."""
        spans = _NAME.findall(text)
        capitalised = [
            name
            for found in spans
            for name in _POSSESSIVE.split(found)
            if name and fold(name) not in STOPWORDS and fold(name) not in self.lexicon.not_names
        ]
        rest = text
        for found in spans:
            rest = rest.replace(found, " ")
        return tuple(dict.fromkeys([*capitalised, *places_named(rest)]))

    def _same_subject(self, asked: str, previous: str) -> str | None:
        """« qui le préside ? » after « Quand se réunit le groupe-pays Mali ? »: a question of
        its own about what the last one named, which it takes up as its object. Its words
        say what is asked (a person, not a meeting), the last question's names what about:
        « qui le préside ? (Mali) ». ``None`` when it names something itself, or opens like
        a follow-up (« et… »), or the last question named nothing."""
        if opens_like_follow_up(asked) or not takes_up_an_object(asked) or self._names(asked):
            return None
        names = self._names(previous)
        return f"{asked} ({', '.join(names)})" if names else None

    def _names_another_scheme(self, asked: str, previous: str) -> bool:
        """« 1 % déchets, on se fait accompagner par qui ? » after a question on the 1 %
        énergie: a message naming a scheme the last question did not, without opening like
        a follow-up (« et pour… »), asks about that scheme alone."""
        own = set(self._find_schemes(asked))
        if not own or own & set(self._find_schemes(previous)):
            return False
        return not opens_like_follow_up(asked)

    def _other_scheme(self, asked: str, previous: str) -> str | None:
        """« et pour les déchets ? » after « …conseillé sur le 1 % eau ? »: the last question
        about the scheme the follow-up's word names in place of one of its own words
        (« …sur le 1 % déchets ? »), or ``None``.
        """
        before = set(self._find_schemes(previous))
        if not before or self._find_schemes(asked) or not looks_like_follow_up(asked):
            return None
        new_words = [
            word
            for word in _ELIDED_WORD.findall(asked)
            if fold(word) not in STOPWORDS and word not in self._english
        ]
        if not 0 < len(new_words) <= _SWAP_WORDS:
            return None
        for old in _LOWER_WORD.findall(previous):
            for new in new_words:
                swapped = re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new, previous)
                after = set(self._find_schemes(swapped))
                if after and not after & before:
                    return swapped
        return None

    def groups_in(self, text: str) -> tuple[str, ...]:
        """The ids of the groups ``text`` names."""
        return tuple(self._find_groups(text))

    def language(self, text: str) -> str:
        """``"en"`` when English words clearly outnumber French ones, else ``"fr"``.

        One English word is enough when no French one stands beside it (« hello »).
        """
        words = _WORD.findall(folded_words(text))
        english = sum(word in self._english for word in words)
        french = sum(word in self._french for word in words) + bool(_ACCENTED.search(text))
        return "en" if english > french and (english >= 2 or french == 0) else "fr"

    def _answer_type(self, folded: str) -> str | None:
        for answer_type in ANSWER_TYPES:
            phrases = self.lexicon.asks.get(answer_type, ())
            if phrases and phrase_pattern(phrases, self.lexicon.openers).search(folded):
                return answer_type
        return None

    def _tense(self, folded: str, text: str) -> str | None:
        if phrase_pattern(self.lexicon.tense.past).search(folded) or _PAST_COMPOUND.search(text):
            return "past"
        if phrase_pattern(self.lexicon.tense.upcoming).search(folded):
            return "upcoming"
        return None

    def _smalltalk_phrases(self, asked: str) -> tuple[str | None, list[str]]:
        """The first kind of small-talk phrase in ``asked``, and the words left beside it.

        A message is small talk when nothing meaningful is left once its small-talk
        phrases are removed (« bonjour ! », « merci beaucoup 👍 », « ? »), so that
        « bonjour, qui préside le groupe Mali ? » stays a question.
        """
        folded = folded_words(asked)
        kinds = self.lexicon.smalltalk
        found = None
        for kind in ("about_bot", "greeting", "thanks"):
            pattern = phrase_pattern(getattr(kinds, kind))
            if pattern.search(folded):
                found = found or kind
                folded = pattern.sub(" ", folded)
        return found, [word for word in _WORD.findall(folded) if word not in STOPWORDS]
