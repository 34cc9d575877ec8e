"""All fiches of a folder, looked up by id or by any name users give them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.funding.matching import contains_phrase, normalize
from bot.funding.schema import Fiche, FicheError, load_fiche

logger = logging.getLogger(__name__)


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

    def find(self, text: str) -> list[Fiche]:
        """Fiches named in ``text``, best first (the longest matching name wins)."""
        words = normalize(text)
        scores: dict[str, int] = {}
        for name in self._names:
            if contains_phrase(words, name.words):
                scores[name.fiche_id] = max(scores.get(name.fiche_id, 0), len(name.words))
        order = {fiche.id: index for index, fiche in enumerate(self.fiches)}
        ranked = sorted(scores, key=lambda fiche_id: (-scores[fiche_id], order[fiche_id]))
        return [fiche for fiche_id in ranked if (fiche := self.get(fiche_id)) is not None]
