"""The groups a member can follow, and how text (a command, a category, a title) names one.

Matching is accent-, case- and punctuation-insensitive and works on whole words:
``"groupe-pays japon"``, ``"JAPON"`` and ``"Japon"`` all name ``japon``, but ``"Mali"``
is not found inside ``"Somalie"``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot import safe_yaml

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize(text: str) -> str:
    """Lower-case, strip accents and punctuation: ``"Café des Élus"`` → ``"cafe des elus"``."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    ascii_text = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_WORD.sub(" ", ascii_text.lower()).strip()


class GroupsError(ValueError):
    """The groups file is missing or malformed (the message names the file and the reason)."""


@dataclass(frozen=True)
class Group:
    """A followable group: a country group, a thematic dynamic or a recurring event."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()

    def match_keys(self) -> tuple[str, ...]:
        """Every normalized way to name this group (id, name, aliases)."""
        names = (self.id, self.name, *self.aliases)
        return tuple(dict.fromkeys(key for key in map(normalize, names) if key))


class GroupDirectory:
    """The list of followable groups, with lookups from free text."""

    def __init__(self, groups: Iterable[Group]) -> None:
        self.groups: tuple[Group, ...] = tuple(groups)
        self._by_id = {group.id: group for group in self.groups}
        self._by_key: dict[str, Group] = {}
        for group in self.groups:
            for key in group.match_keys():
                self._by_key.setdefault(key, group)
        # Longest names first, so "republique de coree" wins over "coree".
        self._patterns = sorted(self._by_key.items(), key=lambda item: -len(item[0]))

    @classmethod
    def load(cls, path: Path) -> GroupDirectory:
        """Read ``groups.yaml``; raise :class:`GroupsError` naming the file when it is wrong."""
        try:
            data = safe_yaml.load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, safe_yaml.YamlError) as error:
            raise GroupsError(f"{path}: cannot read the groups file: {error}") from error
        entries = data.get("groups") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise GroupsError(f"{path}: expected a top-level 'groups:' list")
        groups = []
        for index, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not entry.get("id") or not entry.get("name"):
                raise GroupsError(f"{path}: group #{index} needs at least 'id' and 'name'")
            aliases = entry.get("aliases") or []
            if not isinstance(aliases, list):
                raise GroupsError(f"{path}: group {entry['id']!r}: 'aliases' must be a list")
            groups.append(
                Group(
                    id=str(entry["id"]),
                    name=str(entry["name"]),
                    kind=str(entry.get("kind", "")),
                    aliases=tuple(str(alias) for alias in aliases),
                )
            )
        ids = [group.id for group in groups]
        duplicates = sorted({group_id for group_id in ids if ids.count(group_id) > 1})
        if duplicates:
            raise GroupsError(f"{path}: duplicate group ids: {', '.join(duplicates)}")
        return cls(groups)

    def get(self, group_id: str) -> Group | None:
        return self._by_id.get(group_id)

    def name(self, group_id: str) -> str:
        """The display name of a group id (the id itself when unknown)."""
        group = self._by_id.get(group_id)
        return group.name if group else group_id

    def exact(self, text: str) -> Group | None:
        """The group whose id, name or alias is ``text`` (accents and case aside)."""
        return self._by_id.get(text) or self._by_key.get(normalize(text))

    def resolve(self, text: str) -> Group | None:
        """The group a member named (``"japon"``, ``"Groupe-pays Japon"``, ``"RAICT"``)."""
        key = normalize(text)
        if not key:
            return None
        if key in self._by_key:
            return self._by_key[key]
        found = self.find_in_text(text)
        return found[0] if len(found) == 1 else None

    def close_matches(self, text: str, limit: int = 5) -> list[Group]:
        """Groups whose names look like ``text``, best first (for "did you mean…")."""
        key = normalize(text)
        if not key:
            return []
        scored: dict[str, float] = {}
        for candidate, group in self._by_key.items():
            ratio = difflib.SequenceMatcher(None, key, candidate).ratio()
            if key in candidate or candidate in key:
                ratio = max(ratio, 0.8)
            if ratio >= 0.6:
                scored[group.id] = max(scored.get(group.id, 0.0), ratio)
        best = sorted(scored, key=lambda group_id: -scored[group_id])[:limit]
        return [self._by_id[group_id] for group_id in best]

    def find_in_text(self, text: str) -> list[Group]:
        """Every group named somewhere in ``text`` (whole words), in order of appearance."""
        padded = f" {normalize(text)} "
        hits: list[tuple[int, Group]] = []
        taken: list[tuple[int, int]] = []
        for key, group in self._patterns:
            start = padded.find(f" {key} ")
            while start != -1:
                end = start + len(key) + 1
                if not any(start < t_end and t_start < end for t_start, t_end in taken):
                    taken.append((start, end))
                    hits.append((start, group))
                start = padded.find(f" {key} ", start + 1)
        ordered: dict[str, Group] = {}
        for _, group in sorted(hits, key=lambda hit: hit[0]):
            ordered.setdefault(group.id, group)
        return list(ordered.values())

    def match_event(self, categories: Iterable[str], title: str) -> tuple[str, ...]:
        """Group ids of an event: from its CATEGORIES first, else from its title."""
        ids: dict[str, None] = {}
        for category in categories:
            key = normalize(category)
            if key in self._by_key:
                ids[self._by_key[key].id] = None
            else:
                for group in self.find_in_text(category):
                    ids[group.id] = None
        if not ids:
            for group in self.find_in_text(title):
                ids[group.id] = None
        return tuple(ids)
