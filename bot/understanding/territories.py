"""Country and region names in French and English, from the CLDR data Babel ships.

A place's name in either language gives its territory code: « Japan » and « Japon »
are both ``JP``, « Libye » is ``LY`` and « Liban » ``LB``. Two names of one code are
the same place; two codes are two places, however close their names are in meaning
or spelling. Nothing is fetched: the data is inside the ``babel`` package.
A country misspelt in a question (« senegale ») is written back as its French name
(:func:`respelt`), before anything else reads the question.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from functools import cache

from bot.text import fold, stems

_LANGUAGES = ("fr", "en")
# Two-letter codes that are no place a member names as a country: groupings, the UN.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO"})
# A misspelt country: « senegale » (0.93 to « senegal »), « madagscar » (0.95), « burkina
# fasso » (0.96); a word near a country's name is not one (« liberal » is 0.86 to « liberia »).
_MIN_TYPO_SIMILARITY = 0.88
_MIN_TYPO_LETTERS = 5
_MAX_LENGTH_CHANGE = 2
_LETTERS = re.compile(r"[^\W\d_]+")


def territory(name: str) -> str | None:
    """The territory code ``name`` is a French or English name of, or ``None``."""
    return _codes().get(_key(name))


def _misspelt(key: str) -> str | None:
    """The territory whose name ``key`` misspells by a letter or two (« senegale »,
    « madagscar », « burkina fasso »): the one closest in spelling, if close enough.

    A typo keeps the first letter and the length within two; short names are left
    alone on both sides (« malin » is one letter from « mali », « iran » from « irak »).
    """
    if len(key) < _MIN_TYPO_LETTERS:
        return None
    best, found = 0.0, None
    for candidate, code in _by_first_letter().get(key[0], ()):
        if (
            len(candidate) >= _MIN_TYPO_LETTERS
            and abs(len(candidate) - len(key)) <= _MAX_LENGTH_CHANGE
        ):
            similarity = SequenceMatcher(None, key, candidate).ratio()
            if similarity > best:
                best, found = similarity, code
    return found if best >= _MIN_TYPO_SIMILARITY else None


def _words_of_their_own(
    span: list[re.Match[str]], code: str, is_word: Callable[[str], bool]
) -> bool:
    """Words the documents use, and not as forms of the country's name."""
    country = set(stems(_french_name(code)))
    return all(
        is_word(word) and not set(stems(word)) <= country
        for word in (match.group() for match in span)
    )


def _may_misspell(word: str) -> bool:
    """Not an elided article (« l'IBAN » is no « Liban »), nor an acronym (« SIRET »)."""
    return len(word) > 1 and not word.isupper()


@cache
def _by_first_letter() -> dict[str, list[tuple[str, str]]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for code, key in _countries():
        if code not in _named_like_a_common_noun():
            grouped.setdefault(key[:1], []).append((key, code))
    return grouped


@cache
def _codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    for code, key in _named():
        codes.setdefault(key, code)
    return codes


@cache
def _named() -> list[tuple[str, str]]:
    """Every territory's code and folded name, the French names first."""
    from babel import Locale  # loaded with the first question analysed, not at start-up

    return [
        (code, _key(name))
        for language in _LANGUAGES
        for code, name in Locale(language).territories.items()
    ]


def _key(name: str) -> str:
    return " ".join(fold(name).replace("-", " ").replace("'", " ").split())


def places_named(text: str) -> list[str]:
    """The countries ``text`` names in French or English, by their French name.

    Written in lower case too (« c qui le président du groupe mali », « le fonds népal »),
    which capitalised names miss. A place named like a common noun with its article
    (« La Réunion », « la réunion ») is left out.
    """
    folded = f" {_key(text)} "
    found: list[str] = []
    for key, name in _french_names():
        if f" {key} " in folded:
            found.append(name)
            folded = folded.replace(f" {key} ", "  ")  # « guinee » is not read again
    return list(dict.fromkeys(found))


def respelt(text: str, is_word: Callable[[str], bool] = lambda _word: False) -> str:
    """``text`` with each misspelt country written as the French name (« le groupe
    senegale » → « le groupe Sénégal »), so that search finds what the documents write.

    ``is_word`` tells a word the documents use: « chaîne » is no misspelt « Chine »,
    « tunisien » no misspelt « Tunisie »; « senegale », sharing Sénégal's stem, is.
    """
    for start, end, code in reversed(_misspellings(text, is_word)):
        text = f"{text[:start]}{_french_name(code)}{text[end:]}"
    return text


def _misspellings(text: str, is_word: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    """The spans of ``text`` that misspell a country's name (one or two words), with its code."""
    words = list(_LETTERS.finditer(text))
    found: list[tuple[int, int, str]] = []
    index = 0
    while index < len(words):
        for size in (2, 1):  # « burkina fasso » before « burkina »
            span = words[index : index + size]
            if len(span) < size or not all(_may_misspell(match.group()) for match in span):
                continue
            key = _key(" ".join(match.group() for match in span))
            if key in _codes():  # written right
                index += size
                break
            code = _misspelt(key)
            if code is not None and not _words_of_their_own(span, code, is_word):
                found.append((span[0].start(), span[-1].end(), code))
                index += size
                break
        else:
            index += 1
    return found


@cache
def _french_name(code: str) -> str:
    from babel import Locale

    return str(Locale("fr").territories[code])


@cache
def _french_names() -> list[tuple[str, str]]:
    """Every country's French and English names (folded), longest first, with its French name."""
    common = _named_like_a_common_noun()
    pairs = {(key, _french_name(code)) for code, key in _countries() if code not in common}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))  # the same order each run


@cache
def _countries() -> list[tuple[str, str]]:
    """The codes and folded names of what a member names as a country."""
    from babel import Locale

    french = Locale("fr").territories
    return [
        (code, key)
        for code, key in _named()
        if len(code) == 2 and code in french and code not in _NOT_COUNTRIES
    ]


@cache
def _named_like_a_common_noun() -> frozenset[str]:
    """« La Réunion » (and so « Réunion »): not read in lower case, nor as a misspelling."""
    return frozenset(code for code, key in _countries() if key.startswith(("la ", "le ", "les ")))
