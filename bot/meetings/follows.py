"""What a member asks to follow: a group's meetings or a funding scheme's calls.

``/suivre X`` (and ``python -m bot follow X``) take a group or a scheme: a name
given exactly wins (group, then scheme), then a group named within the text,
then a scheme named within it (:func:`resolve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.funding.catalog import FundingCatalog
from bot.funding.deadlines import scheme_named
from bot.meetings.groups import GroupDirectory

GROUP: Literal["group"] = "group"
SCHEME: Literal["scheme"] = "scheme"


@dataclass(frozen=True)
class Target:
    """A group (its id) or a funding scheme (its fiche id), with the name members see."""

    kind: Literal["group", "scheme"]
    id: str
    name: str


def resolve(text: str, groups: GroupDirectory, catalog: FundingCatalog) -> Target | None:
    """The group or followable scheme ``text`` names, or ``None``."""
    group = groups.exact(text)
    if group is not None:
        return Target(GROUP, group.id, group.name)
    fiche = scheme_named(catalog, text, exact=True)
    if fiche is not None:
        return Target(SCHEME, fiche.id, fiche.short_name)
    group = groups.resolve(text)
    if group is not None:
        return Target(GROUP, group.id, group.name)
    fiche = scheme_named(catalog, text)
    if fiche is not None:
        return Target(SCHEME, fiche.id, fiche.short_name)
    return None
