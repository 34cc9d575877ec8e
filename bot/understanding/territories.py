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
