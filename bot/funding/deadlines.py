"""The closing dates of funding calls, read from the fiches' ``calendar`` entries.

A :class:`Deadline` is one edition of a call with a known closing date. Which
schemes members can follow (:func:`followable`), which deadlines are still open
on a day (:func:`upcoming`): a call is open up to and including its closing day,
and closed from the next day on, so a past deadline is never presented as open.
Reminders before a deadline are planned by :mod:`bot.meetings.deadlines`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from bot.dates import format_date
from bot.funding.catalog import FundingCatalog, fiche_paths
from bot.funding.matching import normalize
from bot.funding.schema import Category, Fiche
from bot.messages import message

logger = logging.getLogger(__name__)

# Schemes one can follow: calls and programmes, and any other fiche with a dated call.
FOLLOWABLE_CATEGORIES = frozenset({Category.APPEL_A_PROJETS, Category.PROGRAMME})


@dataclass(frozen=True)
class Deadline:
    """One edition of a call and the day it closes (submissions accepted that day)."""

    fiche_id: str
    scheme: str  # the fiche's short name
    edition: str
    closes: date
    opens: date | None = None
    confirmed: bool = True
    url: str | None = None  # the entry's source, else the fiche's official page
    fiche_file: str = ""  # funding/<id>.yaml, where staff change the date

    @property
    def title(self) -> str:
        """« FICOL 2025 (FICOL (AFD)) », or the edition alone when it names the scheme."""
        if self.scheme.casefold() in self.edition.casefold():
            return self.edition
        return f"{self.edition} ({self.scheme})"

    def is_open(self, today: date) -> bool:
        """Still accepting applications on ``today`` (its closing day included)."""
        return self.closes >= today and (self.opens is None or self.opens <= today)

    def is_past(self, today: date) -> bool:
        return self.closes < today


def followable(fiche: Fiche) -> bool:
    """Whether members can follow this scheme's calls."""
    return fiche.category in FOLLOWABLE_CATEGORIES or any(entry.closes for entry in fiche.calendar)


def followable_fiches(catalog: FundingCatalog) -> list[Fiche]:
    """The schemes members can follow, in the catalog's order."""
    return [fiche for fiche in catalog.fiches if followable(fiche)]


def scheme_named(catalog: FundingCatalog, text: str, exact: bool = False) -> Fiche | None:
    """The followable scheme ``text`` names: its id or one of its names (``exact``),
    else the best scheme named within ``text``."""
    words = normalize(text)
    wanted = text.strip().lower().replace("-", "_")
    for fiche in followable_fiches(catalog):
        names = (fiche.short_name, fiche.name, *fiche.aliases, *fiche.acronyms)
        if fiche.id == wanted or any(normalize(name) == words for name in names if words):
            return fiche
    if exact:
        return None
    return next((fiche for fiche in catalog.find(text) if followable(fiche)), None)


def fiche_deadlines(fiche: Fiche) -> list[Deadline]:
    """The dated closings of one fiche, in the fiche's order."""
    return [
        Deadline(
            fiche_id=fiche.id,
            scheme=fiche.short_name,
            edition=entry.edition,
            closes=entry.closes,
            opens=entry.opens,
            confirmed=entry.confirmed,
            url=entry.source or fiche.first_url(),
            fiche_file=fiche.file,
        )
        for entry in fiche.calendar
        if entry.closes is not None
    ]


def deadlines(catalog: FundingCatalog) -> tuple[Deadline, ...]:
    """Every dated closing of every fiche, by closing date then scheme."""
    found = [item for fiche in catalog.fiches for item in fiche_deadlines(fiche)]
    return tuple(sorted(found, key=lambda item: (item.closes, item.fiche_id, item.edition)))


def upcoming(items: Iterable[Deadline], today: date, days: int | None = None) -> list[Deadline]:
    """Deadlines not yet past on ``today`` (closing today included), within ``days`` if given."""
    last = today + timedelta(days=days) if days is not None else date.max
    return sorted(
        (item for item in items if today <= item.closes <= last),
        key=lambda item: (item.closes, item.fiche_id, item.edition),
    )


def format_deadline(deadline: Deadline, today: date, language: str = "fr") -> str:
    """The call, and « Clôture : vendredi 30 avril 2027 (dans 30 jours) » (then its link).

    A call whose closing day has passed says so (« Clos depuis le … »): it is never
    shown as open (the agenda lists only calls not yet closed).
    """
    day = format_date(deadline.closes, language, weekday=True)
    left = (deadline.closes - today).days
    if left < 0:
        return f"• {deadline.title}\n  {message('deadline_closed', language, day=day)}"
    if left == 0:
        when = message("deadline_today", language, day=day)
    elif left == 1:
        when = message("deadline_tomorrow", language, day=day)
    else:
        when = message("deadline_in_days", language, day=day, days=left)
    lines = [f"• {deadline.title}", f"  {message('deadline_closes', language, when=when)}"]
    if deadline.opens is not None and deadline.opens > today:
        opens = format_date(deadline.opens, language)
        lines.append(f"  {message('deadline_opens', language, day=opens)}")
    if not deadline.confirmed:
        lines.append(f"  {message('deadline_not_confirmed', language)}")
    if deadline.url:
        lines.append(f"  {message('deadline_url', language, url=deadline.url)}")
    return "\n".join(lines)


class DeadlineSource:
    """The closing dates of a fiches folder, read again when a fiche changes.

    A running bot plans reminders from a date the staff add or correct within a
    sweep, without a restart: each call looks at the files' names, sizes and
    modification times, and reloads the folder only when they changed. A fiche
    made invalid by an edit is skipped with its reason logged (its dates go until
    it is fixed), as at start-up.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._signature: tuple[tuple[str, int, int], ...] | None = None
        self._deadlines: tuple[Deadline, ...] = ()

    def _current_signature(self) -> tuple[tuple[str, int, int], ...]:
        try:
            paths = fiche_paths(self.directory)
            return tuple(
                (path.name, (stat := path.stat()).st_size, stat.st_mtime_ns) for path in paths
            )
        except OSError:
            return ()

    def __call__(self) -> tuple[Deadline, ...]:
        signature = self._current_signature()
        with self._lock:
            if signature != self._signature:
                if self._signature is not None:
                    logger.info("funding fiches changed: closing dates read again")
                catalog = FundingCatalog.load(self.directory) if signature else None
                self._deadlines = deadlines(catalog) if catalog is not None else ()
                self._signature = signature
            return self._deadlines
