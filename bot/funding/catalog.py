"""All fiches of a folder, looked up by id or by any name users give them."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.funding.matching import contains_phrase, normalize, word_matches
from bot.funding.schema import Fiche, FicheError, load_fiche
from bot.text import STOPWORDS

logger = logging.getLogger(__name__)

# How many words after « 1 % » may name the scheme (« 1 % eau », "1% household waste").
_NAMING_WORDS = 3


FICHE_SUFFIXES = (".yaml", ".yml")


def fiche_paths(directory: Path) -> list[Path]:
    """The fiche files of a folder (``.yaml`` and ``.yml``), sorted by name."""
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix in FICHE_SUFFIXES and path.is_file() and not path.name.startswith(".")
    )


@dataclass(frozen=True)
class _Name:
    words: tuple[str, ...]
    fiche_id: str


@dataclass(frozen=True)
class FundingCatalog:
    """The validated fiches; ``errors`` lists the files that were skipped and why."""

    fiches: tuple[Fiche, ...]
    errors: list[str] = field(default_factory=list)

    @classmethod
    def load(cls, directory: Path) -> FundingCatalog:
        """Load every fiche (``.yaml``, ``.yml``) of ``directory``; a bad one is reported."""
        fiches: list[Fiche] = []
        errors: list[str] = []
        if not directory.is_dir():
            logger.warning("funding fiches folder not found: %s", directory)
            return cls(fiches=(), errors=[f"{directory}: folder not found"])
        seen: set[str] = set()
        for path in fiche_paths(directory):
            try:
                fiche = load_fiche(path)
            except FicheError as error:
                logger.warning("skipping funding fiche: %s", error)
                errors.append(str(error))
                continue
            except Exception as error:  # any other problem of this one file
                logger.warning("skipping funding fiche %s: %s", path.name, error)
                errors.append(f"{path.name}: unreadable fiche ({type(error).__name__}: {error})")
                continue
            if fiche.id in seen:
                errors.append(f"{path.name}: field 'id': '{fiche.id}' is used by another fiche")
                continue
            seen.add(fiche.id)
            fiches.append(fiche)
        return cls(fiches=tuple(fiches), errors=errors)

    def get(self, fiche_id: str) -> Fiche | None:
        return next((fiche for fiche in self.fiches if fiche.id == fiche_id), None)

    @cached_property
    def _names(self) -> list[_Name]:
        """Every fiche's names as matching words (computed once: the fiches never change)."""
        names: list[_Name] = []
        for fiche in self.fiches:
            for text in (fiche.short_name, *fiche.aliases, *fiche.acronyms, fiche.id):
                words = tuple(normalize(text.replace("_", " ")))
                if words:
                    names.append(_Name(words, fiche.id))
        return names

    def _family_member(self, words: list[str]) -> list[str]:
        """« une agence de l'eau peut-elle consacrer 1 % à la coopération ? »: the shared
        start of a family of fiches (« 1 % ») and, anywhere else, words of one of them
        only (« eau ») name that one."""
        present = set(words)
        for start, own in self._family_words.items():
            if contains_phrase(words, start):
                hinted = [fiche_id for fiche_id, mine in own.items() if mine & present]
                if len(hinted) == 1:
                    return hinted
        return []

    @cached_property
    def _family_words(self) -> dict[tuple[str, ...], dict[str, set[str]]]:
        """For each family's shared start, the words of each member's names that no
        other member's names have (« eau », « oudin » for the 1 % eau)."""
        words: dict[tuple[str, ...], dict[str, set[str]]] = {}
        for start, (fiches, _known) in self._families.items():
            mine = {
                fiche_id: {
                    word
                    for name in self._names
                    if name.fiche_id == fiche_id
                    for word in name.words
                    if word not in start and word not in STOPWORDS
                }
                for fiche_id in fiches
            }
            words[start] = {
                fiche_id: own
                - set().union(*(other for key, other in mine.items() if key != fiche_id))
                for fiche_id, own in mine.items()
            }
        return words

    def unknown_sibling(
        self, text: str, not_names: Iterable[str], links: Iterable[str]
    ) -> list[Fiche]:
        """« le 1 % restauration scolaire »: a scheme named like several fiches (« 1 % … »)
        with a word none of their names has. Returns those fiches (the ones that exist).

        ``not_names`` are words that may follow the shared start without naming a scheme
        (« le 1 % du budget », "the 1% law"); ``links`` are skipped before the word that
        names ("the 1% *for* water"), and so are stop words (« le 1 % *de leur* budget »).
        """
        words = normalize(text)
        generic = {word for phrase in not_names for word in normalize(phrase)}
        skipped = {word for phrase in links for word in normalize(phrase)}
        for start, (fiches, known) in self._families.items():
            for index in range(len(words) - len(start)):
                if tuple(words[index : index + len(start)]) != start:
                    continue
                after = words[index + len(start) :]
                rest = [word for word in after if word not in skipped and word not in STOPWORDS]
                if not rest or rest[0] in generic:
                    continue
                # English names a scheme with the words before its noun ("1% urban mobility").
                near = rest[:_NAMING_WORDS]
                if not any(word_matches(word, found) for word in known for found in near):
                    return [fiche for fiche in self.fiches if fiche.id in fiches]
        return []

    @cached_property
    def _families(self) -> dict[tuple[str, ...], tuple[set[str], set[str]]]:
        """The first two words several fiches' short names share (« 1 % » of the 1 % eau…),
        with those fiches' ids and every word of their names."""
        starts: dict[tuple[str, ...], set[str]] = {}
        for fiche in self.fiches:
            words = tuple(normalize(fiche.short_name))
            if len(words) > 2:
                starts.setdefault(words[:2], set()).add(fiche.id)
        return {
            start: (
                fiches,
                {word for name in self._names if name.fiche_id in fiches for word in name.words},
            )
            for start, fiches in starts.items()
            if len(fiches) > 1
        }

    def find(self, text: str) -> list[Fiche]:
        """Fiches named in ``text``, best first (the longest matching name wins)."""
        words = normalize(text)
        scores: dict[str, int] = {}
        for name in self._names:
            if contains_phrase(words, name.words):
                scores[name.fiche_id] = max(scores.get(name.fiche_id, 0), len(name.words))
        if not scores:
            scores = dict.fromkeys(self._family_member(words), 1)
        order = {fiche.id: index for index, fiche in enumerate(self.fiches)}
        ranked = sorted(scores, key=lambda fiche_id: (-scores[fiche_id], order[fiche_id]))
        return [fiche for fiche_id in ranked if (fiche := self.get(fiche_id)) is not None]
