"""The validated word lists of question analysis (``lexicon.yaml`` beside this module)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from bot.text import fold

ANSWER_TYPES = (
    "contact",
    "amount",
    "definition",
    "person",
    "date",
    "place",
    "number",
    "list",
    "yesno",
)


_BRACES = re.compile(r"\{([^{}]*)\}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Language(_Strict):
    english: tuple[str, ...]
    french: tuple[str, ...]


class SmallTalk(_Strict):
    greeting: tuple[str, ...]
    thanks: tuple[str, ...]
    about_bot: tuple[str, ...]


class Tense(_Strict):
    past: tuple[str, ...]
    upcoming: tuple[str, ...]


class FundingIntents(_Strict):
    """Which part of a fiche a question asks about (several may hold)."""

    what: tuple[str, ...]
    legal: tuple[str, ...]
    who: tuple[str, ...]
    amounts: tuple[str, ...]
    how: tuple[str, ...]
    help: tuple[str, ...]
    calendar: tuple[str, ...]


class Applicant(_Strict):
    """Words naming one kind of authority; ``name`` and ``kinds`` are the funding code's."""

    name: str
    kinds: tuple[str, ...]
    words: tuple[str, ...]


class FundingResponder(_Strict):
    """The funding explainer's words (``bot/funding/explainer.py``, ``eligibility.py``)."""

    intents: FundingIntents
    past_event: tuple[str, ...]
    overview: tuple[str, ...]
    overview_context: tuple[str, ...]
    calls: tuple[str, ...]
    applicants: tuple[Applicant, ...]
    services: dict[str, tuple[str, ...]]
    description_end: tuple[str, ...]
    describes_itself: tuple[str, ...]
    speaks_for_itself: tuple[str, ...]
    determiners: tuple[str, ...]
    modals: tuple[str, ...]
    asks_what_for_me: tuple[str, ...]
    not_scheme_names: tuple[str, ...]
    scheme_name_links: tuple[str, ...]
    exclusions: tuple[str, ...]


class AgendaWindows(_Strict):
    """Time windows, tried in this order (« après-demain » before « demain »)."""

    next_week: tuple[str, ...]
    this_week: tuple[str, ...]
    next_month: tuple[str, ...]
    this_month: tuple[str, ...]
    day_after: tuple[str, ...]
    tomorrow: tuple[str, ...]
    today: tuple[str, ...]


class AgendaResponder(_Strict):
    """The agenda responder's words (``bot/meetings/responder.py``)."""

    meetings: tuple[str, ...]
    meetings_en: tuple[str, ...]
    next_fr: tuple[str, ...]
    meets_fr: tuple[str, ...]
    agenda_fr: tuple[str, ...]
    next_en: tuple[str, ...]
    agenda_en: tuple[str, ...]
    windows: AgendaWindows
    window_ask: tuple[str, ...]
    past: tuple[str, ...]
    not_agenda_start: tuple[str, ...]
    forget: tuple[str, ...]
    follow: tuple[str, ...]
    plural: tuple[str, ...]
    plural_routed: tuple[str, ...]
    after: tuple[str, ...]
    months: tuple[str, ...]
    generic_words: tuple[str, ...]
    not_in_the_agenda: tuple[str, ...]

    @field_validator("months")
    @classmethod
    def _twelve_months(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(value) != 12:
            raise ValueError(f"twelve months expected, got {len(value)}")
        return value

    @field_validator("not_in_the_agenda")
    @classmethod
    def _answer_types(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = set(value) - set(ANSWER_TYPES)
        if unknown:
            raise ValueError(f"unknown answer types: {sorted(unknown)}")
        return value


class Lexicon(_Strict):
    """Phrases matched on folded text at word boundaries (``*`` ends a prefix)."""

    language: Language
    smalltalk: SmallTalk
    openers: tuple[str, ...]
    asks: dict[str, tuple[str, ...]]
    tense: Tense
    meetings: tuple[str, ...]
    months: tuple[str, ...]
    funding: tuple[str, ...]
    country_group: tuple[str, ...]
    group_words: tuple[str, ...]
    counted_after_number: tuple[str, ...]
    not_names: tuple[str, ...]
    funding_responder: FundingResponder
    agenda_responder: AgendaResponder

    @field_validator("asks")
    @classmethod
    def _known_answer_types(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        unknown = set(value) - set(ANSWER_TYPES)
        if unknown:
            raise ValueError(f"unknown answer types: {sorted(unknown)}")
        return value


@cache
def load_lexicon() -> Lexicon:
    """The lexicon shipped with the package (parsed and validated once)."""
    text = resources.files("bot.understanding").joinpath("lexicon.yaml").read_text("utf-8")
    return Lexicon.model_validate(yaml.safe_load(text))


@cache
def phrase_pattern(phrases: tuple[str, ...], openers: tuple[str, ...] = ()) -> re.Pattern[str]:
    """One pattern finding any of ``phrases`` in folded text, whole words only.

    A phrase starting with ``^`` matches only at the start of the text, after any
    number of ``openers`` (« et », « bonjour »…). Braces list alternatives, an empty one
    making the part optional: ``"{peut,peuvent} {il,elle,} candidater"``.
    """
    opening = "|".join(phrase_body(opener) for opener in openers)
    start = rf"^\W*(?:(?:{opening})\W+)*" if opening else r"^\W*"
    alternatives = []
    for phrase in sorted(expand_phrases(phrases), key=len, reverse=True):
        body = phrase_body(phrase.lstrip("^"))
        alternatives.append(start + body if phrase.startswith("^") else body)
    return re.compile(rf"(?:(?<![a-z0-9])(?:{'|'.join(alternatives)}))(?![a-z0-9])")


def expand_phrases(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """``phrases`` with their brace alternatives spelt out (``"reunion{,s}"``: two phrases)."""
    expanded: list[str] = []
    for phrase in phrases:
        match = _BRACES.search(phrase)
        if match is None:
            if phrase.strip():
                expanded.append(" ".join(phrase.split()))
            continue
        head, tail = phrase[: match.start()], phrase[match.end() :]
        options = tuple(head + option + tail for option in match.group(1).split(","))
        expanded.extend(expand_phrases(options))
    return tuple(dict.fromkeys(expanded))


def phrase_body(phrase: str) -> str:
    """The regular expression of one phrase (no brace), without the word boundaries."""
    folded = " ".join(fold(phrase).replace("-", " ").split())
    body = re.escape(folded.rstrip("*")).replace(r"\ ", r"[\s'-]+")
    return body + (r"[a-z]*" if folded.endswith("*") else "")


def folded_words(text: str) -> str:
    """``text`` folded, hyphens as spaces: what phrase patterns are matched against."""
    return " ".join(fold(text).replace("-", " ").split())
