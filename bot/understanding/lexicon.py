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
    not_names: tuple[str, ...]

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
    number of ``openers`` (« et », « bonjour »…).
    """
    opening = "|".join(_phrase_body(opener) for opener in openers)
    start = rf"^\W*(?:(?:{opening})\W+)*" if opening else r"^\W*"
    alternatives = []
    for phrase in sorted(phrases, key=len, reverse=True):
        body = _phrase_body(phrase.lstrip("^"))
        alternatives.append(start + body if phrase.startswith("^") else body)
    return re.compile(rf"(?:(?<![a-z0-9])(?:{'|'.join(alternatives)}))(?![a-z0-9])")


def _phrase_body(phrase: str) -> str:
    folded = " ".join(fold(phrase).replace("-", " ").split())
    body = re.escape(folded.rstrip("*")).replace(r"\ ", r"[\s'-]+")
    return body + (r"[a-z]*" if folded.endswith("*") else "")


def folded_words(text: str) -> str:
    """``text`` folded, hyphens as spaces: what phrase patterns are matched against."""
    return " ".join(fold(text).replace("-", " ").split())
