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
_SHORTEST_NAME = 4  # « Mali », « Togo »; shorter names (« Oman » aside) are words too


def territory(name: str) -> str | None:
    """The territory code ``name`` is a French or English name of, or ``None``."""
    return _codes().get(_key(name))


@cache
def _codes() -> dict[str, str]:
    from babel import Locale  # loaded on the first unknown name, not at start-up

    codes: dict[str, str] = {}
    for language in _LANGUAGES:
        for code, name in Locale(language).territories.items():
            codes.setdefault(_key(name), code)
    return codes


def _key(name: str) -> str:
    return " ".join(fold(name).replace("-", " ").replace("'", " ").split())


def places_named(text: str) -> list[str]:
    """The countries ``text`` names in French or English, by their French name.

    Written in lower case too (« c qui le président du groupe mali », « le fonds népal »),
    which capitalised names miss. A place named like a common noun with its article
    (« La Réunion », « la réunion ») is left out, and so are names shorter than four letters.
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
        (code, _key(name))
        for language in _LANGUAGES
        for code, name in Locale(language).territories.items()
        if len(code) == 2 and code in french and code not in _NOT_COUNTRIES
    ]
    # « La Réunion » (and so « Réunion »): a place named like a common noun.
    common = {code for code, key in named if key.startswith(("la ", "le ", "les "))}
    pairs = {
        (key, french[code])
        for code, key in named
        if code not in common and len(key.replace(" ", "")) >= _SHORTEST_NAME
    }
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)
