"""Dates written out for people: « jeudi 1er juillet 2027 », "Thursday 1 July 2027"."""

from __future__ import annotations

from datetime import date

_WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def format_date(
    day: date, language: str = "fr", *, weekday: bool = False, with_year: bool = True
) -> str:
    """``6 mai 2024``, ``jeudi 1er juillet 2027``; English when ``language`` is ``"en"``."""
    lang = "en" if language == "en" else "fr"
    number = "1er" if day.day == 1 and lang == "fr" else str(day.day)
    text = f"{number} {_MONTHS[lang][day.month - 1]}"
    if weekday:
        text = f"{_WEEKDAYS[lang][day.weekday()]} {text}"
    return f"{text} {day.year}" if with_year else text
