"""Country and region names in French and English, from the CLDR data Babel ships.

A place's name in either language gives its territory code: « Japan » and « Japon »
are both ``JP``, « Libye » is ``LY`` and « Liban » ``LB``. Two names of one code are
the same place; two codes are two places, however close their names are in meaning
or spelling. Nothing is fetched: the data is inside the ``babel`` package.
"""

from __future__ import annotations

from functools import cache

from bot.text import fold

_LANGUAGES = ("fr", "en")
# Two-letter codes that are no place a member names as a country: groupings, the UN.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO"})


def territory(name: str) -> str | None:
    """The territory code ``name`` is a French or English name of, or ``None``."""
    return _codes().get(_key(name))


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


@cache
def _french_names() -> list[tuple[str, str]]:
    """Every country's French and English names (folded), longest first, with its French name."""
    from babel import Locale

    french = Locale("fr").territories
    named = [
        (code, key)
        for code, key in _named()
        if len(code) == 2 and code in french and code not in _NOT_COUNTRIES
    ]
    # « La Réunion » (and so « Réunion »): a place named like a common noun.
    common = {code for code, key in named if key.startswith(("la ", "le ", "les "))}
    pairs = {(key, french[code]) for code, key in named if code not in common}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))  # the same order each run
