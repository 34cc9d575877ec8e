"""Callback data of inline buttons: short ``prefix:arg:arg`` strings, at most 64 bytes.

Prefixes (one per kind of button):
    src:<answer_id>            show the sources of an answer
    fb:<answer_id>:<+1|-1>     rate an answer
    acc:req                    a non-member asks for access
    acc:<ok|no>:<user_id>      an admin approves or refuses
    sub:<page>:<group_id>      follow/unfollow a group (page of the /suivre keyboard)
    subp:<page>                show another page of the /suivre keyboard
    subf:<page>                show a page of the funding schemes one can follow
    subs:<page>:<fiche_id>     follow/unfollow a funding scheme's calls
    lead:<minutes>             toggle a reminder lead time
    leadr                      reset lead times to the defaults
    fi:<index>                 show a funding scheme (index in the catalog)
"""

from __future__ import annotations

import re

MAX_BYTES = 64
#: Ids carried by buttons fit in SQLite's signed 64-bit integers.
MAX_ID = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


class CallbackDataTooLong(ValueError):
    """A button's data would exceed Telegram's 64-byte limit."""


def pack(*parts: object) -> str:
    """``pack("fb", 12, "+1")`` → ``"fb:12:+1"``; raises when longer than 64 bytes."""
    data = ":".join(str(part) for part in parts)
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise CallbackDataTooLong(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None) -> list[str]:
    """``"fb:12:+1"`` → ``["fb", "12", "+1"]`` (``[""]`` for missing data)."""
    return (data or "").split(":")


def parse_id(text: str | None, maximum: int = MAX_ID) -> int | None:
    """A button's number if ``text`` is 1-19 ASCII digits and at most ``maximum``, else None.

    ``str.isdigit`` accepts « ² » or Arabic-Indic digits, and a 25-digit id overflows
    SQLite: forged callback data must be refused, never raise.
    """
    if text is None or not _ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if value <= maximum else None
