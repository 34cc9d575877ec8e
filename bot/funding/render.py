"""Fiches as plain French text: a compact answer (dates relative to today) or a full document.

Plain text only — line breaks and « • » bullets — because the Telegram adapter
escapes what it sends and phones have small screens.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.dates import format_date
from bot.funding.schema import Amount, AmountKind, CalendarEntry, Category, Fiche
from bot.messages import message
from bot.text import content_stems

BULLET = "• "


class Section(StrEnum):
    WHAT = "what"
    LEGAL = "legal"  # the legal basis asked for itself (« sur quelle base légale ? »)
    WHO = "who"
    AMOUNTS = "amounts"
    HOW = "how"
    HELP = "help"
    CALENDAR = "calendar"


ALL_SECTIONS = tuple(Section)

# Catalog keys of the section headings (the catalog has them in French and English).
_LABEL_KEYS: dict[str, str] = {
    Section.WHAT: "fiche_what",
    Section.LEGAL: "fiche_what",
    Section.WHO: "fiche_who",
    Section.AMOUNTS: "fiche_amounts",
    Section.HOW: "fiche_how",
    Section.HELP: "fiche_help",
    Section.CALENDAR: "fiche_calendar",
    "funds": "fiche_funds",
    "sources": "sources",
    "notes": "fiche_notes",
    "funder": "fiche_funder",
}


def _labels(language: str) -> dict[str, str]:
    return {name: message(key, language) for name, key in _LABEL_KEYS.items()}


def unconfirmed(text: str) -> str:
    """``text`` marked as not confirmed by the sources."""
    return message("unconfirmed", text=text)


class CallStatus(StrEnum):
    OPEN = "open"
    UPCOMING = "upcoming"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class DatedEntry:
    entry: CalendarEntry
    status: CallStatus

    @property
    def sort_key(self) -> date:
        return self.entry.closes or self.entry.opens or date.min


def call_status(entry: CalendarEntry, today: date) -> CallStatus:
    """Where ``today`` falls relative to an edition's opening and closing dates."""
    if entry.closes and entry.closes < today:
        return CallStatus.CLOSED
    if entry.opens and entry.opens > today:
        return CallStatus.UPCOMING
    if entry.closes:  # closes >= today, and opens (if known) <= today
        return CallStatus.OPEN
    return CallStatus.UNKNOWN


def _entry_line(entry: CalendarEntry, status: CallStatus) -> str:
    edition = entry.edition
    opens = format_date(entry.opens) if entry.opens else ""
    closes = format_date(entry.closes) if entry.closes else ""
    if status is CallStatus.CLOSED and entry.closes:
        key = "call_closed_opened" if entry.opens else "call_closed"
        text = message(key, edition=edition, opens=opens, closes=closes)
    elif status is CallStatus.OPEN and entry.closes:
        text = message("call_open", edition=edition, closes=closes)
    elif status is CallStatus.UPCOMING and entry.opens:
        key = "call_upcoming_closes" if entry.closes else "call_upcoming"
        text = message(key, edition=edition, opens=opens, closes=closes)
    elif entry.opens:
        text = message("call_opens_only", edition=edition, opens=opens)
    else:
        text = f"{edition} : {entry.note or message('dates_unknown')}"
    if entry.note and (entry.opens or entry.closes):
        text = f"{text}. {entry.note}"
    if not entry.confirmed:
        text = unconfirmed(text)
    return text


def calendar_lines(fiche: Fiche, today: date, limit: int = 3) -> list[str]:
    """The most recent editions, each said relative to ``today``; closed calls point onward."""
    dated = [
        DatedEntry(entry, call_status(entry, today))
        for entry in fiche.calendar
        if entry.opens or entry.closes
    ]
    dated.sort(key=lambda item: item.sort_key, reverse=True)
    undated = [entry for entry in fiche.calendar if not (entry.opens or entry.closes)]
    lines = [_entry_line(item.entry, item.status) for item in dated[: limit - 1 or 1]]
    lines += [_entry_line(entry, CallStatus.UNKNOWN) for entry in undated[:1]]
    if dated and not any(item.status in (CallStatus.OPEN, CallStatus.UPCOMING) for item in dated):
        where = fiche.official_url or fiche.first_url() or message("official_site")
        lines.append(message("call_none_open", where=where))
    return lines


def amount_lines(
    fiche: Fiche, today: date, limit: int = 3, with_url: bool = True, asked: str = ""
) -> list[str]:
    """Terms (rates, caps) before past figures, in the fiche's order, each with its year;
    those sharing the most words with the question ``asked`` first.

    For a call whose newest known terms are older than this year, a last line says
    which edition they come from and where to check the current one.
    """
    terms = [amount for amount in fiche.amounts if amount.kind is AmountKind.TERMS]
    figures = [amount for amount in fiche.amounts if amount.kind is AmountKind.FIGURE]
    lines = most_relevant([amount.render() for amount in [*terms, *figures]], asked, limit)
    newest = _newest_confirmed(terms)
    if (
        newest is not None
        and fiche.category is Category.APPEL_A_PROJETS
        and newest.year < today.year
    ):
        where = (fiche.official_url or fiche.first_url()) if with_url else None
        key = "amounts_outdated_at" if where else "amounts_outdated"
        lines.append(message(key, label=newest.label(), year=today.year, where=where))
    return lines


def _newest_confirmed(amounts: Iterable[Amount]) -> Amount | None:
    confirmed = [amount for amount in amounts if amount.confirmed]
    return max(confirmed, key=lambda amount: amount.year, default=None)


def most_relevant(lines: list[str], asked: str, limit: int) -> list[str]:
    """The ``limit`` lines sharing the most words with the question ``asked``, in their
    order otherwise: « comment le ministère verse-t-il la subvention ? » shows the
    fiche's line on « versement », even when it is not among the first ones."""
    wanted = set(content_stems(asked))
    shared = [len(wanted & set(content_stems(line))) for line in lines]
    ranked = sorted(range(len(lines)), key=lambda index: -shared[index])
    return [lines[index] for index in ranked[:limit]]


def help_lines(fiche: Fiche, limit: int = 3, detailed: bool = True) -> list[str]:
    """Who helps; ``detailed=False`` keeps names and one way to reach them."""
    lines = []
    for contact in fiche.help_desk[:limit]:
        text = f"{contact.name} — {contact.role}" if contact.role and detailed else contact.name
        reach = [item for item in (contact.url, contact.email, contact.phone) if item]
        reach = reach if detailed else reach[:1]
        if reach:
            text = f"{text} : {', '.join(reach)}"
        lines.append(text if contact.confirmed else unconfirmed(text))
    return lines


def source_lines(fiche: Fiche, limit: int = 2) -> list[str]:
    return [source.render() for source in fiche.sources[:limit]]


def _block(title: str, lines: list[str], heading: str = "") -> list[str]:
    if not lines:
        return []
    label = f"{heading}{title}" if heading else f"{title} :"
    return [label, *(f"{BULLET}{line}" for line in lines)]


def render_answer(
    fiche: Fiche,
    today: date,
    sections: Iterable[Section] = ALL_SECTIONS,
    language: str = "fr",
    compact: bool = True,
) -> str:
    """The explainer's answer: what, who, how much (with year), how, who helps, sources."""
    wanted = set(sections)
    return with_footer(
        fiche, render_body(fiche, today, wanted, language, compact), wanted, language, compact
    )


def with_footer(
    fiche: Fiche, body: list[str], sections: set[Section], language: str, compact: bool = True
) -> str:
    """``body`` (:func:`render_body`'s lines), then the sources it does not show and the date."""
    shown = "\n".join(body)
    sources = [line for line in source_lines(fiche, 20) if line not in shown]
    sources = (sources or source_lines(fiche, 1))[
        : (1 if len(sections) > 2 else 2) if compact else 20
    ]
    footer = [
        f"{_labels(language)['sources']} : {' ; '.join(sources)}",
        message("fiche_verified", language, date=format_date(fiche.last_verified, language)),
    ]
    return "\n".join([*body, *footer])


def render_body(
    fiche: Fiche,
    today: date,
    sections: Iterable[Section] = ALL_SECTIONS,
    language: str = "fr",
    compact: bool = True,
    asked: str = "",
) -> list[str]:
    """The lines of :func:`render_answer` that say what the fiche says (no sources, no date);
    where a part is cut short, the lines sharing most words with the question ``asked``."""
    labels = _labels(language)
    wanted = set(sections)
    few = 2 if compact else 20
    # Asked one thing (who helps, the rates…), the member gets it right under the scheme's
    # name; the summary is for « c'est quoi… ? » and the full fiche.
    summary = [fiche.summary] if Section.WHAT in wanted or not compact else []
    body: list[str] = [fiche.name, *summary]
    if Section.LEGAL in wanted:  # asked for: every text the fiche cites, whatever the scheme
        count = 4 if compact else 20
        legal_lines = [fact.render() for fact in fiche.legal_basis]
        body += _block(labels[Section.LEGAL], most_relevant(legal_lines, asked, count))
    elif Section.WHAT in wanted:
        legal = fiche.category in (Category.DISPOSITIF_LEGAL, Category.CADRE)
        count = few if legal or not compact else 0  # the summary already says it
        body += _block(labels[Section.WHAT], [fact.render() for fact in fiche.legal_basis[:count]])
    if Section.WHO in wanted:
        conditions = [] if compact else [fact.render() for fact in fiche.eligible.conditions]
        body += _block(labels[Section.WHO], [fiche.eligible.summary, *conditions])
    if Section.AMOUNTS in wanted:
        limit = (4 if wanted == {Section.AMOUNTS} else 2) if compact else 20
        with_url = Section.CALENDAR not in wanted or not compact
        body += _block(labels[Section.AMOUNTS], amount_lines(fiche, today, limit, with_url, asked))
    if Section.HOW in wanted:
        how_lines = [fact.render() for fact in fiche.how_to_apply]
        body += _block(labels[Section.HOW], most_relevant(how_lines, asked, few))
    if Section.HELP in wanted:
        alone = wanted == {Section.HELP}
        limit = (3 if alone else 2) if compact else 20
        body += _block(labels[Section.HELP], help_lines(fiche, limit, alone or not compact))
    has_dates = any(entry.opens or entry.closes for entry in fiche.calendar)
    if Section.CALENDAR in wanted and (has_dates or not compact or wanted == {Section.CALENDAR}):
        limit = (3 if wanted == {Section.CALENDAR} else 2) if compact else 10
        body += _block(labels[Section.CALENDAR], calendar_lines(fiche, today, limit))
    if not compact:
        body += _block(labels["funds"], [fact.render() for fact in fiche.what_it_funds])
        body += _block(labels["notes"], [fact.render() for fact in fiche.notes])
    return body


def render_document(fiche: Fiche, heading: str = "") -> str:
    """The whole fiche as flowing French text, for indexing (no dates relative to today).

    With ``heading``, each part's label is a heading line (``heading`` + label) rather
    than « label : », so the index keeps the parts apart as sections.
    """
    labels = _labels("fr")
    lines = [fiche.name, fiche.summary]
    if fiche.aliases or fiche.acronyms:
        names = ", ".join([*fiche.acronyms, *fiche.aliases])
        lines.append(message("fiche_other_names", names=names))
    lines.append(f"{labels['funder']} : {fiche.funder}")
    lines += _block(labels[Section.WHAT], [fact.render() for fact in fiche.legal_basis], heading)
    lines += _block(
        labels[Section.WHO],
        [fiche.eligible.summary, *(fact.render() for fact in fiche.eligible.conditions)],
        heading,
    )
    lines += _block(labels["funds"], [fact.render() for fact in fiche.what_it_funds], heading)
    lines += _block(labels[Section.AMOUNTS], [amount.render() for amount in fiche.amounts], heading)
    lines += _block(labels[Section.HOW], [fact.render() for fact in fiche.how_to_apply], heading)
    calendar = []
    for entry in fiche.calendar:
        dates = [
            message("call_opening", date=format_date(entry.opens)) if entry.opens else "",
            message("call_closing", date=format_date(entry.closes)) if entry.closes else "",
        ]
        text = ", ".join(item for item in dates if item)
        text = f"{entry.edition} : {text or entry.note or message('dates_unknown')}"
        if entry.note and (entry.opens or entry.closes):
            text = f"{text}. {entry.note}"
        calendar.append(text if entry.confirmed else unconfirmed(text))
    lines += _block(labels[Section.CALENDAR], calendar, heading)
    lines += _block(labels[Section.HELP], help_lines(fiche, 20), heading)
    lines += _block(labels["notes"], [fact.render() for fact in fiche.notes], heading)
    lines += _block(labels["sources"], source_lines(fiche, 50), heading)
    lines.append(message("fiche_verified", date=format_date(fiche.last_verified)))
    return "\n".join(lines)
