"""Telegram HTML: escaping, answers with a compact sources footer, and safe splitting.

Telegram refuses a message longer than 4,096 characters (counted in UTF-16
code units) and a message whose HTML does not parse. Everything the core
returns is escaped here; long texts are split on paragraph boundaries, then
lines, then words, never inside a tag or an entity, with open tags closed at
the end of a part and reopened at the start of the next.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import date

from bot.answers import Answer, Source
from bot.dates import format_date
from bot.messages import message as say

#: Telegram's limit is 4,096; keep a margin for the tags we close and reopen.
MESSAGE_LIMIT = 4000
_TAG = re.compile(r"<(/?)([a-z]+)([^>]*)>")
_EXCERPT_CHARS = 400


def escape(text: str) -> str:
    """Text made safe for ``parse_mode=HTML`` (``<``, ``>`` and ``&``)."""
    return html.escape(text, quote=False)


def to_plain(text: str) -> str:
    """The HTML we produce, as plain text (for the fallback when HTML is refused)."""
    return html.unescape(_TAG.sub("", text))


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


_SOURCES_LINE = re.compile(r"^\s*sources?\s*:\s*(.*)$", re.IGNORECASE)
_DATED_NAME = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def source_footer(
    sources: Iterable[Source], language: str = "fr", extra: Iterable[str] = ()
) -> str:
    """``Sources : [1] Rapport d'activités 2023, p. 12 · [2] …`` in italics (one heading)."""
    labels = [f"[{number}] {escape(source.label())}" for number, source in enumerate(sources, 1)]
    labels += [escape(item) for item in extra if item]
    if not labels:
        return ""
    return f"<i>{escape(say('sources', language))} : {' · '.join(labels)}</i>"


def _split_sources_lines(text: str) -> tuple[str, list[str]]:
    """The text without its own « Sources : … » lines, and what those lines listed."""
    kept, listed = [], []
    for line in text.splitlines():
        match = _SOURCES_LINE.match(line)
        if match:
            listed.append(match.group(1).strip())
        else:
            kept.append(line)
    return "\n".join(kept).strip(), listed


def render_answer(answer: Answer, language: str = "fr") -> str:
    """An answer in HTML with its sources as a compact footer.

    A text that lists its own sources (a funding fiche's « Sources : … ») has
    them merged into the footer, so a reply never shows two "Sources" headings.
    """
    body, listed = _split_sources_lines(answer.text.strip())
    footer = source_footer(answer.sources, language, listed)
    body = escape(body)
    return f"{body}\n\n{footer}" if footer else body


def source_kind(source: Source, language: str = "fr") -> str | None:
    """What kind of document a source is, for people: never its file path."""
    key = _kind_key(source)
    return say(key, language) if key else None


def _kind_key(source: Source) -> str | None:
    file = source.file.lower()
    if file.startswith("funding/") or file.endswith((".yaml", ".yml")):
        return "source_kind_fiche"
    if file.startswith("notes/") or file.endswith(".md"):
        return "source_kind_notes"
    if file.startswith("meetings/") or file.endswith(".ics"):
        return "source_kind_calendar"
    return None


def source_date(source: Source) -> date | None:
    """A date carried by a note's file name (``2027-02-04-benin.md``), if any."""
    match = _DATED_NAME.search(source.file.rsplit("/", 1)[-1])
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def render_sources(
    sources: Iterable[Source],
    language: str = "fr",
    dates: Mapping[str, date] | None = None,
) -> str:
    """The passages behind an answer: document title, page or kind, date, excerpt and link.

    ``dates`` gives a date per source file when the caller knows one (a fiche's
    last check); a note's date comes from its file name. File paths are never shown.
    """
    parts = []
    for number, source in enumerate(sources, 1):
        lines = [f"<b>[{number}] {escape(source.title)}</b>"]
        details = []
        if source.page:
            details.append(f"p. {source.page}")
        else:
            kind = source_kind(source, language)
            if kind:
                details.append(kind)
        when = (dates or {}).get(source.file) or source_date(source)
        if when is not None:
            day = format_date(when, language)
            is_fiche = _kind_key(source) == "source_kind_fiche"
            details.append(say("source_checked_on", language, date=day) if is_fiche else day)
        if details:
            lines.append(escape(" · ".join(details)))
        excerpt = " ".join(source.excerpt.split())
        if excerpt:
            if len(excerpt) > _EXCERPT_CHARS:
                excerpt = excerpt[:_EXCERPT_CHARS].rsplit(" ", 1)[0] + " …"
            lines.append(f"<i>{escape(say('source_excerpt', language, excerpt=excerpt))}</i>")
        if source.url:
            url = html.escape(source.url, quote=True)
            lines.append(f'<a href="{url}">{escape(source.url)}</a>')
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split HTML into parts of at most ``limit`` UTF-16 units, each valid on its own."""
    if telegram_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current = ""
    for piece in _pieces(text, limit):
        candidate = f"{current}{piece}"
        if current and telegram_length(_balanced(candidate)) > limit:
            parts.append(current)
            current = piece
        else:
            current = candidate
    if current.strip():
        parts.append(current)
    return _rebalance([part.strip("\n") for part in parts if part.strip()])


def _pieces(text: str, limit: int) -> Iterable[str]:
    """Paragraphs (with their separator), each cut further when too long on its own."""
    for paragraph in re.split(r"(?<=\n\n)", text):
        if telegram_length(paragraph) <= limit // 2:
            yield paragraph
            continue
        for line in re.split(r"(?<=\n)", paragraph):
            if telegram_length(line) <= limit // 2:
                yield line
                continue
            yield from _words(line, limit // 2)


def _words(line: str, limit: int) -> Iterable[str]:
    """Cut a long line after spaces; a word longer than ``limit`` is cut outside tags."""
    current = ""
    for word in re.split(r"(?<= )", line):
        while telegram_length(word) > limit:
            cut = _safe_cut(word, limit)
            yield current + word[:cut]
            current, word = "", word[cut:]
        if current and telegram_length(current + word) > limit:
            yield current
            current = ""
        current += word
    if current:
        yield current


def _safe_cut(text: str, limit: int) -> int:
    """The last position ≤ ``limit`` that is neither inside a tag nor inside an entity."""
    cut = limit
    while cut > 1:
        before = text[:cut]
        inside_tag = before.rfind("<") > before.rfind(">")
        inside_entity = before.rfind("&") > before.rfind(";")
        if not inside_tag and not inside_entity:
            return cut
        cut -= 1
    return limit


def _open_tags(text: str) -> list[str]:
    """The full opening tags still open at the end of ``text``."""
    stack: list[tuple[str, str]] = []
    for match in _TAG.finditer(text):
        closing, name = match.group(1), match.group(2)
        if closing:
            if stack and stack[-1][0] == name:
                stack.pop()
        else:
            stack.append((name, match.group(0)))
    return [tag for _, tag in stack]


def _balanced(part: str, reopened: Iterable[str] = ()) -> str:
    prefix = "".join(reopened)
    body = prefix + part
    closing = "".join(f"</{_tag_name(tag)}>" for tag in reversed(_open_tags(body)))
    return body + closing


def _tag_name(tag: str) -> str:
    match = _TAG.match(tag)
    return match.group(2) if match else ""


def _rebalance(parts: list[str]) -> list[str]:
    """Close the tags left open by each part and reopen them in the next one."""
    result: list[str] = []
    carried: list[str] = []
    for part in parts:
        result.append(_balanced(part, carried))
        carried = _open_tags("".join(carried) + part)
    return result
