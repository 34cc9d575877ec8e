"""Curated answers: ``knowledge/faq.yaml``, written by CUF's staff, matched before retrieval.

The file is a YAML list; each entry has a ``question``, optional ``variants``,
the staff's ``answer``, a ``source`` and the ``updated`` date. It is validated
strictly like the funding fiches (unknown keys refused, every error naming the
entry and the field) and read with the project's bounded YAML loader.

A member's question matches an entry when both, analysed the same way, name the
same things (names, years, funding schemes, groups) and their wordings are close:
the same content words, or most of them with close E5 vectors, or near-identical
vectors. A match is shown as « Réponse de l'équipe CUF (mise à jour le …) ».
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot import safe_yaml
from bot.answers import Answer, Source
from bot.funding.schema import describe_validation_error
from bot.messages import message
from bot.text import content_stems, fold

if TYPE_CHECKING:
    from bot.understanding.question import Analyzer, Question

logger = logging.getLogger(__name__)

FAQ_FILE = "faq.yaml"
SAME_WORDS = 1.0  # every content word shared: a match whatever the vectors say
MOST_WORDS = 0.6  # share of content words in common…
CLOSE = 0.92  # …with E5 query vectors at least this close
SAME = 0.97  # near-identical wording


class FaqError(Exception):
    """``faq.yaml`` cannot be used; the message names the entry and the field."""


class FaqEntry(BaseModel):
    """One curated answer."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    question: str = Field(min_length=3, max_length=500)
    variants: tuple[str, ...] = ()
    answer: str = Field(min_length=1, max_length=3000)
    source: str = Field(min_length=1, max_length=300)
    updated: date

    @property
    def wordings(self) -> tuple[str, ...]:
        return (self.question, *self.variants)


def parse_faq(data: object, file_name: str = FAQ_FILE) -> list[FaqEntry]:
    """Validate already-parsed YAML (a list of entries); raise :class:`FaqError`."""
    if data is None:
        return []
    if not isinstance(data, list):
        raise FaqError(f"{file_name}: the file must be a list of entries ('- question: …')")
    entries = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise FaqError(f"{file_name}: entry {number} must be a mapping of fields")
        try:
            entries.append(FaqEntry.model_validate(item))
        except ValidationError as error:
            where = f"{file_name}: entry {number}"
            raise FaqError(describe_validation_error(where, error)) from error
        if any(not variant.strip() for variant in entries[-1].variants):
            raise FaqError(f"{file_name}: entry {number}: field 'variants': empty wording")
    return entries


def load_faq(path: Path) -> list[FaqEntry]:
    """Read and validate ``faq.yaml``; a missing file is an empty FAQ."""
    if not path.exists():
        return []
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise FaqError(f"{path.name}: cannot read the file ({error})") from error
    except safe_yaml.YamlError as error:
        raise FaqError(f"{path.name}: invalid YAML ({error})") from error
    return parse_faq(data, path.name)


def entry_yaml(entry: FaqEntry) -> str:
    """An entry as YAML text to append to the file (comments above it are kept)."""
    import yaml

    data: dict[str, Any] = {"question": entry.question}
    if entry.variants:
        data["variants"] = list(entry.variants)
    data.update(answer=entry.answer, source=entry.source, updated=entry.updated)
    text: str = yaml.safe_dump([data], allow_unicode=True, sort_keys=False, width=100)
    return text


def append_entry(path: Path, entry: FaqEntry) -> None:
    """Add ``entry`` at the end of the file; the file is validated again, else left as it was."""
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    separator = "" if not before or before.endswith("\n") else "\n"
    after = before + separator + entry_yaml(entry)
    parse_faq(safe_yaml.load(after), path.name)  # raises FaqError: nothing written
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(after, encoding="utf-8")
    temporary.replace(path)


class _Wording:
    """One wording of an entry, analysed once."""

    def __init__(self, entry: FaqEntry, text: str, question: Question) -> None:
        self.entry = entry
        self.text = text
        self.key = _named(question)
        self.words = frozenset(content_stems(question.text))


def _named(question: Question) -> tuple[frozenset[str], ...]:
    return (
        frozenset(fold(name) for name in question.names),
        frozenset(str(year) for year in question.years),
        frozenset(question.schemes),
        frozenset(question.groups),
    )


class FaqResponder:
    """Answers a question from ``faq.yaml`` when one entry matches it (else ``None``).

    The file is read again when it changes on disk; an invalid file is logged and
    leaves the previous entries in use.
    """

    def __init__(
        self,
        path: Path,
        analyzer: Analyzer,
        embed: Callable[[str], Sequence[float]],
    ) -> None:
        self._path = path
        self._analyzer = analyzer
        self._embed = embed
        self._lock = threading.Lock()
        self._stamp: tuple[float, int] | None = None
        self._loaded = False
        self._wordings: list[_Wording] = []
        self._vectors = np.zeros((0, 0), dtype=np.float32)

    def _refresh(self) -> None:
        try:
            stat = self._path.stat()
            stamp: tuple[float, int] | None = (stat.st_mtime, stat.st_size)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if self._loaded and stamp == self._stamp:
                return
            self._stamp, self._loaded = stamp, True
            try:
                entries = load_faq(self._path)
            except FaqError as error:
                logger.warning("FAQ not reloaded, previous entries kept: %s", error)
                return
            wordings = [
                _Wording(entry, text, self._analyzer.analyze(text))
                for entry in entries
                for text in entry.wordings
            ]
            vectors = [np.asarray(self._embed(w.text), dtype=np.float32) for w in wordings]
            self._wordings = wordings
            self._vectors = _normalised(vectors)
            logger.debug("FAQ loaded: %d entries, %d wordings", len(entries), len(wordings))

    def entries(self) -> list[FaqEntry]:
        self._refresh()
        return list(dict.fromkeys(wording.entry for wording in self._wordings))

    def find(self, question: Question) -> FaqEntry | None:
        """The entry ``question`` asks, if any."""
        self._refresh()
        if not self._wordings or question.smalltalk is not None:
            return None
        key = _named(question)
        words = frozenset(content_stems(question.text))
        candidates = [index for index, w in enumerate(self._wordings) if w.key == key]
        if not candidates or not words:
            return None
        vector = _normalised([np.asarray(self._embed(question.text), dtype=np.float32)])[0]
        best: tuple[float, int] | None = None
        for index in candidates:
            wording = self._wordings[index]
            similarity = float(self._vectors[index] @ vector)
            overlap = len(words & wording.words) / max(len(words | wording.words), 1)
            close = (
                overlap >= SAME_WORDS
                or (overlap >= MOST_WORDS and similarity >= CLOSE)
                or similarity >= SAME
            )
            if close and (best is None or similarity > best[0]):
                best = (similarity, index)
        return self._wordings[best[1]].entry if best else None

    def try_answer(self, question: Question, now: datetime) -> Answer | None:
        entry = self.find(question)
        if entry is None:
            return None
        return curated_answer(entry, question.language)


def curated_answer(entry: FaqEntry, language: str = "fr") -> Answer:
    heading = message("faq_heading", language, date=entry.updated.strftime("%d/%m/%Y"))
    title = message("faq_source", language, source=entry.source)
    source = Source(title=title, file=FAQ_FILE, excerpt="")
    return Answer(f"{heading}\n{entry.answer}", answered=True, sources=(source,), kind="faq")


def _normalised(vectors: list[np.ndarray]) -> np.ndarray:
    if not vectors:
        return np.zeros((0, 0), dtype=np.float32)
    matrix = np.stack(vectors).astype(np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-9)
