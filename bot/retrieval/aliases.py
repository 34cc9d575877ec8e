"""Acronyms, nicknames and synonyms: a question using one term also searches the others."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot import safe_yaml
from bot.text import content_stems, fold, fold_letters


@dataclass(frozen=True)
class AliasTable:
    """Sets of equivalent terms, folded (no accents, lower case)."""

    groups: tuple[tuple[str, ...], ...]
    implicit: tuple[str, ...] = ()
    canonical: tuple[tuple[str, str], ...] = ()  # (spelled-out term, acronym), longest first

    @classmethod
    def load(cls, path: Path) -> AliasTable:
        """Read ``aliases.yaml``; a missing file means no aliases."""
        if not path.exists():
            return cls(())
        data = safe_yaml.load(path.read_text(encoding="utf-8")) or {}
        implicit = tuple(fold(str(term)).strip() for term in data.pop("implicit", []))
        groups = tuple(
            tuple(fold(str(term)).strip() for term in group)
            for section in data.values()
            for group in section
        )
        pairs = [
            (fold(str(term)).strip(), fold(str(group[0])).strip())
            for group in data.get("acronyms", [])
            for term in group[1:]
        ]
        canonical = tuple(sorted(pairs, key=lambda pair: len(pair[0]), reverse=True))
        return cls(groups, implicit, canonical)

    def canonicalize(self, text: str) -> str:
        """Folded ``text`` with every spelled-out acronym replaced by the acronym itself."""
        folded = fold(text)
        for term, acronym in self.canonical:
            if term in folded:  # (the pattern cannot match otherwise: a substring test is cheap)
                folded = _term_pattern(term).sub(f" {acronym} ", folded)
        return folded

    def without_implicit(self, text: str) -> str:
        """``text`` without the terms every document is about, when enough remains.

        "Qui préside le groupe Genre de CUF ?" searches "Qui préside le groupe Genre ?",
        but "Qui préside CUF ?" keeps its only subject.
        """
        folded = fold_letters(text)  # same length as ``text``: spans map back
        kept = list(text)
        for term in self.implicit:
            pattern = rf"(?<![a-z0-9])(?:(?:de|du|a|la|le|l'|d')\s*)?{re.escape(term)}(?![a-z0-9])"
            for match in re.finditer(pattern, folded):
                kept[match.start() : match.end()] = [""] * (match.end() - match.start())
        stripped = re.sub(r"\s+", " ", "".join(kept)).strip()
        return stripped if len(content_stems(stripped)) >= 2 else text

    def expansions(self, text: str) -> list[str]:
        """Terms equivalent to those found in ``text`` and not already in it."""
        folded = fold(text)
        found: list[str] = []
        for group in self.groups:
            if any(_contains(folded, term) for term in group):
                found.extend(term for term in group if not _contains(folded, term))
        return list(dict.fromkeys(found))

    def expand(self, text: str) -> str:
        """``text`` followed by its expansions, for search engines."""
        extra = self.expansions(text)
        return f"{text} ({'; '.join(extra)})" if extra else text


def _contains(folded_text: str, term: str) -> bool:
    return term in folded_text and _term_pattern(term).search(folded_text) is not None


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![a-z0-9]){re.escape(term)}(?![a-z0-9])")
